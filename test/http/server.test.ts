import type { Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type HttpOptions, startHttpServer } from '../../src/http/server.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { createLogger } from '../../src/logger.ts';
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

describe('http: where it listens and who may read /metrics', () => {
  let t: TestBot;
  const servers: Server[] = [];
  const logger = createLogger({ level: 'silent' });
  beforeAll(async () => {
    t = await createTestBot({ name: 'http-auth' });
  });
  afterAll(async () => {
    for (const server of servers) await new Promise((r) => server.close(r));
    await t.close();
  });
  const start = async (opts: Omit<HttpOptions, 'port'>) => {
    const port = await freePort();
    const server = await startHttpServer(
      { ...t.stores, queues: t.queues, logger },
      { port, ...opts },
    );
    servers.push(server);
    return { server, port };
  };

  it('listens on 127.0.0.1 only by default', async () => {
    const { server, port } = await start({});
    expect(server.address()).toMatchObject({ address: '127.0.0.1', port });
    // Another address of this machine (when it has one) gets no answer.
    const other = Object.values(networkInterfaces())
      .flat()
      .find((i) => i?.family === 'IPv4' && !i.internal)?.address;
    if (other) await expect(fetch(`http://${other}:${port}/healthz`)).rejects.toThrow();
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('listens where HTTP_HOST says', async () => {
    const { server } = await start({ host: '0.0.0.0' });
    expect(server.address()).toMatchObject({ address: '0.0.0.0' });
  });

  it('with METRICS_TOKEN, /metrics needs the bearer token; /healthz stays open', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const { port } = await start({ metricsToken: token });
    const url = `http://127.0.0.1:${port}/metrics`;
    const get = (authorization?: string) =>
      fetch(url, authorization ? { headers: { authorization } } : {});
    const denied = await get();
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    expect(await denied.text()).not.toContain('newsbot_');
    for (const wrong of [`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, token, 'Bearer ']) {
      expect((await get(wrong)).status, wrong).toBe(401);
    }
    const ok = await get(`Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^newsbot_posts \d+$/m);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('reads HTTP_HOST and METRICS_TOKEN from the environment, with safe defaults', () => {
    const base = { REDIS_URL: 'redis://127.0.0.1:6379' };
    const config = loadConfig(base);
    expect(config.HTTP_HOST).toBe('127.0.0.1');
    expect(config.METRICS_TOKEN).toBeUndefined();
    expect(config.STARTUP_TIMEOUT_SECONDS).toBe(120);
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ ...base, HTTP_HOST: 'a b' })).toThrow(/HTTP_HOST/);
  });
});
