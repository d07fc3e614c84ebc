import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/redis.ts';
import { createMetricsStore } from '../../src/store/metrics.ts';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';
import { useRedis } from '../support/redis.ts';
import { freePort } from '../support/redis-server.ts';

const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('store/metrics: counters and histograms shared through Redis', () => {
  const r = useRedis('metrics');

  it('adds up what two connections (two processes) observe, buckets cumulative', async () => {
    const other = createRedis(r.url, 'worker');
    const a = createMetricsStore({ redis: r.redis, keys: r.keys });
    const b = createMetricsStore({ redis: other, keys: r.keys });
    a.inc('newsbot_telegram_429_total', { op: 'post' });
    b.inc('newsbot_telegram_429_total', { op: 'post' }, 2);
    b.inc('newsbot_polls_total', { source: 'x"y', result: 'ok' });
    a.observe('newsbot_send_seconds', 0.02, { kind: 'post' });
    b.observe('newsbot_send_seconds', 0.7, { kind: 'post' });
    b.observe('newsbot_send_seconds', 99, { kind: 'post' });
    a.observe('newsbot_send_seconds', -1, { kind: 'post' });
    await until(async () =>
      (await a.render()).includes('newsbot_send_seconds_count{kind="post"} 3'),
    );
    const text = await a.render();
    await other.quit();
    expect(value(text, 'newsbot_telegram_429_total{op="post"}')).toBe(3);
    expect(value(text, 'newsbot_polls_total{result="ok",source="x\\"y"}')).toBe(1);
    expect(value(text, 'newsbot_alerts_sent_total')).toBe(0);
    expect(value(text, 'newsbot_send_seconds_bucket{kind="post",le="0.025"}')).toBe(1);
    expect(value(text, 'newsbot_send_seconds_bucket{kind="post",le="1"}')).toBe(2);
    expect(value(text, 'newsbot_send_seconds_bucket{kind="post",le="30"}')).toBe(2);
    expect(value(text, 'newsbot_send_seconds_bucket{kind="post",le="+Inf"}')).toBe(3);
    expect(value(text, 'newsbot_send_seconds_sum{kind="post"}')).toBeCloseTo(99.72, 5);
    expect(text).toMatch(/^# TYPE newsbot_enqueue_to_post_seconds histogram$/m);
    expect(value(text, 'newsbot_enqueue_to_post_seconds_count')).toBe(0);
  });
});

describe('/metrics shows what worker processes observed', () => {
  let t: TestBot;
  let base: string;
  beforeAll(async () => {
    t = await createTestBot({ name: 'metrics-e2e' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // This process only serves HTTP; the workers run in a child process of their own.
    await t.start({ ROLE: 'bot', HTTP_PORT: String(port) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts posts, send latency, a 429, a fallback and a duplicate from another process', async () => {
    const [first, second] = antSample(2);
    if (!first || !second) throw new Error('corpus sample too small');
    t.fake.injectFault({ method: 'sendMessage', kind: 'rateLimit', retryAfter: 1 });
    // Default apiError: 400 "can't parse entities", so that post goes out as plain text.
    t.fake.injectFault({ method: 'sendMessage', kind: 'apiError' });
    t.spawn({ ROLE: 'worker' });
    await t.enqueueText(antAsText(first), { url: first.url });
    await t.enqueueText(antAsText(second), { url: second.url });
    // The same story again from another URL: dropped as a duplicate.
    await t.enqueueText(antAsText(first), { url: `${first.url}?again=1` });
    await t.fake.waitForMessages(CHANNEL.id, 2, { timeoutMs: 60_000 });
    const text = await until(
      async () => {
        const body = await (await fetch(`${base}/metrics`)).text();
        return /^newsbot_duplicates_dropped_total\{reason="[^"]+"\} 1$/m.test(body)
          ? body
          : undefined;
      },
      { timeoutMs: 60_000, what: 'duplicate counted' },
    );
    expect(value(text, 'newsbot_enqueue_to_post_seconds_count')).toBe(2);
    expect(value(text, 'newsbot_send_seconds_count{kind="post"}')).toBe(2);
    expect(value(text, 'newsbot_telegram_429_total{op="post"}')).toBe(1);
    expect(value(text, 'newsbot_fallbacks_total{kind="html_to_plain"}')).toBe(1);
    expect(value(text, 'newsbot_queue_depth{queue="posts"}')).toBe(0);
    for (const q of ['articles', 'posts', 'alerts', 'sources']) {
      expect(text).toMatch(new RegExp(`^newsbot_queue_depth\\{queue="${q}"\\} \\d+$`, 'm'));
    }
  }, 120_000);
});
