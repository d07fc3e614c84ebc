import { Api } from 'grammy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BotApiFake, startBotApiFake, type UserSpec } from '../../src/demo/bot-api-fake.ts';
import { createMessenger, createSender, sendPostOnce } from '../../src/jobs/send.ts';
import { createLogger } from '../../src/logger.ts';
import type { Post } from '../../src/store/posts.ts';
import { createRateGate } from '../../src/store/rate-gate.ts';
import { CHANNEL } from '../support/newsbot.ts';
import { useRedis } from '../support/redis.ts';
import { makeArticle } from '../telegram/article.ts';

// The one sender against the Bot API fake: the photo and HTML fallbacks, the link preview, and
// edits and deletes of channel posts with Telegram's "not modified" / "not found" answers.

const EDITOR: UserSpec = { id: 701, first_name: 'هدى', language_code: 'ar' };
const { redis, keys } = useRedis('send');
const gate = createRateGate({
  redis,
  keys,
  limits: { globalPerSecond: 30, chatPerMinute: 1200, privatePerMinute: 1200 },
});
let fake: BotApiFake;
let api: Api;

const article = (fields: Parameters<typeof makeArticle>[0] = {}) =>
  makeArticle({
    id: 'a-0123456789abcdef0123',
    title: 'عنوان الخبر',
    summary: ['الجملة الأولى من الملخص.', 'والجملة الثانية.'],
    url: 'https://news.example/story',
    publisher: 'الناشر',
    ...fields,
  });

/** A channel post as the posts worker records it. */
async function postOf(kind: Post['kind'], fields = {}): Promise<Post> {
  const sent = await sendPostOnce(api, `@${CHANNEL.username}`, article(fields), {
    plain: kind === 'plain',
    noPhoto: kind !== 'photo',
  });
  return {
    articleId: 'a-0123456789abcdef0123',
    chat: `@${CHANNEL.username}`,
    chatId: sent.message.chat.id,
    messageId: sent.message.message_id,
    sentAt: new Date().toISOString(),
    kind: sent.kind,
  };
}

const current = (chat: number, messageId: number) =>
  fake.messages(chat).find((m) => m.message_id === messageId);

beforeAll(async () => {
  fake = await startBotApiFake();
  fake.addChannel({ ...CHANNEL });
  api = new Api(fake.token, { apiRoot: fake.apiRoot });
  // The editor opened a private chat with the bot.
  fake.userSends(EDITOR, '/start');
});
beforeEach(() => {
  fake.clearFaults();
});
afterAll(async () => {
  await fake.close();
});

describe('sendPostOnce (the posts worker, one attempt)', () => {
  it('posts a photo with its caption, HTML text with the link preview, or plain text', async () => {
    const photo = await sendPostOnce(
      api,
      `@${CHANNEL.username}`,
      article({ imageUrl: 'https://img.example/1.jpg' }),
      {},
    );
    expect(photo.kind).toBe('photo');
    expect(current(CHANNEL.id, photo.message.message_id)?.caption).toContain('عنوان الخبر');

    const text = await sendPostOnce(
      api,
      `@${CHANNEL.username}`,
      article({ imageUrl: 'https://img.example/1.jpg' }),
      { noPhoto: true },
    );
    expect(text.kind).toBe('text');
    const shown = current(CHANNEL.id, text.message.message_id);
    expect(shown?.parse_mode).toBe('HTML');
    expect(shown?.link_preview_options).toEqual({
      url: 'https://news.example/story',
      prefer_small_media: true,
    });

    const plain = await sendPostOnce(api, `@${CHANNEL.username}`, article({ url: undefined }), {
      plain: true,
    });
    expect(plain.kind).toBe('plain');
    const plainShown = current(CHANNEL.id, plain.message.message_id);
    expect(plainShown?.parse_mode).toBeUndefined();
    expect(plainShown?.link_preview_options).toEqual({ is_disabled: true });
  });

  it('leaves a refused send to the caller (no fallback of its own)', async () => {
    fake.injectFault({ method: 'sendMessage', kind: 'apiError' });
    await expect(
      sendPostOnce(api, `@${CHANNEL.username}`, article(), { noPhoto: true }),
    ).rejects.toThrow(/can't parse entities/);
  });
});

describe('the sender', () => {
  const sender = () => createSender({ api, gate });

  it('sends a preview as the channel would see it, with buttons', async () => {
    const buttons = [[{ text: 'نشر', callback_data: 'pv:x:0:pub' }]];
    const ref = await sender().sendPreview(EDITOR.id, article(), { buttons });
    const m = current(EDITOR.id, ref.messageId);
    expect(ref.chat).toBe(EDITOR.id);
    expect(m?.link_preview_options).toEqual({
      url: 'https://news.example/story',
      prefer_small_media: true,
    });
    expect(m?.reply_markup?.inline_keyboard).toEqual(buttons);
  });

  it('falls back from a photo Telegram cannot use to text, and from refused HTML to plain', async () => {
    const ref = await sender().sendPreview(EDITOR.id, article({ imageUrl: 'not a photo' }));
    const m = current(EDITOR.id, ref.messageId);
    expect(m?.photo).toBeUndefined();
    expect(m?.parse_mode).toBe('HTML');

    fake.injectFault({ method: 'sendMessage', kind: 'apiError' });
    const plain = await sender().sendPreview(EDITOR.id, article());
    const p = current(EDITOR.id, plain.messageId);
    expect(p?.parse_mode).toBeUndefined();
    expect(p?.text).toContain('عنوان الخبر');
  });

  it('waits out a short 429 on a preview', async () => {
    fake.injectFault({ method: 'sendMessage', kind: 'rateLimit', retryAfter: 1 });
    const before = Date.now();
    const ref = await sender().sendPreview(EDITOR.id, article());
    expect(Date.now() - before).toBeGreaterThanOrEqual(900);
    expect(current(EDITOR.id, ref.messageId)).toBeDefined();
  });

  it('edits text, plain and photo posts in place; unchanged is ok, deleted is missing', async () => {
    const text = await postOf('text');
    const edited = article({ title: 'عنوان معدّل' });
    expect(await sender().editPost(text, edited)).toBe('ok');
    expect(current(text.chatId, text.messageId)?.text).toContain('عنوان معدّل');
    expect(current(text.chatId, text.messageId)?.parse_mode).toBe('HTML');
    // The same content again: Telegram says "not modified", which is what we wanted.
    expect(await sender().editPost(text, edited)).toBe('ok');

    const plain = await postOf('plain');
    expect(await sender().editPost(plain, edited)).toBe('ok');
    expect(current(plain.chatId, plain.messageId)?.parse_mode).toBeUndefined();

    const photo = await postOf('photo', { imageUrl: 'https://img.example/2.jpg' });
    expect(await sender().editPost(photo, edited)).toBe('ok');
    expect(current(photo.chatId, photo.messageId)?.caption).toContain('عنوان معدّل');

    expect(await sender().deletePost(text)).toBe('ok');
    expect(current(text.chatId, text.messageId)?.deleted).toBe(true);
    expect(await sender().editPost(text, article({ title: 'مرة أخرى' }))).toBe('missing');
    expect(await sender().deletePost(text)).toBe('missing');
  });

  it('reports a refused edit or delete with Telegram’s reason', async () => {
    const text = await postOf('text');
    fake.injectFault({
      method: 'editMessageText',
      kind: 'apiError',
      errorCode: 403,
      description: 'Forbidden: bot is not a member of the channel chat',
    });
    const result = await sender().editPost(text, article({ title: 'لن يُحفظ' }));
    expect(result).toEqual({ error: expect.stringContaining('not a member') });
    fake.injectFault({ method: 'deleteMessage', kind: 'apiError', errorCode: 400 });
    expect(await sender().deletePost(text)).toEqual({ error: expect.any(String) });
  });
});

describe('the messenger', () => {
  it('tells an editor in plain text, as a reply, and sets and clears buttons', async () => {
    const messenger = createMessenger({ api, logger: createLogger({ level: 'silent' }) });
    expect(await messenger.tell(EDITOR.id, 'مرحباً')).toBe(true);
    const first = fake.messages(EDITOR.id).at(-1)!;
    expect(first.text).toBe('مرحباً');
    expect(first.link_preview_options).toEqual({ is_disabled: true });

    const buttons = [[{ text: 'حالة', callback_data: 'rv:st:x' }]];
    expect(await messenger.setButtons(EDITOR.id, first.message_id, buttons)).toBe(true);
    expect(current(EDITOR.id, first.message_id)?.reply_markup?.inline_keyboard).toEqual(buttons);
    await messenger.setButtons(EDITOR.id, first.message_id);
    expect(current(EDITOR.id, first.message_id)?.reply_markup).toBeUndefined();

    expect(await messenger.tell(EDITOR.id, 'رد', { replyTo: first.message_id })).toBe(true);
    // A user who never opened the bot: false, not an exception.
    expect(await messenger.tell(999_001, 'لن تصل')).toBe(false);
  });
});
