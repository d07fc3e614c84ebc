import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import { antAsText, antSample, FIXTURE_PATH } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';

const EDITORS = { id: -1005550001111, title: 'المحررون' };

describe('Telegram faults', () => {
  let t: TestBot | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const enqueueAnt = async (bot: TestBot, n: number) => {
    const articles = antSample(n);
    for (const a of articles)
      await bot.enqueueText(antAsText(a), { url: a.url, publisher: a.source });
    return articles;
  };
  const distinctTexts = (bot: TestBot) => new Set(bot.fake.messages(CHANNEL.id).map((m) => m.text));

  it('429 storm: every article arrives and nothing is sent before its retry_after', async () => {
    // The bot believes it may send 50/s to the channel; the fake allows 20/s and answers 429.
    t = await createTestBot({ name: 'storm', env: { CHANNEL_RATE_PER_MINUTE: String(50 * 60) } });
    const bot = t;
    bot.fake.injectFault({ method: 'sendMessage', kind: 'rateLimit', retryAfter: 1, times: 5 });
    const articles = await enqueueAnt(bot, 60);
    await bot.start();
    await until(() => distinctTexts(bot).size >= articles.length, { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(bot.fake.messages(CHANNEL.id)).toHaveLength(articles.length);
    expect(bot.fake.stats.tooManyRequests.chat).toBeGreaterThan(5);
    expect(bot.fake.earlyRetries).toBe(0);
    // A 429 uses no attempt: every job completed on its first attempt.
    const done = await bot.queues.posts.getCompleted(0, -1);
    expect(done.length).toBe(articles.length);
    for (const job of done) expect(job.attemptsMade).toBeLessThanOrEqual(1);
  });

  it('500s, 502s, resets and timeouts: retried with backoff, each article once', async () => {
    t = await createTestBot({ name: 'errors' });
    const bot = t;
    bot.fake.injectFault({ method: 'sendMessage', kind: 'http500', times: 2 });
    bot.fake.injectFault({ method: 'sendMessage', kind: 'http502', times: 1 });
    bot.fake.injectFault({ method: 'sendMessage', kind: 'networkReset', times: 1 });
    bot.fake.injectFault({ method: 'sendMessage', kind: 'timeout', delayMs: 300, times: 1 });
    const articles = await enqueueAnt(bot, 30);
    await bot.start();
    await until(() => distinctTexts(bot).size >= articles.length, { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(bot.fake.messages(CHANNEL.id)).toHaveLength(articles.length);
    expect(bot.fake.stats.serverErrors).toBe(3);
    // Sends that got no answer (502 page, reset, timeout) leave the in-flight mark, so their
    // retry is flagged as possibly posted twice; a JSON 500 is an answer and is not.
    const ambiguous = await bot.posts.ambiguous();
    expect(ambiguous.length).toBeGreaterThanOrEqual(1);
    // No job used up an attempt: transient failures delay the job instead.
    const done = await bot.queues.posts.getCompleted(0, -1);
    for (const job of done) expect(job.attemptsMade).toBeLessThanOrEqual(1);
  });

  it('a response lost after posting is flagged ambiguous; the retry posts it again (known limit)', async () => {
    t = await createTestBot({ name: 'lost' });
    const bot = t;
    bot.fake.injectFault({ method: 'sendMessage', kind: 'lostResponse', times: 1 });
    await bot.enqueueText(readFileSync(FIXTURE_PATH, 'utf8'), {});
    await bot.start();
    await bot.fake.waitForMessages(CHANNEL.id, 2, { timeoutMs: 20_000 });
    const [first, second] = bot.fake.messages(CHANNEL.id);
    expect(first?.text).toBe(second?.text);
    const [entry] = await bot.posts.ambiguous();
    const articleId = entry?.split(' ')[0] ?? '';
    expect((await bot.posts.get(articleId, `@${CHANNEL.username}`))?.messageId).toBe(
      second?.message_id,
    );
  });

  it('falls back to plain text when Telegram refuses the HTML, and to text when the photo fails', async () => {
    t = await createTestBot({ name: 'fallback' });
    const bot = t;
    bot.fake.injectFault({ method: 'sendMessage', kind: 'apiError', times: 1 });
    bot.fake.injectFault({
      method: 'sendPhoto',
      kind: 'apiError',
      description: 'Bad Request: wrong file identifier/HTTP URL specified',
      times: 1,
    });
    await bot.enqueueText(readFileSync(FIXTURE_PATH, 'utf8'), {});
    await bot.enqueue(
      rawFromInput(
        JSON.stringify({
          title: 'خبر مع صورة لا تصل',
          link: 'https://img.example/story',
          description: '<p>قالت الوزارة إن الاجتماع سيعقد غدا في العاصمة لبحث الملفات العالقة.</p>',
          imageUrl: 'https://img.example/missing.jpg',
        }),
      ),
    );
    await bot.start();
    const [plain, text] = await bot.fake.waitForMessages(CHANNEL.id, 2, { timeoutMs: 20_000 });
    expect(plain?.parse_mode).toBeUndefined();
    expect(plain?.text).toContain('إيران والعراق');
    expect(plain?.entities).toHaveLength(0);
    expect(text?.photo).toBeUndefined();
    expect(text?.parse_mode).toBe('HTML');
    expect(text?.text).toContain('خبر مع صورة لا تصل');
  });

  it('a permanent error fails the post with its reason, tells the editors, and does not block the line', async () => {
    t = await createTestBot({
      name: 'permanent',
      env: {
        CHANNEL_ID: `@${CHANNEL.username},@no_such_channel`,
        EDITORS_CHAT_ID: String(EDITORS.id),
      },
    });
    const bot = t;
    bot.fake.addGroup(EDITORS);
    const articles = await enqueueAnt(bot, 3);
    await bot.start();
    await bot.fake.waitForMessages(CHANNEL.id, articles.length, { timeoutMs: 20_000 });
    const failed = await until(async () => {
      const jobs = await bot.queues.posts.getFailed();
      return jobs.length === articles.length ? jobs : undefined;
    });
    for (const job of failed) {
      expect(job.failedReason).toMatch(/chat not found/);
      expect(job.attemptsMade).toBe(1);
    }
    const notices = await bot.fake.waitForMessages(EDITORS.id, 1);
    expect(notices[0]?.text).toMatch(/@no_such_channel/);
    expect(await bot.redis.zcard(bot.keys.pending('@no_such_channel'))).toBe(0);
  });
});
