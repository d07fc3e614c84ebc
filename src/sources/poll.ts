import { decodeBytes } from '../article/decode.ts';
import { ArticleError } from '../article/errors.ts';
import { extractArticle } from '../article/extract.ts';
import { rawFromInput } from '../article/input.ts';
import { buildArticle } from '../article/pipeline.ts';
import { countWords, storySentences } from '../article/summarize.ts';
import type { Article, FeedItem, RawArticle } from '../article/types.ts';
import type { Logger } from '../logger.ts';
import type { Source, SourceStore } from '../store/sources.ts';
import {
  FeedError,
  findArticleLinks,
  findFeedLinks,
  findSiteName,
  itemFingerprints,
  itemStoryLength,
  type ParsedFeed,
  parseFeedText,
  rawFromFeedItem,
  safeHttpUrl,
} from './feed.ts';
import {
  FetchError,
  type FetchPolicy,
  type FetchResult,
  isHtmlResponse,
  PAGE_ACCEPT,
  safeFetch,
  sniffBody,
} from './http.ts';

// The poll of one source: conditional GET → decode → parse → skip what was seen → enqueue the
// rest → record health. A source's own failures (network, HTTP, a broken feed) are recorded
// and back off; our own (Redis) are thrown so the job fails visibly.

/** The first poll of a new source posts only the newest few; the backlog is marked seen. */
export const FIRST_POLL_ITEMS = 10;
/** New items taken per poll; the rest wait for the next one (oldest first). */
export const MAX_NEW_PER_POLL = 30;
const MAX_BACKOFF_MS = 6 * 3_600_000;

const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.7, */*;q=0.5';

/** True for the errors that are the source's fault (and count against its health). */
export function isSourceError(err: unknown): err is FetchError | FeedError | ArticleError {
  return err instanceof FetchError || err instanceof FeedError || err instanceof ArticleError;
}

/** One line for editors and logs: what went wrong, never the URL's query string. */
export function describeError(err: unknown): string {
  if (err instanceof FetchError || err instanceof FeedError || err instanceof ArticleError) {
    return `${err.code}: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}

// ---- probing a URL an editor gives ----------------------------------------------------------

export interface Probe {
  kind: 'feed' | 'page';
  /** The feed's URL (found through the page's <link rel="alternate"> if need be), or the page's. */
  url: string;
  /** A publisher name: the feed's title or the site's name. */
  title?: string;
  /** Items the feed carries now (feeds only). */
  items?: number;
}

/**
 * What a URL is: a feed, a page announcing a feed (which is then used), or a page without a
 * feed (polled for article links). Throws FetchError, FeedError or ArticleError.
 */
export async function probeSource(url: string, policy: FetchPolicy): Promise<Probe> {
  const res = await safeFetch(url, { ...policy, accept: FEED_ACCEPT });
  const { text } = decodeBytes(res.body, { contentType: res.contentType });
  const feed = tryFeed(text, res.url);
  if (feed) return feedProbe(res.url, feed);
  if (!looksLikeHtml(text, res.contentType)) {
    throw new FeedError('not-a-feed', 'the URL is neither a feed nor a web page');
  }
  for (const link of findFeedLinks(text, res.url).slice(0, 3)) {
    try {
      const found = await safeFetch(link.url, { ...policy, accept: FEED_ACCEPT });
      const decoded = decodeBytes(found.body, { contentType: found.contentType });
      const parsed = tryFeed(decoded.text, found.url);
      if (parsed) {
        const probe = feedProbe(found.url, parsed);
        return probe.title === undefined ? withTitle(probe, findSiteName(text)) : probe;
      }
    } catch (err) {
      if (!isSourceError(err)) throw err;
      // An announced feed that is broken: try the next one, then fall back to the page.
    }
  }
  return withTitle({ kind: 'page', url: res.url }, findSiteName(text));
}

function tryFeed(text: string, url: string): ParsedFeed | undefined {
  try {
    return parseFeedText(text, url);
  } catch (err) {
    if (err instanceof FeedError && err.code === 'not-a-feed') return undefined;
    throw err;
  }
}

function feedProbe(url: string, feed: ParsedFeed): Probe {
  return withTitle({ kind: 'feed', url, items: feed.items.length }, feed.publisher ?? feed.title);
}

function withTitle(probe: Probe, title: string | undefined): Probe {
  return title === undefined ? probe : { ...probe, title };
}

function looksLikeHtml(text: string, contentType: string | undefined): boolean {
  return /html/i.test(contentType ?? '') || /<(?:!doctype\s+html|html|head|body)\b/i.test(text);
}

// ---- polling ----------------------------------------------------------------------------

export interface PollDeps {
  store: SourceStore;
  policy: FetchPolicy;
  /** Puts a RawArticle on the articles queue (enqueueArticle). */
  enqueue: (raw: RawArticle, opts: { chats?: string[] }) => Promise<unknown>;
  logger: Logger;
  /** Consecutive failures after which the source is paused. */
  maxFailures: number;
  /** Pauses the source (record, scheduler) and tells the editors why. */
  pause: (source: Source, reason: string) => Promise<void>;
  now?: () => number;
  /** Builds a full-text page off the event loop (services.builder.build); in-thread when absent. */
  build?: (raw: RawArticle) => Promise<Article>;
}

export type PollOutcome =
  | { status: 'skipped'; reason: 'missing' | 'paused' | 'backoff' | 'busy' }
  | { status: 'not-modified' }
  | { status: 'ok'; found: number; enqueued: number }
  | { status: 'failed'; error: string; failures: number; paused: boolean };

interface Candidate {
  fingerprints: string[];
  /** Builds the RawArticle (fetching the page for full text or page sources). */
  build: () => Promise<RawArticle | undefined>;
}

/** Polls one source once. Safe to run twice: what was enqueued is marked seen as it goes. */
export async function pollSource(deps: PollDeps, sourceId: string): Promise<PollOutcome> {
  const now = deps.now ?? Date.now;
  const source = await deps.store.get(sourceId);
  if (!source) return { status: 'skipped', reason: 'missing' };
  if (source.paused) return { status: 'skipped', reason: 'paused' };
  const health = await deps.store.health(source.id);
  const started = now();
  if (health.nextPollAt !== undefined && started < health.nextPollAt) {
    return { status: 'skipped', reason: 'backoff' };
  }
  // Ticks come from one scheduler, but a slow poll can overlap the next tick on another worker.
  // The lock outlives one fetch and is extended before each further one; a killed worker's
  // lock expires soon after.
  const lockMs = deps.policy.timeoutMs * 2 + 30_000;
  const token = await deps.store.lock(source.id, lockMs);
  if (token === undefined) return { status: 'skipped', reason: 'busy' };
  const log = deps.logger.child({ sourceId: source.id });
  try {
    let res: Awaited<ReturnType<typeof safeFetch>>;
    let candidates: Candidate[];
    try {
      res = await safeFetch(
        source.url,
        { ...deps.policy, accept: source.kind === 'feed' ? FEED_ACCEPT : PAGE_ACCEPT },
        { etag: health.etag, lastModified: health.lastModified },
      );
      if (res.status === 304) {
        await deps.store.recordSuccess(source.id, {
          at: now(),
          enqueued: 0,
          etag: res.etag,
          lastModified: res.lastModified,
        });
        return { status: 'not-modified' };
      }
      const { text } = decodeBytes(res.body, { contentType: res.contentType });
      candidates =
        source.kind === 'feed'
          ? feedCandidates(deps, source, parseFeedText(text, res.url), log)
          : pageCandidates(deps, source, text, res.url, log);
    } catch (err) {
      if (!isSourceError(err)) throw err;
      return await recordFailure(deps, source, health.failures, started, err, log);
    }

    const firstPoll =
      health.lastSuccessAt === undefined && (await deps.store.seenCount(source.id)) === 0;
    const seen = await deps.store.seen(
      source.id,
      candidates.map((c) => c.fingerprints),
    );
    // Seen items get their fingerprints refreshed (a republished copy adds its new guid), so
    // what a feed still lists is never trimmed out of the seen set and posted again.
    const refresh: string[] = [];
    const fresh: Candidate[] = [];
    const inThisPoll = new Set<string>();
    candidates.forEach((c, i) => {
      if (seen[i] || c.fingerprints.some((fp) => inThisPoll.has(fp))) {
        refresh.push(...c.fingerprints);
      } else fresh.push(c);
      for (const fp of c.fingerprints) inThisPoll.add(fp);
    });
    let take = fresh.slice(0, MAX_NEW_PER_POLL);
    if (firstPoll && fresh.length > FIRST_POLL_ITEMS) {
      const backlog = fresh.slice(0, fresh.length - FIRST_POLL_ITEMS);
      refresh.push(...backlog.flatMap((c) => c.fingerprints));
      take = fresh.slice(-FIRST_POLL_ITEMS);
    }
    await deps.store.markSeen(source.id, refresh, now());

    let enqueued = 0;
    const chats = source.chats.length > 0 ? source.chats : undefined;
    for (const candidate of take) {
      await deps.store.extendLock(source.id, token, lockMs);
      const raw = await candidate.build();
      if (raw) {
        await deps.enqueue(raw, { chats });
        enqueued++;
      }
      // Marked right after its enqueue: a crash in between re-enqueues one item at most, and
      // the articles queue drops that copy by its URL.
      await deps.store.markSeen(source.id, candidate.fingerprints, now());
    }
    await deps.store.recordSuccess(source.id, {
      at: now(),
      enqueued,
      etag: res.etag,
      lastModified: res.lastModified,
    });
    // Most polls find nothing new: keep those out of the info log.
    log[enqueued > 0 ? 'info' : 'debug']({ found: candidates.length, enqueued }, 'source polled');
    return { status: 'ok', found: candidates.length, enqueued };
  } finally {
    await deps.store.unlock(source.id, token);
    // Removed while it was being polled: drop what this poll wrote back.
    if (!(await deps.store.has(source.id))) await deps.store.forget(source.id);
  }
}

async function recordFailure(
  deps: PollDeps,
  source: Source,
  failuresBefore: number,
  started: number,
  err: unknown,
  log: Logger,
): Promise<PollOutcome> {
  const error = describeError(err);
  const failures = failuresBefore + 1;
  const interval = source.intervalSec * 1000;
  // Double the wait with each failure: the tick half an interval before the due time is skipped.
  const wait = Math.min(interval * 2 ** Math.min(failures - 1, 30), MAX_BACKOFF_MS);
  const nextPollAt = started + wait - interval / 2;
  const counted = await deps.store.recordFailure(source.id, {
    at: started,
    error,
    nextPollAt,
  });
  log.warn({ error, failures: counted }, 'source poll failed');
  if (counted >= deps.maxFailures) {
    await deps.pause(source, error);
    return { status: 'failed', error, failures: counted, paused: true };
  }
  return { status: 'failed', error, failures: counted, paused: false };
}

function feedCandidates(
  deps: PollDeps,
  source: Source,
  feed: ParsedFeed,
  log: Logger,
): Candidate[] {
  const out: Candidate[] = [];
  for (const item of feed.items) {
    const fingerprints = itemFingerprints(item);
    // No guid, no link, next to no text: nothing to recognise it by next time, nor to post.
    if (fingerprints.length === 0) continue;
    const base = rawFromFeedItem(item, {
      sourceId: source.id,
      publisher: source.publisher || feed.publisher,
      review: source.mode === 'review',
    });
    out.push({
      fingerprints,
      build: async () =>
        source.fullText || isShortTeaser(base) ? fullText(deps, item, base, log) : base,
    });
  }
  return out;
}

/**
 * A teaser shorter than one sentence ("…", a few words) says less than the page: fetch it. A
 * title-only item is posted as it is (title and link), unless the source is full-text.
 */
function isShortTeaser(raw: RawArticle): boolean {
  const item = raw.feedItem;
  if (!item?.link || !(item.description?.trim() || item.content?.trim())) return false;
  try {
    const { paragraphs } = extractArticle(raw);
    return !storySentences(paragraphs).some((s) => countWords(s) >= 6 && /[.!?؟]["»”)]*$/u.test(s));
  } catch {
    return false;
  }
}

function pageCandidates(
  deps: PollDeps,
  source: Source,
  html: string,
  pageUrl: string,
  log: Logger,
): Candidate[] {
  return findArticleLinks(html, pageUrl).map((link) => ({
    fingerprints: [`l:${link.url}`],
    build: async () => {
      try {
        return await fetchPage(deps, source, link.url);
      } catch (err) {
        if (!isSourceError(err)) throw err;
        // One broken article link does not fail the source; it is marked seen and not retried.
        log.warn({ url: link.url, error: describeError(err) }, 'article page skipped');
        return undefined;
      }
    },
  }));
}

async function fetchPage(deps: PollDeps, source: Source, url: string): Promise<RawArticle> {
  const res = await safeFetch(url, { ...deps.policy, accept: PAGE_ACCEPT });
  requireHtml(res);
  const raw = rawFromInput(res.body, {
    url,
    contentType: res.contentType,
    sourceId: source.id,
    ...(source.publisher ? { publisher: source.publisher } : {}),
  });
  if (source.mode === 'review') raw.review = true;
  return raw;
}

/**
 * The item's page, extracted, when it has more story than the feed; the feed's own text when
 * the page cannot be fetched or read.
 */
async function fullText(
  deps: PollDeps,
  item: FeedItem,
  base: RawArticle,
  log: Logger,
): Promise<RawArticle> {
  const link = safeHttpUrl(item.link);
  if (link === undefined) return base;
  try {
    const res = await safeFetch(link, { ...deps.policy, accept: PAGE_ACCEPT });
    requireHtml(res);
    const page = rawFromInput(res.body, {
      url: link,
      contentType: res.contentType,
      receivedAt: base.receivedAt,
      ...(base.sourceId ? { sourceId: base.sourceId } : {}),
      ...(base.publisher ? { publisher: base.publisher } : {}),
    });
    if (page.html === undefined) return base;
    const fromPage = (await (deps.build ?? buildArticle)(page)).paragraphs.join('\n').length;
    const fromFeed = itemStoryLength(item);
    if (fromPage <= fromFeed) return base;
    if (base.review) page.review = true;
    return page;
  } catch (err) {
    if (!isSourceError(err)) throw err;
    log.info(
      { url: link, error: describeError(err) },
      'full text unavailable; using the feed text',
    );
    return base;
  }
}

/** Story pages must be HTML pages: a feed, XML or JSON (whatever its Content-Type) is refused. */
function requireHtml(res: FetchResult): void {
  if (isHtmlResponse(res)) return;
  const kind = sniffBody(res.body);
  throw new ArticleError(
    'not-html',
    `the page is ${kind === 'other' ? 'not markup' : kind}, not HTML`,
  );
}
