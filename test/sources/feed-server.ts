// Test helper: feeds built from ANT corpus articles (RSS, Atom, JSON Feed; UTF-8, windows-1256,
// ISO-8859-6) and a local HTTP server on 127.0.0.1 that serves them with ETags.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { singleByteEncoder } from '../article/charsets.ts';
import { type AntArticle, antSample } from '../support/corpus.ts';

export interface Story {
  guid: string;
  link: string;
  title: string;
  teaser: string;
  paragraphs: string[];
  date: Date;
}

const win1256 = singleByteEncoder('windows-1256');
const iso88596 = singleByteEncoder('iso-8859-6');

function encodable(a: AntArticle): boolean {
  const text = `${a.title}\n${a.abstract}\n${a.text}`;
  try {
    win1256(text);
    iso88596(text);
    return true;
  } catch {
    return false;
  }
}

let pool: AntArticle[] | undefined;

/**
 * `count` stories from the ANT corpus, starting at `offset` in a fixed sample: each one
 * encodable in windows-1256 and ISO-8859-6, with links under `base`. Dates rise with the index.
 */
export function antStories(base: string, count: number, offset = 0): Story[] {
  // Distinct titles (the corpus has several "حالة الطقس اليوم"), so a test can tell stories apart.
  pool ??= antSample(400)
    .filter(encodable)
    .filter((a, i, all) => all.findIndex((b) => b.title === a.title) === i);
  const picked = pool.slice(offset, offset + count);
  if (picked.length < count) throw new Error(`only ${picked.length} ANT stories available`);
  return picked.map((a, i) => {
    const paragraphs = a.text
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    const id = `${offset + i}`;
    return {
      guid: `ant-${a.docno}`,
      link: `${base}/news/${id}`,
      title: a.title,
      teaser: a.abstract || (paragraphs[0] ?? ''),
      paragraphs,
      date: new Date(Date.UTC(2024, 0, 1, 0, offset + i)),
    };
  });
}

export const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const html = (s: Story) => s.paragraphs.map((p) => `<p>${xmlEscape(p)}</p>`).join('');

/** RSS 2.0, newest first, the story's HTML in content:encoded (or only the teaser). */
export function rssXml(
  stories: Story[],
  opts: { title: string; encoding?: string; declaration?: boolean; teaserOnly?: boolean },
): string {
  const items = [...stories]
    .reverse()
    .map(
      (s) => `<item>
  <title>${xmlEscape(s.title)}</title>
  <link>${xmlEscape(s.link)}</link>
  <guid isPermaLink="false">${xmlEscape(s.guid)}</guid>
  <pubDate>${s.date.toUTCString()}</pubDate>
  <description>${xmlEscape(s.teaser)}</description>
  ${opts.teaserOnly ? '' : `<content:encoded><![CDATA[${html(s)}]]></content:encoded>`}
</item>`,
    )
    .join('\n');
  const decl =
    opts.declaration === false
      ? ''
      : `<?xml version="1.0" encoding="${opts.encoding ?? 'UTF-8'}"?>\n`;
  return `${decl}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>${xmlEscape(opts.title)}</title>
<link>http://news.example/</link>
<description>${xmlEscape(opts.title)}</description>
${items}
</channel>
</rss>`;
}

/** Atom 1.0, newest first, HTML content. */
export function atomXml(stories: Story[], opts: { title: string; encoding?: string }): string {
  const entries = [...stories]
    .reverse()
    .map(
      (s) => `<entry>
  <title>${xmlEscape(s.title)}</title>
  <id>${xmlEscape(s.guid)}</id>
  <link rel="alternate" href="${xmlEscape(s.link)}"/>
  <updated>${s.date.toISOString()}</updated>
  <summary>${xmlEscape(s.teaser)}</summary>
  <content type="html">${xmlEscape(html(s))}</content>
</entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="${opts.encoding ?? 'utf-8'}"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>${xmlEscape(opts.title)}</title>
<id>urn:test:${xmlEscape(opts.title)}</id>
<updated>2024-01-02T00:00:00Z</updated>
<link rel="alternate" href="http://news.example/"/>
${entries}
</feed>`;
}

/** JSON Feed 1.1, newest first. */
export function jsonFeed(stories: Story[], opts: { title: string }): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: opts.title,
    home_page_url: 'http://news.example/',
    items: [...stories].reverse().map((s) => ({
      id: s.guid,
      url: s.link,
      title: s.title,
      summary: s.teaser,
      content_html: html(s),
      date_published: s.date.toISOString(),
    })),
  });
}

/** An article page for a story (for full-text fetches and page sources). */
export function storyPage(s: Story, site = 'موقع الاختبار'): string {
  return `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>${xmlEscape(s.title)}</title><meta property="og:site_name" content="${xmlEscape(site)}">
</head><body><nav><a href="/">الرئيسية</a></nav><article><h1>${xmlEscape(s.title)}</h1>
${html(s)}</article><footer>جميع الحقوق محفوظة</footer></body></html>`;
}

export function encode(text: string, charset: 'utf-8' | 'windows-1256' | 'iso-8859-6'): Buffer {
  if (charset === 'utf-8') return Buffer.from(text, 'utf8');
  return Buffer.from(charset === 'windows-1256' ? win1256(text) : iso88596(text));
}

export interface Served {
  body: Buffer | string;
  contentType?: string;
  /** Answer If-None-Match with 304 when it matches. */
  etag?: string;
  lastModified?: string;
  status?: number;
  headers?: Record<string, string>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface FeedServer {
  /** 'http://127.0.0.1:<port>' */
  base: string;
  port: number;
  /** Requests per path, 304s included. */
  hits: Map<string, number>;
  /** Requests per path answered 304. */
  notModified: Map<string, number>;
  /** Headers of the last request per path. */
  lastHeaders: Map<string, http.IncomingHttpHeaders>;
  /** Serves fixed content (a function is called on every request). */
  serve(path: string, content: Served | (() => Served)): void;
  handle(path: string, handler: Handler): void;
  url(path: string): string;
  close(): Promise<void>;
}

export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number>();
  const notModified = new Map<string, number>();
  const lastHeaders = new Map<string, http.IncomingHttpHeaders>();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    lastHeaders.set(path, req.headers);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    route(req, res);
  });
  server.keepAliveTimeout = 0;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    port,
    hits,
    notModified,
    lastHeaders,
    serve(path, content) {
      routes.set(path, (req, res) => {
        const c = typeof content === 'function' ? content() : content;
        const headers: Record<string, string> = { ...c.headers };
        if (c.contentType) headers['content-type'] = c.contentType;
        if (c.etag) headers.etag = c.etag;
        if (c.lastModified) headers['last-modified'] = c.lastModified;
        const etagMatch = c.etag !== undefined && req.headers['if-none-match'] === c.etag;
        const dateMatch =
          c.etag === undefined &&
          c.lastModified !== undefined &&
          req.headers['if-modified-since'] === c.lastModified;
        if (etagMatch || dateMatch) {
          notModified.set(path, (notModified.get(path) ?? 0) + 1);
          res.writeHead(304, headers);
          res.end();
          return;
        }
        res.writeHead(c.status ?? 200, headers);
        res.end(c.body);
      });
    },
    handle(path, handler) {
      routes.set(path, handler);
    },
    url: (path) => `${base}${path}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
