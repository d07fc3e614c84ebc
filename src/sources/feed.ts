import { type AnyFeed, type MediaNs, parseFeed } from 'feedsmith';
import { parseHTML } from 'linkedom';
import { canonicalUrl, publisherFromFeedTitle } from '../article/credit.ts';
import { extractArticle } from '../article/extract.ts';
import { contentHash } from '../article/fingerprint.ts';
import { checkHtml } from '../article/guards.ts';
import type { FeedItem, RawArticle } from '../article/types.ts';
import { CodedError } from '../errors.ts';
import { safeLine } from '../text/sanitize.ts';

// Feeds and listing pages → FeedItems, fingerprints and RawArticles. Pure: no I/O here; the
// poller (poll.ts) fetches and decodes, then hands the text over.

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

export interface ParsedFeed {
  format: FeedFormat;
  /** The feed's own title, a publisher name when none is configured. */
  title?: string;
  /** The site the feed belongs to. */
  siteUrl?: string;
  /** The publisher's name from the title, section and slogan removed ("BBC Arabic | الرئيسية"). */
  publisher?: string;
  /** Oldest first, the order they should reach the channel. */
  items: FeedItem[];
}

export type FeedErrorCode = 'not-a-feed' | 'malformed';

export class FeedError extends CodedError<FeedErrorCode> {
  override name = 'FeedError';
}

/** More items than any news feed carries; the rest of a hostile feed is ignored. */
export const MAX_FEED_ITEMS = 300;
const MAX_FIELD_CHARS = 200_000;
const MAX_TITLE_CHARS = 1_000;
const MAX_URL_CHARS = 2_048;
/** A feed item's story body nests a few levels and holds a few hundred elements at most. */
const ITEM_LIMITS = { maxDepth: 100, maxElements: 5_000 };

/**
 * Feed text (already decoded: feedsmith takes a string) → items, oldest first. Throws
 * FeedError 'not-a-feed' for HTML or anything else that is no RSS, Atom, RDF or JSON Feed, and
 * 'malformed' for a feed the parser cannot read.
 */
export function parseFeedText(text: string, feedUrl?: string): ParsedFeed {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new FeedError('not-a-feed', 'the response is empty');
  }
  let parsed: AnyFeed;
  try {
    parsed = parseFeed(text.replace(/^\ufeff/, ''), { maxItems: MAX_FEED_ITEMS });
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    // feedsmith: DetectError = no feed format recognised; ParseError/MalformedError = broken XML.
    if (name === 'DetectError') {
      throw new FeedError('not-a-feed', 'the response is not an RSS, Atom, RDF or JSON feed');
    }
    throw new FeedError('malformed', 'the feed is malformed and could not be parsed');
  }
  const base = safeHttpUrl(feedUrl);
  const out = mapFeed(parsed, base);
  return { ...out, items: oldestFirst(out.items) };
}

function mapFeed(parsed: AnyFeed, base: string | undefined): ParsedFeed {
  const abs = (href: unknown) => absoluteHttpUrl(href, base);
  switch (parsed.format) {
    case 'rss': {
      const feed = parsed.feed;
      const items = (feed.items ?? []).map((item) => {
        const guid = str(item.guid?.value);
        // A permalink guid stands in for a missing link only when it is an absolute http(s) URL
        // itself: a bare id resolved against the feed URL is a page nobody published.
        const link =
          abs(item.link) ?? (item.guid?.isPermaLink !== false ? safeHttpUrl(guid) : undefined);
        return feedItem({
          title: item.title,
          link,
          guid,
          description: item.description,
          content: item.content?.encoded,
          date: item.pubDate ?? item.dc?.dates?.[0],
          categories: item.categories?.map((c) => c.name),
          imageUrl: abs(
            item.enclosures?.find((e) => str(e.type)?.startsWith('image/'))?.url ??
              mediaImage(item.media),
          ),
        });
      });
      return withOptional('rss', str(feed.title), abs(feed.link), items);
    }
    case 'atom': {
      const feed = parsed.feed;
      const items = (feed.entries ?? []).map((entry) => {
        const links = entry.links ?? [];
        const alternate =
          links.find((l) => l.rel === undefined || l.rel === 'alternate') ?? links[0];
        return feedItem({
          title: entry.title?.value,
          link: abs(alternate?.href),
          guid: entry.id,
          description: entry.summary?.value,
          content: entry.content?.src === undefined ? entry.content?.value : undefined,
          date: entry.published ?? entry.updated,
          categories: entry.categories?.map((c) => c.label ?? c.term),
          imageUrl: abs(
            links.find((l) => l.rel === 'enclosure' && str(l.type)?.startsWith('image/'))?.href ??
              mediaImage(entry.media),
          ),
        });
      });
      const site = (feed.links ?? []).find((l) => l.rel === undefined || l.rel === 'alternate');
      return withOptional('atom', str(feed.title?.value), abs(site?.href), items);
    }
    case 'rdf': {
      const feed = parsed.feed;
      const items = (feed.items ?? []).map((item) =>
        feedItem({
          title: item.title,
          link: abs(item.link),
          guid: item.rdf?.about,
          description: item.description,
          content: item.content?.encoded,
          date: item.dc?.dates?.[0],
          imageUrl: abs(mediaImage(item.media)),
        }),
      );
      return withOptional('rdf', str(feed.title), abs(feed.link), items);
    }
    case 'json': {
      const feed = parsed.feed;
      const items = (Array.isArray(feed.items) ? feed.items : []).map((item) =>
        feedItem({
          title: item.title,
          link: abs(item.url) ?? abs(item.external_url),
          guid: typeof item.id === 'number' ? String(item.id) : item.id,
          description: item.summary,
          content: item.content_html ?? item.content_text,
          date: item.date_published ?? item.date_modified,
          categories: item.tags,
          imageUrl: abs(item.image ?? item.banner_image),
        }),
      );
      return withOptional('json', str(feed.title), abs(feed.home_page_url), items);
    }
  }
}

function withOptional(
  format: FeedFormat,
  title: string | undefined,
  siteUrl: string | undefined,
  items: (FeedItem | undefined)[],
): ParsedFeed {
  const out: ParsedFeed = { format, items: items.filter((i): i is FeedItem => i !== undefined) };
  const cleanTitle = title === undefined ? undefined : oneLine(title, MAX_TITLE_CHARS);
  if (cleanTitle) out.title = cleanTitle;
  if (siteUrl !== undefined) out.siteUrl = siteUrl;
  const publisher = publisherFromFeedTitle(cleanTitle, siteUrl);
  if (publisher) out.publisher = publisher;
  return out;
}

interface ItemFields {
  title?: unknown;
  link?: string | undefined;
  guid?: unknown;
  description?: unknown;
  content?: unknown;
  date?: unknown;
  imageUrl?: string | undefined;
  categories?: unknown[] | undefined;
}

/** One item as our FeedItem; undefined when it has no title and no text (nothing to post). */
function feedItem(f: ItemFields): FeedItem | undefined {
  const item: FeedItem = {};
  const title = str(f.title);
  if (title !== undefined) item.title = title.slice(0, MAX_TITLE_CHARS);
  if (f.link !== undefined) item.link = f.link;
  const guid = str(f.guid);
  if (guid !== undefined) item.guid = guid.slice(0, MAX_URL_CHARS);
  const description = str(f.description);
  if (description !== undefined) item.description = description.slice(0, MAX_FIELD_CHARS);
  const content = str(f.content);
  if (content !== undefined) item.content = content.slice(0, MAX_FIELD_CHARS);
  const date = str(f.date);
  if (date !== undefined && !Number.isNaN(Date.parse(date))) item.date = date;
  if (f.imageUrl !== undefined) item.imageUrl = f.imageUrl;
  const categories = (f.categories ?? [])
    .map((c) => str(c))
    .filter((c): c is string => c !== undefined)
    .map((c) => oneLine(c, 100));
  if (categories.length > 0) item.categories = [...new Set(categories)].slice(0, 20);
  if (item.title === undefined && item.description === undefined && item.content === undefined) {
    return undefined;
  }
  return item;
}

function mediaImage(media: MediaNs.ItemOrFeed | undefined): string | undefined {
  const image = media?.contents?.find(
    (c) => c.medium === 'image' || (typeof c.type === 'string' && c.type.startsWith('image/')),
  );
  return str(image?.url) ?? str(media?.thumbnails?.[0]?.url);
}

/** Feeds list the newest first; the channel should get them in the order they happened. */
function oldestFirst(items: FeedItem[]): FeedItem[] {
  const times = items.map((item) => (item.date === undefined ? Number.NaN : Date.parse(item.date)));
  if (items.length > 0 && times.every((t) => !Number.isNaN(t))) {
    return items
      .map((item, i) => ({ item, t: times[i] ?? 0, i }))
      .sort((a, b) => a.t - b.t || b.i - a.i)
      .map((x) => x.item);
  }
  return [...items].reverse();
}

// ---- pages: feed discovery and article links ------------------------------------------------

export interface FeedLink {
  url: string;
  type: string;
  title?: string;
}

const FEED_TYPES = [
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/rdf+xml',
  'application/json',
  'text/xml',
  'application/xml',
];

// linkedom's DOM typings do not fit our lib settings: the few members used here.
interface Element {
  getAttribute(name: string): string | null;
  textContent: string | null;
  closest(selector: string): Element | null;
}
interface Document {
  querySelector(selector: string): Element | null;
  querySelectorAll(selector: string): ArrayLike<Element>;
}

function parseDocument(html: string): Document {
  const { document } = parseHTML(html);
  return document;
}

/** The page's <base href>, or the page URL itself: what relative links resolve against. */
function baseOf(doc: Document, pageUrl: string | undefined): string | undefined {
  return absoluteHttpUrl(doc.querySelector('base[href]')?.getAttribute('href'), pageUrl) ?? pageUrl;
}

/**
 * Feed links a page announces (<link rel="alternate" type="application/rss+xml" ...>), in
 * page order, RSS and Atom before JSON. Relative hrefs are resolved against the page.
 */
export function findFeedLinks(html: string, pageUrl: string): FeedLink[] {
  if (typeof html !== 'string') return [];
  const page = safeHttpUrl(pageUrl);
  const doc = parseDocument(html);
  const base = baseOf(doc, page);
  const out: FeedLink[] = [];
  const seen = new Set<string>();
  for (const el of Array.from(doc.querySelectorAll('link[rel][href]'))) {
    const rel = (el.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    if (!rel.includes('alternate')) continue;
    const type = (el.getAttribute('type') ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
    if (!FEED_TYPES.includes(type)) continue;
    const url = absoluteHttpUrl(el.getAttribute('href'), base);
    if (url === undefined || seen.has(url)) continue;
    seen.add(url);
    const title = str(el.getAttribute('title'));
    out.push(title === undefined ? { url, type } : { url, type, title: oneLine(title, 200) });
  }
  const rank = (t: string) => (t.includes('json') ? 1 : 0);
  return out.sort((a, b) => rank(a.type) - rank(b.type));
}

/** The site's name for the credit line: og:site_name, application-name, or <title>. */
export function findSiteName(html: string): string | undefined {
  if (typeof html !== 'string') return undefined;
  const doc = parseDocument(html);
  const meta =
    doc.querySelector('meta[property="og:site_name" i]') ??
    doc.querySelector('meta[name="application-name" i]');
  const site = str(meta?.getAttribute('content'));
  // A <title> carries the page's section too ("الرئيسية - صحيفة الخليج اليوم"): keep the name.
  const name = site ?? publisherFromFeedTitle(str(doc.querySelector('title')?.textContent));
  return name === undefined ? undefined : oneLine(name, 120) || undefined;
}

export interface PageLink {
  url: string;
  title: string;
}

// Listing and utility paths: never a single story.
const NOT_ARTICLE =
  /\/(?:tags?|category|categories|section|author|authors|page|search|login|register|signup|subscribe|contact|about|privacy|terms|feed|rss|topics?)(?:\/|$)/i;
const MIN_HEADLINE_CHARS = 15;

/**
 * Links to stories on a listing page with no feed: same-site links whose text reads like a
 * headline (three words or more), outside navigation, header, footer and asides. Oldest first
 * (pages list the newest at the top), at most `limit`.
 */
export function findArticleLinks(html: string, pageUrl: string, limit = 50): PageLink[] {
  const page = safeHttpUrl(pageUrl);
  if (typeof html !== 'string' || page === undefined) return [];
  const doc = parseDocument(html);
  const base = baseOf(doc, page);
  const pageHost = hostKey(new URL(page).hostname);
  const pageKey = canonicalUrl(page);
  const out: PageLink[] = [];
  const seen = new Set<string>();
  for (const a of Array.from(doc.querySelectorAll('a[href]'))) {
    if (a.closest('nav, header, footer, aside, form')) continue;
    const url = canonicalUrl(absoluteHttpUrl(a.getAttribute('href'), base) ?? '');
    if (url === undefined || url === pageKey) continue;
    const parsed = new URL(url);
    // www.site and site are one story.
    const key = `${hostKey(parsed.hostname)}${parsed.pathname}${parsed.search}`;
    if (seen.has(key) || hostKey(parsed.hostname) !== pageHost) continue;
    if (parsed.pathname === '/' || NOT_ARTICLE.test(parsed.pathname)) continue;
    const title = oneLine(a.textContent ?? '', MAX_TITLE_CHARS);
    if (title.length < MIN_HEADLINE_CHARS || title.split(' ').length < 3) continue;
    seen.add(key);
    out.push({ url, title });
  }
  return out.slice(0, limit).reverse();
}

function hostKey(hostname: string): string {
  return hostname.toLowerCase().replace(/^www\./, '');
}

// ---- items → fingerprints and RawArticles -----------------------------------------------

/**
 * What identifies an item across polls: its guid, its canonical link, and a hash of its title and
 * text. A feed that reorders items, or republishes one under a new guid, still matches one of them.
 */
export function itemFingerprints(item: FeedItem): string[] {
  const out: string[] = [];
  if (item.guid !== undefined && item.guid.trim() !== '') out.push(`g:${item.guid.trim()}`);
  const link = item.link === undefined ? undefined : canonicalUrl(item.link);
  if (link !== undefined) out.push(`l:${link}`);
  const text = itemText(item);
  // A title alone ("Live updates") or a stock teaser is not distinctive enough to match on.
  if (text.length >= 40) out.push(`h:${contentHash(text)}`);
  return out;
}

/** An item's title and story as plain text, the way the pipeline reads them. */
function itemText(item: FeedItem): string {
  const extracted = extractItem(item);
  return extracted ? `${extracted.title}\n${extracted.paragraphs.join('\n')}`.trim() : '';
}

/** The length of an item's story text (0 when it has markup no story body has: not parsed). */
export function itemStoryLength(item: FeedItem): number {
  return extractItem(item)?.paragraphs.join('\n').length ?? 0;
}

function extractItem(item: FeedItem): ReturnType<typeof extractArticle> | undefined {
  // Parsed on the poller's event loop: markup no story body has is not parsed, only the
  // guid and link identify that item.
  for (const html of [item.title, item.description, item.content]) {
    if (typeof html === 'string' && html.includes('<') && checkHtml(html, ITEM_LIMITS)) {
      return undefined;
    }
  }
  try {
    return extractArticle({ feedItem: item, receivedAt: new Date(0).toISOString() });
  } catch {
    return undefined;
  }
}

export interface ItemContext {
  publisher?: string;
  sourceId: string;
  review?: boolean;
  receivedAt?: string;
}

/** A feed item as the articles queue takes it. */
export function rawFromFeedItem(item: FeedItem, ctx: ItemContext): RawArticle {
  const raw: RawArticle = {
    feedItem: item,
    sourceId: ctx.sourceId,
    receivedAt: ctx.receivedAt ?? new Date().toISOString(),
  };
  if (item.link !== undefined) raw.url = item.link;
  if (ctx.publisher !== undefined && ctx.publisher.trim() !== '') raw.publisher = ctx.publisher;
  if (ctx.review === true) raw.review = true;
  return raw;
}

// ---- small helpers ----------------------------------------------------------------------

function str(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function oneLine(text: string, max: number): string {
  return safeLine(text).slice(0, max);
}

/** An absolute http(s) URL without credentials, or undefined. */
export function safeHttpUrl(value: unknown): string | undefined {
  return absoluteHttpUrl(value, undefined);
}

function absoluteHttpUrl(value: unknown, base: string | undefined): string | undefined {
  const href = str(value);
  if (href === undefined || href.length > MAX_URL_CHARS) return undefined;
  let url: URL;
  try {
    url = new URL(href, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
  return url.href;
}
