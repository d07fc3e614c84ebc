import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL, until } from '../support/newsbot.ts';
import {
  buttonData,
  buttonsOf,
  Chat,
  EDITOR,
  EDITOR_B,
  type EditorsBot,
  previewOf,
  shown,
  startEditorsBot,
} from './editors-support.ts';

// After publishing: /edit and /unpublish change the channel and search; /queue shows counts,
// scheduled and failed posts with Retry; /audit lists who did what.

let e: EditorsBot;
const CHAT = `@${CHANNEL.username}`;
const ant = antSample(4);

/** Posts an ANT article automatically and returns its article id and channel message. */
async function postAnt(i: number) {
  const a = ant[i]!;
  const before = e.t.fake.messages(CHANNEL.id).length;
  await e.t.enqueueText(antAsText(a), { url: a.url, publisher: a.source });
  const [message] = (await e.t.fake.waitForMessages(CHANNEL.id, before + 1)).slice(before);
  const id = await until(() => e.t.posts.findByMessage(CHAT, message!.message_id));
  // Indexed for search by the subscribers' afterPost hook.
  await until(async () => (await e.t.redis.exists(e.t.keys.postHook(id))) === 1);
  return { id, message: message!, title: a.title };
}

const link = (messageId: number) => `https://t.me/${CHANNEL.username}/${messageId}`;
const hitIds = async (q: string) => (await e.search.search(q)).hits.map((h) => h.id);

beforeAll(async () => {
  e = await startEditorsBot('ed-posts');
});
afterAll(async () => {
  await e.close();
});

describe('/edit', () => {
  it('replaces the headline of a text post in place; the index follows', async () => {
    const { id, message } = await postAnt(0);
    const chat = new Chat(e.t, EDITOR);
    const before = chat.messages.length;
    chat.say(`/edit ${link(message.message_id)}`);
    let preview = await chat.preview(before);
    // The preview is the post as the channel shows it now.
    expect(preview.html).toBe(message.html);
    expect(buttonsOf(preview).map((b) => b.data.split(':').pop())).toEqual([
      'sv',
      'hl',
      'sm',
      'cx',
    ]);

    await chat.pressAndWait(preview, buttonData(preview, 'hl'));
    const next = chat.messages.length;
    chat.say('زنجبيلستان تعلن نتائج الانتخابات');
    preview = await chat.preview(next);
    const [saved] = await chat.pressAndWait(preview, buttonData(preview, 'sv'));
    expect(shown(saved)).toBe(`عُدّل المنشور في القناة: ${link(message.message_id)}`);

    const edited = e.t.fake.messages(CHANNEL.id).find((m) => m.message_id === message.message_id)!;
    expect(edited.edit_history).toHaveLength(1);
    expect(edited.html).toBe(preview.html);
    expect(() => parseTelegramHtml(edited.html ?? '')).not.toThrow();
    expect(shown(edited)).toContain('زنجبيلستان تعلن نتائج الانتخابات');
    expect((await e.t.articles.get(id))?.title).toBe('زنجبيلستان تعلن نتائج الانتخابات');
    expect(await hitIds('زنجبيلستان')).toEqual([id]);
  });

  it('replaces the summary of a photo post (editMessageCaption), found by article id', async () => {
    const chat = new Chat(e.t, EDITOR_B);
    const first = await previewOf(chat, `${e.pages.origin}/article-photo`);
    const posted = e.t.fake.messages(CHANNEL.id).length;
    await chat.pressAndWait(first, buttonData(first, 'pub'));
    const [post] = (await e.t.fake.waitForMessages(CHANNEL.id, posted + 1)).slice(posted);
    expect(post?.photo).toBeDefined();
    const id = await until(() => e.t.posts.findByMessage(CHAT, post!.message_id));

    const before = chat.messages.length;
    chat.say(`/edit ${id}`);
    let preview = await chat.preview(before);
    await chat.pressAndWait(preview, buttonData(preview, 'sm'));
    const next = chat.messages.length;
    chat.say('ملخص جديد كتبه المحرر عن خط قرقيسيا.');
    preview = await chat.preview(next);
    const [saved] = await chat.pressAndWait(preview, buttonData(preview, 'sv'));
    expect(shown(saved)).toContain('The channel post is updated');
    const edited = e.t.fake.messages(CHANNEL.id).find((m) => m.message_id === post!.message_id)!;
    expect(edited.caption).toContain('ملخص جديد كتبه المحرر عن خط قرقيسيا.');
    expect(edited.html).toBe(preview.html);
    expect(await hitIds('قرقيسيا')).toEqual([id]);
  });

  it('explains what it needs, and refuses unknown posts', async () => {
    const chat = new Chat(e.t, EDITOR);
    expect(shown((await chat.send('/edit'))[0])).toContain('/edit <رابط المنشور أو معرّف الخبر>');
    expect(shown((await chat.send(`/edit ${link(99_999)}`))[0])).toBe(
      'لم أجد منشوراً بهذا الرابط أو المعرّف.',
    );
    expect(shown((await chat.send('/edit javascript:alert(1)'))[0])).toBe(
      'لم أجد منشوراً بهذا الرابط أو المعرّف.',
    );
  });
});

describe('/unpublish', () => {
  it('deletes the channel post (by link) and removes it from search', async () => {
    const { id, message, title } = await postAnt(1);
    const word = title.split(/\s+/).find((w) => w.length > 4)!;
    expect(await hitIds(word)).toContain(id);
    const chat = new Chat(e.t, EDITOR);
    const [reply] = await chat.send(`/unpublish ${link(message.message_id)}`);
    expect(shown(reply)).toBe('حُذف المنشور من القناة (1) ومن البحث.');
    const gone = e.t.fake.messages(CHANNEL.id).find((m) => m.message_id === message.message_id);
    expect(gone?.deleted).toBe(true);
    expect(await hitIds(word)).not.toContain(id);
    expect(await e.t.posts.list(id)).toEqual([]);
    expect(await e.t.posts.findByMessage(CHAT, message.message_id)).toBeUndefined();
    expect(await e.t.redis.zscore(e.t.keys.timeline, id)).toBe(null);
    // Once more: it is no longer published.
    expect(shown((await chat.send(`/unpublish ${id}`))[0])).toBe('هذا الخبر لم يُنشر بعد.');
  });

  it('treats a post already deleted by hand as deleted (t.me/c link)', async () => {
    const { id, message } = await postAnt(2);
    await e.app.services.api.deleteMessage(CHANNEL.id, message.message_id);
    const chat = new Chat(e.t, EDITOR);
    const internal = String(CHANNEL.id).slice('-100'.length);
    const [reply] = await chat.send(`/unpublish https://t.me/c/${internal}/${message.message_id}`);
    expect(shown(reply)).toBe('حُذف المنشور من القناة (1) ومن البحث.');
    expect(await e.t.posts.list(id)).toEqual([]);
  });

  it('cancels a scheduled post that has not gone out', async () => {
    const chat = new Chat(e.t, EDITOR);
    const preview = await previewOf(chat, `${e.pages.origin}/article-later`);
    await chat.pressAndWait(preview, buttonData(preview, 'sch'));
    expect(shown((await chat.send('غدا 9:00'))[0])).toContain('جُدول النشر في');
    const [queue] = await chat.send('/queue');
    expect(shown(queue)).toContain('1 مجدول');
    expect(shown(queue)).toContain('الأردن والعراق يتفقان');
    const job = (await e.t.queues.articles.getDelayed()).find((j) => j.name === 'publish')!;
    const id = 'articleId' in job.data ? job.data.articleId : '';
    expect(shown((await chat.send(`/unpublish ${id}`))[0])).toBe('أُلغي النشر المجدول (1).');
    expect(shown((await chat.send('/queue'))[0])).toContain('0 مجدول');
  });
});

describe('/queue and Retry', () => {
  it('lists a failed post with its reason; Retry posts it', async () => {
    e.t.fake.injectFault({
      method: 'sendMessage',
      chatId: CHANNEL.id,
      kind: 'apiError',
      errorCode: 400,
      description: 'Bad Request: need administrator rights in the channel chat',
    });
    const a = ant[3]!;
    const before = e.t.fake.messages(CHANNEL.id).length;
    await e.t.enqueueText(antAsText(a), { url: a.url, publisher: a.source });
    await until(async () => (await e.t.queues.posts.getFailedCount()) === 1);

    const chat = new Chat(e.t, EDITOR_B);
    const queue = (await chat.send('/queue'))[0]!;
    expect(shown(queue)).toMatch(/^Queue: \d+ waiting · 0 scheduled · 1 failed/);
    expect(shown(queue)).toContain('need administrator rights in the channel chat');
    expect(shown(queue)).toContain(a.title.slice(0, 20));
    const retry = buttonsOf(queue)[0]!;
    expect(retry.text).toBe('🔁 Retry 1');
    expect(await chat.press(queue, retry.data)).toBe('Retrying.');
    const [post] = (await e.t.fake.waitForMessages(CHANNEL.id, before + 1)).slice(before);
    expect(shown(post)).toContain(a.title.slice(0, 20));
    // Pressed again: the job is no longer failed.
    expect(await chat.press(queue, retry.data)).toBe('That job is no longer in the failed list.');
  });
});

describe('/audit', () => {
  it('shows the latest editor actions, newest first, with who and what', async () => {
    const chat = new Chat(e.t, EDITOR);
    const [audit] = await chat.send('/audit');
    const lines = shown(audit).split('\n');
    expect(lines[0]).toBe('آخر أعمال المحررين:');
    expect(lines[1]).toContain('Sam أعاد محاولة');
    const text = shown(audit);
    for (const action of [
      'هدى ألغى جدولة',
      'هدى حذف',
      'هدى جدول',
      'Sam عدّل',
      'Sam نشر',
      'هدى عدّل',
    ]) {
      expect(text).toContain(action);
    }
    expect(text.indexOf('هدى ألغى جدولة')).toBeLessThan(text.indexOf('هدى جدول'));
    expect(text).toContain('«زنجبيلستان تعلن نتائج الانتخابات»');
    expect(lines.length).toBeLessThanOrEqual(21);
  });
});
