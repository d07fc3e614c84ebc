import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot } from '../support/newsbot.ts';
import { freePort } from '../support/redis-server.ts';

describe('http: /healthz and /metrics', () => {
  let t: TestBot;
  let base: string;
  beforeAll(async () => {
    t = await createTestBot({ name: 'http' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await t.start({ HTTP_PORT: String(port) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /healthz while Redis answers', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok\n');
  });

  it('reports queue states and totals from Redis in Prometheus text', async () => {
    for (const a of antSample(3)) await t.enqueueText(antAsText(a), { url: a.url });
    await t.fake.waitForMessages(CHANNEL.id, 3);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^newsbot_posts 3$/m);
    expect(text).toMatch(/^newsbot_jobs\{queue="posts",state="failed"\} 0$/m);
    expect(text).toMatch(/^newsbot_duplicates_dropped 0$/m);
  });

  it('reports every queue of the table, alerts and sources included', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const queue of QUEUE_NAMES) {
      for (const state of ['waiting', 'delayed', 'active', 'failed', 'prioritized']) {
        expect(text).toMatch(
          new RegExp(`^newsbot_jobs\\{queue="${queue}",state="${state}"\\} \\d+$`, 'm'),
        );
      }
    }
    expect(QUEUE_NAMES).toEqual(expect.arrayContaining(['articles', 'posts', 'alerts', 'sources']));
  });

  it('refuses other paths and methods', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
