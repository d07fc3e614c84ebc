import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildArticle } from '../../src/article/pipeline.ts';
import type { RawArticle } from '../../src/article/types.ts';
import { createLogger } from '../../src/logger.ts';
import { FeedError } from '../../src/sources/feed.ts';
import { FetchError, type FetchPolicy } from '../../src/sources/http.ts';
import {
  FIRST_POLL_ITEMS,
  type PollDeps,
  type PollOutcome,
  pollSource,
  probeSource,
} from '../../src/sources/poll.ts';
import type { Source, SourceStore } from '../../src/store/sources.ts';
import { useRedis } from '../support/redis.ts';
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

// Polls real sources on a local server into a collecting enqueue, with a real Redis store.

let server: FeedServer;
let internal: http.Server;
let internalHits = 0;
// A fresh key prefix for every test, deleted after it.
const db = useRedis('poll', { each: true });
let store: SourceStore;
let enqueued: { raw: RawArticle; chats?: string[] }[];
let paused: { id: string; reason: string }[];
let policy: FetchPolicy;

const logger = createLogger({ level: 'silent' });

function deps(over: Partial<PollDeps> = {}): PollDeps {
  return {
    store,
    policy,
    enqueue: async (raw, opts) => {
      enqueued.push({ raw, ...(opts.chats ? { chats: opts.chats } : {}) });
    },
    logger,
    maxFailures: 3,
    pause: async (source, reason) => {
      paused.push({ id: source.id, reason });
      await store.update({ ...source, paused: true, pausedReason: reason });
    },
    ...over,
  };
}

let nextId = 0;
async function addSource(path: string, over: Partial<Source> = {}): Promise<Source> {
  const source: Source = {
    id: `s${++nextId}`,
    url: server.url(path),
    kind: 'feed',
    publisher: 'وكالة الاختبار',
    intervalSec: 60,
    chats: [],
    mode: 'auto',
    fullText: false,
    paused: false,
    createdAt: new Date().toISOString(),
    ...over,
  };
  const result = await store.create(source);
  expect(result.created).toBe(true);
  return source;
}

const poll = (id: string, over: Partial<PollDeps> = {}) => pollSource(deps(over), id);
const titles = () => enqueued.map((e) => e.raw.feedItem?.title ?? buildArticle(e.raw).title);
const ok = (found: number, count: number): PollOutcome => ({
  status: 'ok',
  found,
  enqueued: count,
});

beforeAll(async () => {
  server = await startFeedServer();
  internal = http.createServer((_req, res) => {
    internalHits++;
    res.end('internal secret');
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  policy = {
    userAgent: 'newsbot-test/0.1 (+https://example.org/bot)',
    timeoutMs: 2000,
    maxBytes: 5 * 1024 * 1024,
    maxRedirects: 3,
    // Only the feed server's host:port: everything else on 127.0.0.1 is refused.
    allowHosts: [`127.0.0.1:${server.port}`],
  };
});

afterAll(async () => {
  await server.close();
  await new Promise<void>((resolve) => internal.close(() => resolve()));
});

beforeEach(() => {
  store = db.stores.sourceStore;
  enqueued = [];
  paused = [];
});

describe('pollSource: feeds', () => {
  it.each([
    ['RSS, UTF-8', 'utf-8', 'rss'],
    ['RSS, windows-1256', 'windows-1256', 'rss'],
    ['Atom, ISO-8859-6 (header only)', 'iso-8859-6', 'atom'],
    ['JSON Feed', 'utf-8', 'json'],
  ] as const)('%s: every item once, then nothing new', async (_name, charset, format) => {
    const stories = antStories(server.base, 5, 10);
    const path = `/f-${format}-${charset}.xml`;
    const text =
      format === 'rss'
        ? rssXml(stories, { title: 'x', encoding: charset })
        : format === 'atom'
          ? atomXml(stories, { title: 'x', encoding: charset }).replace(/^<\?xml[^>]*>/, '')
          : jsonFeed(stories, { title: 'x' });
    server.serve(path, {
      body: encode(text, charset),
      contentType:
        format === 'json'
          ? 'application/feed+json'
          : `application/xml${format === 'atom' ? `; charset=${charset}` : ''}`,
    });
    const source = await addSource(path);
    expect(await poll(source.id)).toEqual(ok(5, 5));
    expect(titles()).toEqual(stories.map((s) => s.title));
    for (const { raw } of enqueued) {
      expect(raw).toMatchObject({ sourceId: source.id, publisher: 'وكالة الاختبار' });
      expect(raw.review).toBeUndefined();
    }
    expect(await poll(source.id)).toEqual(ok(5, 0));
    expect(enqueued).toHaveLength(5);
    const health = await store.health(source.id);
    expect(health).toMatchObject({ failures: 0, items: 5, lastItems: 0 });
    expect(health.lastSuccessAt).toBeDefined();
  });

  it('sends a User-Agent, asks for compression, and uses the ETag (304: nothing parsed)', async () => {
    const stories = antStories(server.base, 3, 20);
    server.serve('/etag.xml', {
      body: rssXml(stories, { title: 'x' }),
      contentType: 'application/rss+xml',
      etag: '"v1"',
    });
    const source = await addSource('/etag.xml');
    await poll(source.id);
    const headers = server.lastHeaders.get('/etag.xml');
    expect(headers?.['user-agent']).toBe(policy.userAgent);
    expect(headers?.['accept-encoding']).toContain('br');
    expect(headers?.['if-none-match']).toBeUndefined();
    expect(await poll(source.id)).toEqual({ status: 'not-modified' });
    expect(server.lastHeaders.get('/etag.xml')?.['if-none-match']).toBe('"v1"');
    expect(server.notModified.get('/etag.xml')).toBe(1);
    expect(enqueued).toHaveLength(3);
    expect((await store.health(source.id)).etag).toBe('"v1"');
  });

  it('uses Last-Modified when there is no ETag', async () => {
    const lastModified = 'Wed, 01 Jan 2025 00:00:00 GMT';
    server.serve('/lm.xml', {
      body: rssXml(antStories(server.base, 2, 23), { title: 'x' }),
      lastModified,
    });
    const source = await addSource('/lm.xml');
    await poll(source.id);
    expect(await poll(source.id)).toEqual({ status: 'not-modified' });
    expect(server.lastHeaders.get('/lm.xml')?.['if-modified-since']).toBe(lastModified);
  });

  it('a feed that reorders its items and adds one: only the new one is enqueued', async () => {
    const stories = antStories(server.base, 6, 30);
    let current: Story[] = stories.slice(0, 5);
    server.serve('/reorder.xml', () => ({ body: rssXml(current, { title: 'x' }) }));
    const source = await addSource('/reorder.xml');
    await poll(source.id);
    expect(enqueued).toHaveLength(5);
    // Shuffled, dates gone (so document order is all there is), plus one new story.
    current = [stories[2]!, stories[5]!, stories[0]!, stories[4]!, stories[1]!, stories[3]!];
    server.serve('/reorder.xml', () => ({
      body: rssXml(current, { title: 'x' }).replace(/<pubDate>[^<]*<\/pubDate>/g, ''),
    }));
    expect(await poll(source.id)).toEqual(ok(6, 1));
    expect(enqueued[5]?.raw.feedItem?.guid).toBe(stories[5]!.guid);
  });

  it('an old item republished with a new guid and a new link is recognised by its content', async () => {
    const stories = antStories(server.base, 3, 40);
    let current = stories;
    server.serve('/republish.xml', () => ({ body: rssXml(current, { title: 'x' }) }));
    const source = await addSource('/republish.xml');
    await poll(source.id);
    const old = stories[0]!;
    const again: Story = {
      ...old,
      guid: `${old.guid}-again`,
      link: `${server.base}/news/republished-${old.guid}`,
      date: new Date(),
    };
    current = [...stories, again];
    expect(await poll(source.id)).toEqual(ok(4, 0));
    expect(enqueued).toHaveLength(3);
    // Its new guid is remembered too: dropping the old item from the feed changes nothing.
    current = [stories[1]!, stories[2]!, again];
    expect(await poll(source.id)).toEqual(ok(3, 0));
  });

  it('the first poll of a long feed takes only the newest items and marks the rest seen', async () => {
    const stories = antStories(server.base, FIRST_POLL_ITEMS + 4, 50);
    server.serve('/long.xml', { body: rssXml(stories, { title: 'x' }) });
    const source = await addSource('/long.xml');
    expect(await poll(source.id)).toEqual(ok(stories.length, FIRST_POLL_ITEMS));
    expect(titles()).toEqual(stories.slice(4).map((s) => s.title));
    expect(await poll(source.id)).toEqual(ok(stories.length, 0));
  });

  it('posts to the source chats and marks review-mode items for review', async () => {
    server.serve('/review.xml', { body: rssXml(antStories(server.base, 2, 70), { title: 'x' }) });
    const source = await addSource('/review.xml', { mode: 'review', chats: ['@other_channel'] });
    await poll(source.id);
    expect(enqueued.map((e) => [e.raw.review, e.chats])).toEqual([
      [true, ['@other_channel']],
      [true, ['@other_channel']],
    ]);
  });

  it('full text: fetches the page when the feed has a teaser, falls back when the page fails', async () => {
    const stories = antStories(server.base, 2, 80);
    // Links on the feed server: the first has a page, the second 404s.
    const linked = stories.map((s, i) => ({ ...s, link: server.url(`/page-${i}`) }));
    server.serve('/page-0', { body: storyPage(linked[0]!), contentType: 'text/html' });
    server.serve('/teaser.xml', { body: rssXml(linked, { title: 'x', teaserOnly: true }) });
    const source = await addSource('/teaser.xml', { fullText: true });
    expect(await poll(source.id)).toEqual(ok(2, 2));
    const [fromPage, fromFeed] = enqueued.map((e) => e.raw);
    expect(fromPage?.html).toContain(linked[0]!.paragraphs[0]!);
    expect(fromPage?.url).toBe(linked[0]!.link);
    const article = buildArticle(fromPage!);
    expect(article.paragraphs.join('\n').length).toBeGreaterThan(linked[0]!.teaser.length);
    expect(article.publisher).toBe('وكالة الاختبار');
    expect(fromFeed?.feedItem?.description).toBe(linked[1]!.teaser);
    expect(server.hits.get('/page-1')).toBe(1);
  });
});

describe('pollSource: pages without a feed', () => {
  it('follows new headline links on a listing page and fetches each story once', async () => {
    const stories = antStories(server.base, 3, 90);
    const links = stories.map((s, i) => ({ ...s, link: server.url(`/story/${i}`) }));
    links.forEach((s, i) => {
      server.serve(`/story/${i}`, { body: storyPage(s), contentType: 'text/html; charset=utf-8' });
    });
    let shown = links.slice(0, 2);
    const listing = () =>
      `<html><body><nav><a href="/">الرئيسية والأقسام والأبواب</a></nav><main>${[...shown]
        .reverse()
        .map((s) => `<h3><a href="${s.link}">${s.title}</a></h3>`)
        .join('')}</main></body></html>`;
    server.serve('/listing', () => ({ body: listing(), contentType: 'text/html' }));
    const source = await addSource('/listing', { kind: 'page' });
    expect(await poll(source.id)).toEqual(ok(2, 2));
    const squash = (t: string) => t.replace(/\s+/g, ' ');
    expect(titles()).toEqual([squash(links[0]!.title), squash(links[1]!.title)]);
    expect(enqueued[0]?.raw).toMatchObject({ url: links[0]!.link, sourceId: source.id });
    shown = links;
    expect(await poll(source.id)).toEqual(ok(3, 1));
    expect(titles()[2]).toBe(squash(links[2]!.title));
    expect(server.hits.get('/story/0')).toBe(1);
  });
});

describe('pollSource: failures, backoff and pause', () => {
  const failureCases: [string, string, (path: string) => void, string][] = [
    [
      'malformed feed',
      '/malformed.xml',
      (p) =>
        server.serve(p, {
          body: '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><tit',
        }),
      'malformed',
    ],
    [
      '20 MB response',
      '/huge.xml',
      (p) =>
        server.handle(p, (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const write = () => {
            while (sent < 20 * 1024 * 1024 && !res.destroyed) {
              sent += chunk.length;
              if (!res.write(chunk)) return void res.once('drain', write);
            }
            res.end();
          };
          write();
        }),
      'too-large',
    ],
    [
      'slow response',
      '/slow.xml',
      (p) =>
        server.handle(p, (_req, res) => {
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.write('<rss version="2.0">');
          const timer = setTimeout(() => res.end('</rss>'), 10_000);
          res.on('close', () => clearTimeout(timer));
        }),
      'timeout',
    ],
    [
      'redirect to 127.0.0.1 (another port, not allowlisted)',
      '/to-internal',
      (p) =>
        server.handle(p, (_req, res) => {
          const port = (internal.address() as AddressInfo).port;
          res.writeHead(302, { location: `http://127.0.0.1:${port}/admin` });
          res.end();
        }),
      'blocked-address',
    ],
    [
      'HTTP 500',
      '/error.xml',
      (p) => server.serve(p, { body: 'oops', status: 500 }),
      'http-status',
    ],
    [
      'a web page where a feed was',
      '/was-a-feed',
      (p) =>
        server.serve(p, {
          body: storyPage(antStories(server.base, 1, 0)[0]!),
          contentType: 'text/html',
        }),
      'not-a-feed',
    ],
  ];

  it.each(failureCases)(
    '%s (%s): recorded as %s, nothing enqueued',
    async (_name, path, setup, code) => {
      setup(path);
      const source = await addSource(path);
      const outcome = await poll(source.id);
      expect(outcome).toMatchObject({ status: 'failed', failures: 1, paused: false });
      expect(outcome.status === 'failed' && outcome.error.startsWith(`${code}:`)).toBe(true);
      expect(enqueued).toHaveLength(0);
      const health = await store.health(source.id);
      expect(health.failures).toBe(1);
      expect(health.lastError?.startsWith(`${code}:`)).toBe(true);
      expect(health.lastSuccessAt).toBeUndefined();
      expect(internalHits).toBe(0);
    },
  );

  it('backs off after failures, pauses after maxFailures, and recovers after a success', async () => {
    let broken = true;
    const stories = antStories(server.base, 2, 100);
    server.handle('/flaky.xml', (_req, res) => {
      res.writeHead(broken ? 503 : 200);
      res.end(broken ? 'down' : rssXml(stories, { title: 'x' }));
    });
    // A virtual clock: each poll is one interval after the last.
    let clock = 1_000_000;
    const now = () => clock;
    const source = await addSource('/flaky.xml', { intervalSec: 10 });
    const tick = async () => {
      clock += 10_000;
      return poll(source.id, { now });
    };
    expect(await tick()).toMatchObject({ status: 'failed', failures: 1 });
    // One failure: the next tick polls. Two: one tick is skipped. Then two more.
    expect(await tick()).toMatchObject({ status: 'failed', failures: 2 });
    expect(await tick()).toEqual({ status: 'skipped', reason: 'backoff' });
    broken = false;
    expect(await tick()).toEqual(ok(2, 2));
    expect((await store.health(source.id)).failures).toBe(0);
    expect((await store.health(source.id)).nextPollAt).toBeUndefined();

    broken = true;
    clock += 10_000;
    const results: PollOutcome[] = [];
    for (let i = 0; i < 20 && paused.length === 0; i++) results.push(await tick());
    expect(results.filter((r) => r.status === 'failed')).toHaveLength(3);
    expect(results.at(-1)).toMatchObject({ status: 'failed', failures: 3, paused: true });
    expect(paused).toEqual([
      { id: source.id, reason: `http-status: HTTP 503 from 127.0.0.1:${server.port}` },
    ]);
    expect(await tick()).toEqual({ status: 'skipped', reason: 'paused' });
  });

  it('skips a source whose poll is already running, and a removed one', async () => {
    server.serve('/busy.xml', { body: rssXml(antStories(server.base, 1, 110), { title: 'x' }) });
    const source = await addSource('/busy.xml');
    const token = await store.lock(source.id, 10_000);
    expect(token).toBeDefined();
    expect(await poll(source.id)).toEqual({ status: 'skipped', reason: 'busy' });
    await store.unlock(source.id, token!);
    expect(await poll(source.id)).toEqual(ok(1, 1));
    expect(await poll('no-such-source')).toEqual({ status: 'skipped', reason: 'missing' });
  });

  it('throws (does not record) when the failure is ours, not the source’s', async () => {
    server.serve('/ours.xml', { body: rssXml(antStories(server.base, 1, 115), { title: 'x' }) });
    const source = await addSource('/ours.xml');
    const failing = async () => {
      throw new Error('Redis went away');
    };
    await expect(poll(source.id, { enqueue: failing })).rejects.toThrow('Redis went away');
    expect((await store.health(source.id)).failures).toBe(0);
    // The lock was released: the next poll runs and enqueues the item.
    expect(await poll(source.id)).toEqual(ok(1, 1));
  });
});

describe('probeSource', () => {
  it('recognises a feed and names it by its title', async () => {
    server.serve('/probe.xml', {
      body: atomXml(antStories(server.base, 2, 0), { title: 'أخبار' }),
    });
    expect(await probeSource(server.url('/probe.xml'), policy)).toEqual({
      kind: 'feed',
      url: server.url('/probe.xml'),
      title: 'أخبار',
      items: 2,
    });
  });

  it('finds the feed a page announces with <link rel="alternate">', async () => {
    server.serve('/announced.json', {
      body: jsonFeed(antStories(server.base, 3, 0), { title: 'وكالة' }),
      contentType: 'application/feed+json',
    });
    server.serve('/home', {
      body: `<html><head><title>الموقع</title>
        <link rel="alternate" type="application/rss+xml" href="/broken.xml">
        <link rel="alternate" type="application/feed+json" href="/announced.json"></head><body></body></html>`,
      contentType: 'text/html',
    });
    server.serve('/broken.xml', { body: '<rss><channel><item><ti', status: 200 });
    expect(await probeSource(server.url('/home'), policy)).toMatchObject({
      kind: 'feed',
      url: server.url('/announced.json'),
      title: 'وكالة',
    });
  });

  it('a page without a feed is a page source, named by its site name', async () => {
    server.serve('/nofeed', {
      body: storyPage(antStories(server.base, 1, 0)[0]!, 'موقع بلا خلاصة'),
      contentType: 'text/html',
    });
    expect(await probeSource(server.url('/nofeed'), policy)).toEqual({
      kind: 'page',
      url: server.url('/nofeed'),
      title: 'موقع بلا خلاصة',
    });
  });

  it('refuses private addresses outside the allowlist, and says why for junk', async () => {
    const port = (internal.address() as AddressInfo).port;
    await expect(probeSource(`http://127.0.0.1:${port}/`, policy)).rejects.toBeInstanceOf(
      FetchError,
    );
    server.serve('/binary', { body: Buffer.from([0, 1, 2, 3, 0, 0]) });
    await expect(probeSource(server.url('/binary'), policy)).rejects.toThrow(/binary/);
    server.serve('/plain', { body: 'just some words', contentType: 'text/plain' });
    await expect(probeSource(server.url('/plain'), policy)).rejects.toBeInstanceOf(FeedError);
    expect(internalHits).toBe(0);
  });
});

describe('pollSource: title-only and teaser items (issue 10)', () => {
  it('a title-only item is queued as it is; a teaser shorter than a sentence fetches its page', async () => {
    const [titleOnly, teased] = antStories(server.base, 2, 30) as [Story, Story];
    server.serve(new URL(teased.link).pathname, {
      body: storyPage(teased),
      contentType: 'text/html',
    });
    const xml = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>BBC Arabic | الصفحة الرئيسية</title>
<item><title>${titleOnly.title}</title><link>${titleOnly.link}</link><guid>${titleOnly.guid}</guid></item>
<item><title>${teased.title}</title><link>${teased.link}</link><guid>${teased.guid}</guid><description>${teased.paragraphs[0]!.split(' ').slice(0, 4).join(' ')}…</description></item>
</channel></rss>`;
    server.serve('/title-only.xml', { body: xml });
    const source = await addSource('/title-only.xml', { publisher: '' });
    expect(await poll(source.id)).toEqual(ok(2, 2));
    const raws = enqueued.map((e) => e.raw);
    const first = raws.find((r) => r.feedItem?.title === titleOnly.title);
    const second = raws.find((r) => r.url === teased.link);
    expect(first?.feedItem?.title).toBe(titleOnly.title);
    expect(first?.publisher).toBe('BBC Arabic');
    const article = buildArticle(first!);
    expect(article).toMatchObject({ title: titleOnly.title, summary: [], publisher: 'BBC Arabic' });
    expect(second?.html).toContain('<article>');
    expect(buildArticle(second!).summary.length).toBeGreaterThan(0);
  });
});
