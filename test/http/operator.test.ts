import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esc, renderStatus } from '../../src/http/status.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot } from '../support/newsbot.ts';
import { freePort } from '../support/redis-server.ts';
import { basic, DASHBOARD, makeFailedJob, startOperatorBot } from './operator-support.ts';

describe('http: /dashboard and /status behind Basic auth', () => {
  let t: TestBot;
  let base: string;
  const auth = { authorization: basic(DASHBOARD.user, DASHBOARD.password) };
  beforeAll(async () => {
    ({ t, base } = await startOperatorBot('operator'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('asks for credentials and refuses wrong ones on every operator path', async () => {
    for (const path of ['/status', '/dashboard', '/dashboard/api/queues']) {
      const none = await fetch(`${base}${path}`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="newsbot"/);
      for (const [user, password] of [
        [DASHBOARD.user, 'wrong-password-123'],
        ['someone', DASHBOARD.password],
        [DASHBOARD.user, `${DASHBOARD.password}x`],
      ] as const) {
        const res = await fetch(`${base}${path}`, {
          headers: { authorization: basic(user ?? '', password ?? '') },
        });
        expect(res.status).toBe(401);
      }
    }
    // The other endpoints stay open as before.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('lists every queue of the table in the dashboard API', async () => {
    const res = await fetch(`${base}/dashboard/api/queues`, { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual([...QUEUE_NAMES].sort());
    const page = await fetch(`${base}/dashboard`, { headers: auth });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
  });

  it('shows sources, the last posts with links and failed jobs, RTL and escaped', async () => {
    await t.stores.sourceStore.create({
      id: 'evil-feed',
      url: 'https://example.com/feed.xml',
      kind: 'feed',
      publisher: '<script>alert(1)</script> وكالة',
      intervalSec: 600,
      chats: [],
      mode: 'auto',
      fullText: false,
      paused: false,
      createdAt: new Date().toISOString(),
    });
    await t.stores.sourceStore.recordFailure('evil-feed', {
      at: Date.now(),
      error: 'HTTP 500 <b>bad</b>',
      nextPollAt: Date.now() + 60_000,
    });
    // Failed before any worker runs here; workers leave failed jobs alone.
    await makeFailedJob(t, 'feed exploded <i>');
    const posted = await t.posts.postedCount();
    await t.start({ ROLE: 'worker' });
    for (const a of antSample(2)) await t.enqueueText(antAsText(a), { url: a.url });
    await t.fake.waitForMessages(CHANNEL.id, posted + 2);
    // A route, added after the posts so it does not change where they went.
    await t.stores.routes.add({
      target: { chat: '@sport_channel' },
      sources: [],
      sections: ['sport'],
      any: [],
      all: [],
      not: ['إعلان'],
    });

    const res = await fetch(`${base}/status`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="ar" dir="rtl">/);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; وكالة');
    expect(html).toContain('HTTP 500 &lt;b&gt;bad&lt;/b&gt;');
    expect(html).toContain('feed exploded &lt;i&gt;');
    expect(html.match(/href="https:\/\/t\.me\/akhbar_test\/\d+"/g)?.length).toBeGreaterThanOrEqual(
      2,
    );
    expect(html).toContain('<section id="routes">');
    expect(html).toMatch(/@sport_channel/);
    expect(html).toContain('section:sport not:إعلان');
  });
});

describe('http: operator pages are off unless configured', () => {
  let t: TestBot;
  let base: string;
  beforeAll(async () => {
    t = await createTestBot({ name: 'operator-off' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await t.start({ ROLE: 'bot', HTTP_PORT: String(port), DASHBOARD_USER: 'operator' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 404 on /dashboard and /status without a password set', async () => {
    const auth = { authorization: basic('operator', '') };
    expect((await fetch(`${base}/dashboard`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${base}/status`, { headers: auth })).status).toBe(404);
  });
});

describe('status page rendering', () => {
  it('escapes everything and only links http(s) URLs', () => {
    expect(esc(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
    const html = renderStatus({
      generatedAt: '2026-01-01T00:00:00.000Z',
      sources: [],
      routes: [],
      posts: [
        {
          title: 'عنوان "مقتبس"',
          sentAt: '2026-01-01T00:00:00.000Z',
          links: [
            { chat: '@a', href: 'javascript:alert(1)' },
            { chat: '@b', href: 'https://t.me/b/2' },
          ],
        },
      ],
      failed: [],
    });
    expect(html).not.toContain('javascript:');
    expect(html).toContain('<a href="https://t.me/b/2" dir="ltr">@b</a>');
    expect(html).toContain('عنوان &quot;مقتبس&quot;');
    expect(html).toContain('لا مصادر بعد.');
  });
});
