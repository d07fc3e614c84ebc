import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL, until } from '../support/newsbot.ts';
import {
  buttonData,
  Chat,
  EDITOR,
  EDITOR_B,
  type EditorsBot,
  previewOf,
  shown,
  startEditorsBot,
} from './editors-support.ts';

// A draft left alone longer than CONVERSATION_TIMEOUT_MINUTES (1, the smallest allowed) ends
// at the next update. This file waits that minute out; it runs beside the other files.

let e: EditorsBot;

beforeAll(async () => {
  e = await startEditorsBot('ed-timeout', { CONVERSATION_TIMEOUT_MINUTES: '1' });
});
afterAll(async () => {
  await e.close();
});

describe('a conversation left alone', () => {
  it('expires: a button press, a text and a command after the timeout each end it safely', async () => {
    const a = new Chat(e.t, EDITOR);
    const b = new Chat(e.t, EDITOR_B);
    const previewA = await previewOf(a, `${e.pages.origin}/article-timeout-a`);
    const previewB = await previewOf(b, `${e.pages.origin}/article-timeout-b`);
    await b.pressAndWait(previewB, buttonData(previewB, 'hl'));
    const posted = e.t.fake.messages(CHANNEL.id).length;

    await new Promise((r) => setTimeout(r, 61_000));

    // A: the Publish button of the expired preview posts nothing.
    expect(await a.press(previewA, buttonData(previewA, 'pub'))).toBe(
      'انتهت مهلة المسودة. أرسل /publish للبدء من جديد.',
    );
    // B: the headline typed after the timeout is not taken.
    const [expired] = await b.send('a late headline');
    expect(shown(expired)).toBe('This draft has expired. Send /publish to start again.');
    // Both conversations (deleted just after the replies) and drafts are gone.
    await until(async () => (await e.t.redis.exists(e.t.keys.conversation(EDITOR.id))) === 0);
    await until(async () => (await e.t.redis.exists(e.t.keys.conversation(EDITOR_B.id))) === 0);
    expect(await e.t.redis.keys(`{${e.t.config.REDIS_PREFIX}}:draft:*`)).toEqual([]);
    expect(shown((await a.send('/publish'))[0])).toContain('أرسل رابط الخبر أو نصه');
    expect(shown((await a.send('/cancel'))[0])).toBe('أُلغيت المسودة.');
    expect(e.t.fake.messages(CHANNEL.id)).toHaveLength(posted);
  }, 120_000);
});
