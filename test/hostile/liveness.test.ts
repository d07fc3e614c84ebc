import { afterEach, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';
import { deepPage, NORMAL_TEXT, RECEIVED, sentenceBomb } from './inputs.ts';

// A hostile page thrown at the real processes: the bot and workers of one newsbot process, the
// Bot API fake, Redis. The page costs its budget in a worker thread; the event loop that answers
// users and renews job locks never waits for it.

const EDITORS = { id: -1005550002222, title: 'المحررون' };
const USER = { id: 7101, first_name: 'سارة', language_code: 'ar' };

describe('a hostile page does not stop the channel', () => {
  let t: TestBot | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('the bot answers while it is read; it fails for good with its reason; the next article is posted', async () => {
    // The budget outlives the job lock (2 s in tests): only a free event loop keeps the lock.
    t = await createTestBot({
      name: 'hostile-live',
      env: { BUILD_TIMEOUT_MS: '5000', EDITORS_CHAT_ID: String(EDITORS.id) },
    });
    const bot = t;
    bot.fake.addGroup(EDITORS);
    await bot.start({ ROLE: 'all' });

    const page = (html: string, path: string) =>
      rawFromInput(html, {
        url: `https://e.example/${path}`,
        receivedAt: RECEIVED,
        sourceId: 'test',
      });
    await bot.enqueue(page(sentenceBomb(), 'bomb'));
    await bot.enqueue(page(deepPage(), 'deep'));
    await bot.enqueueText(NORMAL_TEXT, { url: 'https://e.example/normal' });

    // The bomb is being read: ask the bot something meanwhile, three times.
    const [bomb] = await until(async () => {
      const active = await bot.queues.articles.getActive();
      return active.length === 1 ? active : undefined;
    });
    const bombId = bomb?.id ?? '';
    for (let i = 0; i < 3; i++) {
      const reply = await bot.ask(USER, '/help');
      expect(reply.text).toContain('أهلاً بك');
      // Answered before the hostile build ended: the reply did not wait for it.
      expect(await bot.queues.articles.getJobState(bombId)).toBe('active');
    }

    // The normal article behind both hostile ones is posted.
    const [post] = await bot.fake.waitForMessages(CHANNEL.id, 1, { timeoutMs: 30_000 });
    expect(post?.text).toContain('إيران والعراق');

    const failed = await until(async () => {
      const jobs = await bot.queues.articles.getFailed();
      return jobs.length === 2 ? jobs : undefined;
    });
    const reasons = Object.fromEntries(
      failed.map((j) => ['raw' in j.data ? j.data.raw.url : undefined, j]),
    );
    const slow = reasons['https://e.example/bomb'];
    const deep = reasons['https://e.example/deep'];
    expect(slow?.failedReason).toMatch(/over budget \(too-slow\)/);
    expect(deep?.failedReason).toMatch(/over budget \(too-complex\).*1000 deep/);
    for (const job of [slow, deep]) {
      // Failed once, for good: no retry, and never stalled (its lock was kept while it ran).
      expect(job?.attemptsMade).toBe(1);
      expect(job?.stalledCounter).toBe(0);
    }
    const notices = await bot.fake.waitForMessages(EDITORS.id, 2);
    const told = notices.map((m) => m.text).join('\n');
    expect(told).toContain('too-slow');
    expect(told).toContain('too-complex');
    expect(told).toContain('https://e.example/bomb');
    // Only the one story reached the channel.
    await new Promise((r) => setTimeout(r, 300));
    expect(bot.fake.messages(CHANNEL.id)).toHaveLength(1);
  });
});
