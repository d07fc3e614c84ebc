import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';
import { RedisServer } from '../support/redis-server.ts';

describe('Redis restart mid-run', () => {
  let server: RedisServer;
  let t: TestBot;
  beforeAll(async () => {
    server = await RedisServer.start({ aof: true });
    t = await createTestBot({ name: 'restart', redisUrl: server.url });
  });
  afterAll(async () => {
    await t.close();
    await server.destroy();
  });

  it('loses nothing and the workers reconnect by themselves', async () => {
    const articles = antSample(100);
    for (const a of articles)
      await t.enqueueText(antAsText(a), { url: a.url, publisher: a.source });
    // A job lock longer than the outage and the reconnect backoff (up to 2 s): with the suite's
    // 2 s lock, a job could be taken as stalled and run again while its send was being recorded,
    // which posts it twice (the at-least-once window the inflight mark warns about).
    await t.start({ JOB_LOCK_MS: '10000' });
    await until(() => t.fake.messages(CHANNEL.id).length >= 30, { what: '30 posts' });

    await server.stop();
    const atStop = t.fake.messages(CHANNEL.id).length;
    await new Promise((r) => setTimeout(r, 1500));
    // Nothing can be admitted while Redis is away: the rate gate lives there.
    expect(t.fake.messages(CHANNEL.id).length).toBeLessThanOrEqual(atStop + 4);
    await server.resume();

    await until(() => t.fake.messages(CHANNEL.id).length >= articles.length, {
      timeoutMs: 60_000,
      what: 'all posts after the restart',
    });
    await new Promise((r) => setTimeout(r, 3000));
    const texts = t.fake.messages(CHANNEL.id).map((m) => m.text);
    expect(texts).toHaveLength(articles.length);
    expect(new Set(texts).size).toBe(articles.length);
    expect(await t.redis.zcard(t.keys.timeline)).toBe(articles.length);
  });
});
