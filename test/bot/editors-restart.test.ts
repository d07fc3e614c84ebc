import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, until } from '../support/newsbot.ts';
import {
  buttonData,
  Chat,
  EDITOR,
  type EditorsBot,
  previewOf,
  shown,
  startEditorsBot,
} from './editors-support.ts';

// The /publish conversation lives in Redis: it survives a restart of the bot, is dropped when
// its stored shape is of another version, and expires when left alone.

let e: EditorsBot;

beforeAll(async () => {
  e = await startEditorsBot('ed-restart');
});
afterAll(async () => {
  await e.close();
});

describe('a restart in the middle of /publish', () => {
  it('goes on where it was: the old preview buttons work on the new bot', async () => {
    const chat = new Chat(e.t, EDITOR);
    const preview = await previewOf(chat, `${e.pages.origin}/article-restart`);
    const [ask] = await chat.pressAndWait(preview, buttonData(preview, 'hl'));
    expect(shown(ask)).toBe('أرسل العنوان الجديد.');

    // Stop everything (bot and workers), then start a fresh process state on the same Redis.
    await e.app.stop();
    await e.t.start();

    const before = chat.messages.length;
    chat.say('عنوان كُتب بعد إعادة التشغيل');
    const again = await chat.preview(before);
    expect(shown(again)).toContain('عنوان كُتب بعد إعادة التشغيل');
    const posted = e.t.fake.messages(CHANNEL.id).length;
    await chat.pressAndWait(again, buttonData(again, 'pub'));
    const [post] = (await e.t.fake.waitForMessages(CHANNEL.id, posted + 1)).slice(posted);
    expect(shown(post)).toContain('عنوان كُتب بعد إعادة التشغيل');
  });

  it('drops a stored conversation of another version: its buttons are answered as out of date', async () => {
    const chat = new Chat(e.t, EDITOR);
    const preview = await previewOf(chat, `${e.pages.origin}/article-version`);
    const key = e.t.keys.conversation(EDITOR.id);
    // The state is written once the update is handled, just after the preview went out.
    const json = await until(() => e.t.redis.get(key));
    const stored = JSON.parse(json) as { version: [number, number] };
    expect(stored.version[1]).toBe(1);
    stored.version[1] = 0;
    await e.t.redis.set(key, JSON.stringify(stored));

    expect(await chat.press(preview, buttonData(preview, 'pub'))).toBe(
      'هذه المعاينة لم تعد صالحة.',
    );
    // No conversation: plain text is not taken as a headline, and /publish starts afresh.
    const [ask] = await chat.send('/publish');
    expect(shown(ask)).toContain('أرسل رابط الخبر أو نصه');
    await chat.send('/cancel');
  });
});
