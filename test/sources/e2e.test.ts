import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Newsbot } from '../../src/main.ts';
import type { Source } from '../../src/store/sources.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';
import {
  antStories,
  atomXml,
  encode,
  type FeedServer,
  jsonFeed,
  rssXml,
  type Story,
  startFeedServer,
  storyPage,
} from './feed-server.ts';

// The whole path: sources polled by their job schedulers from a local server → articles queue →
// posts in the fake channel. Each story must arrive once, credited to its source's publisher.

const EDITORS = { id: -1005550001, title: 'المحررون' };
const INTERVAL = 1;
const MAX_FAILURES = 3;

describe('sources end to end: feeds on schedules to the channel', () => {
  let t: TestBot;
  let app: Newsbot;
  let server: FeedServer;
  let internal: http.Server;
  let internalHits = 0;
  /** Every story that should reach the channel, with the publisher its credit line must name. */
  const expected = new Map<string, string>();

  beforeAll(async () => {
    server = await startFeedServer();
    internal = http.createServer((_req, res) => {
      internalHits++;
      res.end('<rss version="2.0"><channel><title>internal</title></channel></rss>');
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    t = await createTestBot({
      name: 'sources-e2e',
      env: {
        EDITORS_CHAT_ID: String(EDITORS.id),
        // Only the feed server is reachable; the "internal" server on another port is not.
        FETCH_ALLOW_HOSTS: `127.0.0.1:${server.port}`,
        FETCH_TIMEOUT_MS: '1000',
        SOURCE_MIN_INTERVAL_SECONDS: '1',
        SOURCE_MAX_FAILURES: String(MAX_FAILURES),
      },
    });
    t.fake.addGroup({ id: EDITORS.id, title: EDITORS.title, botIsAdmin: true });
    app = await t.start();
  });

  afterAll(async () => {
    await t.close();
    await server.close();
    await new Promise<void>((resolve) => internal.close(() => resolve()));
  });

  const add = (path: string, publisher: string, over: Partial<Source> = {}) =>
    app.services.sources.add({
      url: server.url(path),
      kind: over.kind ?? 'feed',
      publisher,
      intervalSec: INTERVAL,
      ...(over.fullText ? { fullText: true } : {}),
    });
  const expect1 = (stories: Story[], publisher: string) => {
    for (const s of stories) expected.set(s.title.replace(/\s+/g, ' ').trim(), publisher);
  };

  it('posts every story once with its publisher; bad sources are paused and the editors told', async () => {
    let offset = 200;
    const next = (n: number) => {
      const stories = antStories(server.base, n, offset);
      offset += n;
      return stories;
    };

    // Healthy feeds: three formats, three charsets, with ETags.
    const utf8 = next(3);
    server.serve('/rss.xml', {
      body: rssXml(utf8, { title: 'x' }),
      contentType: 'application/rss+xml; charset=utf-8',
      etag: '"rss-1"',
    });
    const win = next(3);
    server.serve('/atom-1256.xml', {
      body: encode(atomXml(win, { title: 'x', encoding: 'windows-1256' }), 'windows-1256'),
      contentType: 'application/atom+xml',
      etag: '"atom-1"',
    });
    const iso = next(3);
    server.serve('/rss-8859-6.xml', {
      body: encode(rssXml(iso, { title: 'x', declaration: false }), 'iso-8859-6'),
      contentType: 'application/rss+xml; charset=ISO-8859-6',
    });
    const json = next(3);
    server.serve('/feed.json', {
      body: jsonFeed(json, { title: 'x' }),
      contentType: 'application/feed+json',
    });
    // A feed that reorders its items and one that republishes an old item under a new guid.
    const shuffled = next(4);
    let shuffledNow = shuffled.slice(0, 3);
    server.serve('/reorder.xml', () => ({ body: rssXml(shuffledNow, { title: 'x' }) }));
    const republished = next(3);
    let republishedNow = republished;
    server.serve('/republish.xml', () => ({ body: rssXml(republishedNow, { title: 'x' }) }));
    // A site without a feed: a listing page linking to story pages.
    const pages = next(2).map((s, i) => ({ ...s, link: server.url(`/story/${i}`) }));
    pages.forEach((s, i) => {
      server.serve(`/story/${i}`, { body: storyPage(s), contentType: 'text/html' });
    });
    server.serve('/site', {
      body: `<html><body><main>${pages
        .map((s) => `<h2><a href="${s.link}">${s.title}</a></h2>`)
        .join('')}</main></body></html>`,
      contentType: 'text/html',
    });

    // Sources that fail: malformed, 20 MB, slow, a redirect to 127.0.0.1 outside the allowlist.
    server.serve('/malformed.xml', {
      body: '<?xml version="1.0"?><rss version="2.0"><channel><it',
    });
    server.handle('/huge.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(256 * 1024, 0x20);
      let sent = 0;
      const write = () => {
        while (sent < 20 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', write);
        }
        res.end();
      };
      write();
    });
    server.handle('/slow.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const timer = setTimeout(() => res.end('<rss version="2.0"></rss>'), 5000);
      res.on('close', () => clearTimeout(timer));
    });
    server.handle('/to-internal.xml', (_req, res) => {
      const port = (internal.address() as AddressInfo).port;
      res.writeHead(302, { location: `http://127.0.0.1:${port}/feed.xml` });
      res.end();
    });

    await add('/rss.xml', 'وكالة الأنباء');
    await add('/atom-1256.xml', 'صحيفة الخليج');
    await add('/rss-8859-6.xml', 'إذاعة المغرب');
    await add('/feed.json', 'موقع جيسون');
    const reorder = await add('/reorder.xml', 'قناة المرتبة');
    const republish = await add('/republish.xml', 'نشرة معادة');
    await add('/site', 'موقع بلا خلاصة', { kind: 'page' });
    const bad = await Promise.all([
      add('/malformed.xml', 'خلاصة معطوبة'),
      add('/huge.xml', 'خلاصة ضخمة'),
      add('/slow.xml', 'خلاصة بطيئة'),
      add('/to-internal.xml', 'خلاصة محولة'),
    ]);
    expect1(utf8, 'وكالة الأنباء');
    expect1(win, 'صحيفة الخليج');
    expect1(iso, 'إذاعة المغرب');
    expect1(json, 'موقع جيسون');
    expect1(shuffledNow, 'قناة المرتبة');
    expect1(republished, 'نشرة معادة');
    expect1(pages, 'موقع بلا خلاصة');

    await t.fake.waitForMessages(CHANNEL.id, expected.size, { timeoutMs: 30_000 });

    // Now the reordering feed shuffles and adds a story; the other republishes an old one.
    const health = app.services.sources.store;
    const polls = async (id: string) => (await health.health(id)).lastPollAt;
    shuffledNow = [shuffled[3]!, shuffled[1]!, shuffled[0]!, shuffled[2]!];
    expect1([shuffled[3]!], 'قناة المرتبة');
    const old = republished[0]!;
    republishedNow = [
      ...republished,
      { ...old, guid: `${old.guid}-v2`, link: server.url('/news/moved'), date: new Date() },
    ];
    await t.fake.waitForMessages(CHANNEL.id, expected.size, { timeoutMs: 30_000 });
    // A few more polls of both, so a repeat would have time to show.
    for (const id of [reorder.id, republish.id]) {
      for (let i = 0; i < 2; i++) {
        const before = await polls(id);
        await until(async () => (await polls(id)) !== before, { what: `a poll of ${id}` });
      }
    }

    // The failing sources end paused, each with a notice to the editors saying why.
    for (const source of bad) {
      await until(async () => (await health.get(source.id))?.paused, {
        what: `${source.id} paused`,
        timeoutMs: 30_000,
      });
    }
    const reasons = Object.fromEntries(
      await Promise.all(
        bad.map(async (s) => [s.id, (await health.get(s.id))?.pausedReason?.split(':')[0]]),
      ),
    );
    expect(reasons).toEqual({
      [bad[0]!.id]: 'malformed',
      [bad[1]!.id]: 'too-large',
      [bad[2]!.id]: 'timeout',
      [bad[3]!.id]: 'blocked-address',
    });
    await t.fake.waitForMessages(EDITORS.id, bad.length);
    const notices = t.fake.messages(EDITORS.id).map((m) => m.text ?? '');
    for (const source of bad) {
      const notice = notices.find((n) => n.includes(`(${source.id})`));
      expect(notice).toContain(source.publisher);
      expect(notice).toContain(`/resumesource ${source.id}`);
    }
    expect(internalHits).toBe(0);
    const schedulers = await app.services.sources.queue.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => s.key).sort()).not.toContain(`source-${bad[0]!.id}`);

    // Each story exactly once, credited to the right publisher.
    await new Promise((r) => setTimeout(r, 500));
    const messages = t.fake.messages(CHANNEL.id);
    expect(messages).toHaveLength(expected.size);
    const seen = new Map<string, number>();
    for (const m of messages) {
      const text = m.text ?? m.caption ?? '';
      const title = [...expected.keys()].find((k) => text.includes(k));
      expect(title, `a message for an unexpected story: ${text.slice(0, 80)}`).toBeDefined();
      seen.set(title!, (seen.get(title!) ?? 0) + 1);
      const credit = text.split('\n').find((line) => line.includes('المصدر: '));
      expect(credit).toContain(expected.get(title!));
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(seen.size).toBe(expected.size);
    // No duplicate even reached the articles queue: the sources' seen sets caught them all.
    expect(await t.redis.xlen(t.keys.dropped)).toBe(0);
    expect((await health.health(reorder.id)).items).toBe(4);
    expect((await health.health(republish.id)).items).toBe(3);
    // Conditional GET was used: the ETag feeds were answered 304 after the first poll.
    expect(server.notModified.get('/rss.xml') ?? 0).toBeGreaterThan(0);
  });
});
