import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RawArticle } from '../../src/article/types.ts';
import { createLogger } from '../../src/logger.ts';
import { parseFeedText } from '../../src/sources/feed.ts';
import { type FetchPolicy, isHtmlResponse, sniffBody } from '../../src/sources/http.ts';
import { type PollDeps, pollSource } from '../../src/sources/poll.ts';
import { createSourceStore, type Source, type SourceStore } from '../../src/store/sources.ts';
import { useRedis } from '../support/redis.ts';
import {
  antStories,
  type FeedServer,
  rssXml,
  startFeedServer,
  storyPage,
  xmlEscape,
} from './feed-server.ts';

// Issue 11, item 6: full-text mode took anything. A link serving a feed became the story, and a
// javascript: item link made the bare guid resolve against the feed URL, which was fetched.

const bytes = (s: string) => new TextEncoder().encode(s);
const utf16le = (s: string) =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);

const RSS_EVIL = `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed Evil</title>
<item><title>2024-01-01</title><link>http://evil.example/1</link></item></channel></rss>`;
const ATOM = '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>';

describe('sniffBody and isHtmlResponse', () => {
  it.each([
    ['a doctype', '<!DOCTYPE html><html><body>x</body></html>', 'html'],
    [
      'XHTML with an XML declaration',
      '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"></html>',
      'html',
    ],
    ['comments, then a page', '\n  <!-- cms --><!-- x --><html><p>x</p></html>', 'html'],
    ['a fragment', '<div><p>نص</p></div>', 'html'],
    ['RSS', RSS_EVIL, 'xml'],
    [
      'RSS 0.91 with its DTD',
      '<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x"><rss></rss>',
      'xml',
    ],
    ['Atom', ATOM, 'xml'],
    ['RDF', '<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"></rdf:RDF>', 'xml'],
    ['SVG', '<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'xml'],
    ['JSON Feed', '{"version":"https://jsonfeed.org/version/1.1","items":[]}', 'json'],
    ['plain text', 'خبر عاجل: <b> في النص', 'other'],
    ['an unterminated comment', '<!-- <html>', 'other'],
    ['nothing', '', 'other'],
  ])('%s', (_name, body, kind) => {
    expect(sniffBody(bytes(body))).toBe(kind);
  });

  it('reads a UTF-16 page and a UTF-8 BOM', () => {
    expect(sniffBody(utf16le('<!doctype html><p>x</p>'))).toBe('html');
    expect(sniffBody(utf16le(RSS_EVIL))).toBe('xml');
    expect(sniffBody(bytes(`\ufeff${ATOM}`))).toBe('xml');
  });

  it('wants both an HTML Content-Type (or none) and an HTML body', () => {
    const page = bytes('<!doctype html><p>x</p>');
    expect(isHtmlResponse({ contentType: 'text/html; charset=utf-8', body: page })).toBe(true);
    expect(isHtmlResponse({ contentType: 'application/xhtml+xml', body: page })).toBe(true);
    expect(isHtmlResponse({ body: page })).toBe(true);
    expect(isHtmlResponse({ contentType: 'text/html', body: bytes(RSS_EVIL) })).toBe(false);
    expect(isHtmlResponse({ contentType: 'application/rss+xml', body: page })).toBe(false);
    expect(isHtmlResponse({ contentType: 'text/plain', body: page })).toBe(false);
    expect(isHtmlResponse({ contentType: 'application/json', body: page })).toBe(false);
  });
});

describe('feed items: links and guids', () => {
  const rss = (items: string) =>
    `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://news.example/</link>${items}</channel></rss>`;
  const item = (link: string | undefined, guid: string, permaLink?: boolean) =>
    `<item><title>خبر عن الاجتماع في العاصمة</title>${link === undefined ? '' : `<link>${xmlEscape(link)}</link>`}<guid${permaLink === undefined ? '' : ` isPermaLink="${permaLink}"`}>${xmlEscape(guid)}</guid><description>قال الوزير إن الاجتماع سيعقد غدا.</description></item>`;
  const feedUrl = 'http://news.example/feed.xml';

  it.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['data:', 'data:text/html,<p>x</p>'],
    ['mailto:', 'mailto:editor@news.example'],
    ['file:', 'file:///etc/passwd'],
    ['ftp:', 'ftp://news.example/x'],
  ])('ignores a %s link and does not resolve a bare guid against the feed URL', (_name, link) => {
    const [parsed] = parseFeedText(rss(item(link, '12345')), feedUrl).items;
    expect(parsed?.link).toBeUndefined();
    expect(parsed?.guid).toBe('12345');
  });

  it('takes a permalink guid that is an absolute http(s) URL, and never a relative one', () => {
    const items = parseFeedText(
      rss(
        item(undefined, 'https://news.example/story/1') +
          item(undefined, '/story/2') +
          item(undefined, 'story-3') +
          item(undefined, 'https://news.example/story/4', false),
      ),
      feedUrl,
    ).items.map((i) => i.link);
    expect(items.sort()).toEqual(['https://news.example/story/1', undefined, undefined, undefined]);
  });

  it('still resolves a relative <link> against the feed, as feeds in the wild need', () => {
    const [parsed] = parseFeedText(rss(item('/story/5', 'x-5')), feedUrl).items;
    expect(parsed?.link).toBe('http://news.example/story/5');
  });
});

describe('full text and page sources take HTML pages only', () => {
  const db = useRedis('fulltext', { each: true });
  let server: FeedServer;
  let store: SourceStore;
  let enqueued: RawArticle[];
  let policy: FetchPolicy;
  let nextId = 0;

  beforeAll(async () => {
    server = await startFeedServer();
    policy = {
      userAgent: 'newsbot-test/0.1',
      timeoutMs: 2000,
      maxBytes: 5 * 1024 * 1024,
      maxRedirects: 3,
      allowHosts: [`127.0.0.1:${server.port}`],
    };
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    store = createSourceStore({ redis: db.redis, keys: db.keys });
    enqueued = [];
  });

  const deps = (): PollDeps => ({
    store,
    policy,
    enqueue: async (raw) => {
      enqueued.push(raw);
    },
    logger: createLogger({ level: 'silent' }),
    maxFailures: 3,
    pause: async () => {},
  });

  async function addSource(path: string, over: Partial<Source>): Promise<Source> {
    const source: Source = {
      id: `ft${++nextId}`,
      url: server.url(path),
      kind: 'feed',
      publisher: 'وكالة الاختبار',
      intervalSec: 60,
      chats: [],
      mode: 'auto',
      fullText: true,
      paused: false,
      createdAt: new Date().toISOString(),
      ...over,
    };
    expect((await store.create(source)).created).toBe(true);
    return source;
  }

  it('keeps the feed text when the link serves a feed, XML or JSON (whatever the Content-Type)', async () => {
    const stories = antStories(server.base, 5, 120);
    const served: [string, string, string][] = [
      ['/evil-rss', RSS_EVIL, 'text/html; charset=utf-8'],
      ['/evil-atom', ATOM, 'text/html'],
      ['/evil-xml', storyPage(stories[2]!), 'application/xml'],
      ['/evil-json', '{"title":"Feed Evil","content":"<p>x</p>"}', 'text/html'],
      ['/good', storyPage(stories[4]!), 'text/html'],
    ];
    const linked = stories.map((s, i) => ({ ...s, link: server.url(served[i]![0]) }));
    served.forEach(([path, body, contentType]) => {
      server.serve(path, { body, contentType });
    });
    server.serve('/teasers.xml', { body: rssXml(linked, { title: 'x', teaserOnly: true }) });
    const source = await addSource('/teasers.xml', {});
    expect(await pollSource(deps(), source.id)).toMatchObject({ status: 'ok', enqueued: 5 });
    for (const [path] of served) expect(server.hits.get(path), path).toBe(1);
    const byLink = new Map(enqueued.map((raw) => [raw.url, raw]));
    for (const s of linked.slice(0, 4)) {
      const raw = byLink.get(s.link);
      expect(raw?.html, s.link).toBeUndefined();
      expect(raw?.feedItem?.description).toBe(s.teaser);
    }
    // The control: an HTML page is still taken for its full text.
    expect(byLink.get(linked[4]!.link)?.html).toContain(linked[4]!.paragraphs[0]!);
  });

  it('fetches nothing for a javascript: link with a bare guid (nothing resolved against the feed)', async () => {
    const items = `<item><title>خبر عن الاجتماع في العاصمة اليوم</title><link>javascript:alert(1)</link><guid>12345</guid><description>قال الوزير إن الاجتماع سيعقد غدا في العاصمة لبحث الملفات العالقة بين البلدين.</description></item>`;
    server.serve('/js/feed.xml', {
      body: `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items}</channel></rss>`,
      contentType: 'application/rss+xml',
    });
    server.serve('/js/12345', {
      body: storyPage(antStories(server.base, 1, 126)[0]!),
      contentType: 'text/html',
    });
    const source = await addSource('/js/feed.xml', {});
    expect(await pollSource(deps(), source.id)).toMatchObject({ status: 'ok', enqueued: 1 });
    expect(server.hits.get('/js/12345')).toBeUndefined();
    expect(server.hits.get('/12345')).toBeUndefined();
    expect(enqueued[0]?.url).toBeUndefined();
    expect(enqueued[0]?.html).toBeUndefined();
    expect(enqueued[0]?.feedItem?.link).toBeUndefined();
  });

  it('a page source skips a story link that serves a feed as text/html', async () => {
    const [story] = antStories(server.base, 1, 127);
    server.serve('/p/evil-story', { body: RSS_EVIL, contentType: 'text/html' });
    server.serve('/p/good-story', { body: storyPage(story!), contentType: 'text/html' });
    server.serve('/p/listing', {
      contentType: 'text/html',
      body: `<html><body><main><h3><a href="/p/evil-story">عنوان خبر يبدو عاديا تماما هنا</a></h3><h3><a href="/p/good-story">${xmlEscape(story!.title)} كامل</a></h3></main></body></html>`,
    });
    const source = await addSource('/p/listing', { kind: 'page', fullText: false });
    expect(await pollSource(deps(), source.id)).toMatchObject({
      status: 'ok',
      found: 2,
      enqueued: 1,
    });
    expect(server.hits.get('/p/evil-story')).toBe(1);
    expect(enqueued.map((raw) => raw.url)).toEqual([server.url('/p/good-story')]);
  });
});
