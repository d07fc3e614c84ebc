import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';

describe('graceful shutdown', () => {
  let t: TestBot;
  beforeAll(async () => {
    // Five posts a second, so there is always work in flight when the signal comes.
    t = await createTestBot({
      name: 'shutdown',
      fake: { chatRate: { max: 5, windowMs: 1000 } },
      env: { CHANNEL_RATE_PER_MINUTE: '300' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('SIGTERM stops taking jobs, finishes the ones in flight, exits 0; a new worker finishes the rest once', async () => {
    const articles = antSample(20);
    for (const a of articles)
      await t.enqueueText(antAsText(a), { url: a.url, publisher: a.source });
    const worker = t.spawn();
    await until(() => t.fake.messages(CHANNEL.id).length >= 3, { timeoutMs: 30_000 });
    const exited = new Promise<number | null>((r) => worker.once('exit', (code) => r(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await t.queues.posts.getActiveCount()).toBe(0);
    expect(await t.queues.articles.getActiveCount()).toBe(0);
    const atStop = t.fake.messages(CHANNEL.id).length;
    expect(atStop).toBeLessThan(articles.length);

    t.spawn();
    await until(() => t.fake.messages(CHANNEL.id).length >= articles.length, { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1000));
    const texts = t.fake.messages(CHANNEL.id).map((m) => m.text);
    expect(texts).toHaveLength(articles.length);
    expect(new Set(texts).size).toBe(articles.length);
  });
});
