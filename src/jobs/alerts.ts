import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Api } from 'grammy';
import { textsFor } from '../locales/index.ts';
import type { Logger } from '../logger.ts';
import type { RedisClient } from '../redis.ts';
import { makeSnippet, type SnippetPart, storyText } from '../search/snippet.ts';
import type { ArticleStore, StoredArticle } from '../store/articles.ts';
import { readChannelNames } from '../store/channel-names.ts';
import { type DigestStore, userTarget } from '../store/digests.ts';
import type { FollowStore, Lang } from '../store/follows.ts';
import type { Keys } from '../store/keys.ts';
import type { MetricsStore } from '../store/metrics.ts';
import type { Post } from '../store/posts.ts';
import type { RateGate } from '../store/rate-gate.ts';
import { articleToIndexDoc } from '../store/search-index.ts';
import { FSI, isolate, markLines, PDI } from '../telegram/bidi.ts';
import { escapeHtml, safeHref } from '../telegram/html.ts';
import { postLink } from '../telegram/links.ts';
import { stripUnsafeChars } from '../text/sanitize.ts';
import { MAX_TRANSIENT_FAILURES, transientBackoff } from './publish-post.ts';
import type { QueueName } from './queues.ts';
import { classifySendError } from './telegram-errors.ts';

// Keyword alerts. After an article's first post, the 'alerts' step of jobs/after-post.ts
// queues one 'match' job; the match job finds the followers whose follows match (store/
// follows.ts) and queues one 'dm' job per follower. DMs take the same Redis rate gate as
// channel posts (the global bucket and the follower's private-chat bucket), so alerts and
// posts together stay under Telegram's limits across every worker process.

export const ALERTS_QUEUE = 'alerts' satisfies QueueName;

/** Job 'match': find the followers of a newly posted article. */
export interface MatchJob {
  articleId: string;
  /** Where the alert points: the channel post, or the original URL. */
  link?: string;
}

/** Job 'dm': tell one follower about one article. */
export interface DmJob {
  articleId: string;
  userId: number;
  title: string;
  link?: string;
  /** The follow that matched, as the user typed it. */
  query: string;
  /** Who published the article. */
  source?: string;
  /** One line of the story around the follow's words (search/snippet.ts). */
  snippet?: SnippetPart[];
  lang: Lang;
  /** Set after Telegram refused the HTML: send the plain-text version. */
  plain?: boolean;
  /** Transient send failures so far (5xx, network). */
  failures?: number;
}

export type AlertJob = MatchJob | DmJob;

/** How long the per-article record of alerted users is kept. */
const RECORD_TTL_SECONDS = 30 * 86_400;
const MAX_TITLE = 300;
const MAX_QUERY = 100;
const ADD_BATCH = 1000;

export type AlertQueue = Queue<AlertJob>;

function cut(s: string, max: number): string {
  const clean = stripUnsafeChars(typeof s === 'string' ? s : '')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`;
}

/** The alert's text: HTML, and the plain version for when Telegram refuses the HTML. */
export function formatAlert(
  data: Pick<DmJob, 'title' | 'link' | 'query' | 'lang' | 'source' | 'snippet'>,
): {
  html: string;
  plain: string;
} {
  // The job's lang comes from Redis: anything but 'en' reads as the default, Arabic.
  const lang = data.lang === 'en' ? 'en' : 'ar';
  const t = textsFor(lang).alerts;
  const title = isolate(cut(data.title, MAX_TITLE) || '…');
  const query = isolate(cut(data.query, MAX_QUERY));
  const href = data.link ? safeHref(data.link) : undefined;
  const source = data.source ? isolate(cut(data.source, 60)) : undefined;
  // Job data is read back from Redis: only well-formed parts are shown, each cut and escaped.
  const parts = (Array.isArray(data.snippet) ? data.snippet : [])
    .filter((p) => typeof p?.text === 'string')
    .slice(0, 40)
    .map((p) => ({ text: stripUnsafeChars(p.text).slice(0, 200), bold: p.bold === true }));
  const snippetHtml = parts
    .map((p) => (p.bold ? `<b>${escapeHtml(p.text)}</b>` : escapeHtml(p.text)))
    .join('');
  const snippetPlain = parts.map((p) => p.text).join('');
  const html = markLines(lang, [
    `${escapeHtml(t.head)} «${escapeHtml(query)}»:`,
    `<b>${escapeHtml(title)}</b>`,
    ...(source ? [`📰 ${escapeHtml(source)}`] : []),
    ...(snippetHtml ? [`${FSI}${snippetHtml}${PDI}`] : []),
    ...(href ? [`<a href="${escapeHtml(href)}">${escapeHtml(t.read)}</a>`] : []),
    escapeHtml(t.stop),
  ]);
  const plain = markLines(lang, [
    `${t.head} «${query}»:`,
    title,
    ...(source ? [`📰 ${source}`] : []),
    ...(snippetPlain ? [`${FSI}${snippetPlain}${PDI}`] : []),
    ...(href ? [href] : []),
    t.stop,
  ]);
  return { html, plain };
}

/** A private-form post link (t.me/c/…) made public when the channel's username is known. */
async function publicLink(
  redis: RedisClient,
  keys: Keys,
  link: string | undefined,
): Promise<string | undefined> {
  const m = link ? /^https:\/\/t\.me\/c\/(\d{1,16})\/(\d+)$/.exec(link) : null;
  if (!m) return link;
  const username = (await readChannelNames(redis, keys)).get(`-100${m[1]}`);
  return postLink('', Number(`-100${m[1]}`), Number(m[2]), username) ?? link;
}

/**
 * Queues the 'match' job of a posted article (one per article: the job id is deterministic).
 * The alert links to the channel post, or to the original when the chat has no public link.
 */
export async function queueAlertMatch(
  alerts: AlertQueue,
  post: Post,
  article: StoredArticle,
): Promise<void> {
  const link =
    postLink(post.chat, post.chatId, post.messageId) ??
    (article.url ? safeHref(article.url) : undefined);
  await alerts.add(
    'match',
    { articleId: article.id, ...(link ? { link } : {}) },
    { jobId: `match-${article.id}` },
  );
}

export interface AlertDeps {
  /** Counters and histograms for /metrics (store/metrics.ts); none in some tests. */
  metrics?: MetricsStore;
  api: Api;
  redis: RedisClient;
  keys: Keys;
  alerts: AlertQueue;
  articles: ArticleStore;
  follows: FollowStore;
  gate: RateGate;
  logger: Logger;
  /** Personal digests and the over-cap alerts waiting for them (store/digests.ts). */
  digestStore?: DigestStore;
  config?: { ALERTS_PER_HOUR: number };
}

/** BullMQ job ids may not contain ':'. */
const dmJobId = (articleId: string, userId: number) => `dm-${articleId}-${userId}`;

/** Errors after which the follower's chat is gone for good (besides being blocked). */
const GONE = /chat not found|user not found|PEER_ID_INVALID|USER_IS_BLOCKED|user is deactivated/i;

/** The "alerts" processor: 'match' fans an article out to its followers, 'dm' sends one alert. */
export function createAlertProcessor(deps: AlertDeps) {
  const { api, redis, keys, follows, gate, logger } = deps;

  async function match(job: Job<AlertJob>): Promise<{ followers: number; queued: number }> {
    const { articleId } = job.data as MatchJob;
    const article = await deps.articles.get(articleId);
    if (!article) return { followers: 0, queued: 0 };
    const link = await publicLink(redis, keys, (job.data as MatchJob).link);
    const source = [article.publisher, article.source].find(
      (x): x is string => typeof x === 'string' && x.trim() !== '',
    );
    const story = storyText(article);
    // Followers of the same words share one snippet.
    const snippets = new Map<string, SnippetPart[]>();
    const snippetFor = (words: string[]): SnippetPart[] => {
      const key = words.join(' ');
      let parts = snippets.get(key);
      if (!parts) {
        parts = makeSnippet(story, words);
        snippets.set(key, parts);
      }
      return parts;
    };
    const matched = await follows.match(articleToIndexDoc(article, 0));
    const alerted = new Set(await redis.smembers(keys.alerted(articleId)));
    const fresh = matched.filter((f) => !alerted.has(String(f.userId)));
    // Subscribers with a digest of their own get every match in it too (a digest of follows).
    const digest = deps.digestStore;
    if (digest) {
      for (const userId of await digest.withDigest(matched.map((f) => f.userId))) {
        await digest.collect(userTarget(userId), articleId);
      }
    }
    for (let i = 0; i < fresh.length; i += ADD_BATCH) {
      await deps.alerts.addBulk(
        fresh.slice(i, i + ADD_BATCH).map((f) => ({
          name: 'dm',
          data: {
            articleId,
            userId: f.userId,
            title: article.title,
            ...(link ? { link } : {}),
            query: f.query,
            lang: f.lang,
            ...(source ? { source: cut(source, 60) } : {}),
            snippet: snippetFor([...f.parsed.words, ...f.parsed.phrases.flat()]),
          } satisfies DmJob,
          opts: { jobId: dmJobId(articleId, f.userId) },
        })),
      );
    }
    logger.info({ articleId, followers: matched.length, queued: fresh.length }, 'alerts queued');
    return { followers: matched.length, queued: fresh.length };
  }

  async function dm(job: Job<AlertJob>, token?: string) {
    const data = job.data as DmJob;
    const chat = String(data.userId);
    const log = logger.child({ queue: ALERTS_QUEUE, jobId: job.id, userId: data.userId });
    const delay = async (ms: number): Promise<never> => {
      await job.moveToDelayed(Date.now() + ms, token);
      throw new DelayedError();
    };
    if ((await redis.sismember(keys.alerted(data.articleId), chat)) === 1) {
      return { skipped: 'already alerted' };
    }

    // Over the hourly cap, the alert waits for the user's next digest (or the hourly catch-up)
    // instead of being dropped. The slot is per article, so a retried job keeps its own.
    const cap = deps.config?.ALERTS_PER_HOUR;
    const digests = deps.digestStore;
    if (cap !== undefined && digests) {
      if (!(await digests.takeAlertSlot(data.userId, data.articleId, cap))) {
        await digests.collect(userTarget(data.userId), data.articleId);
        if (!(await digests.userDigest(data.userId))) await digests.addCatchup(data.userId);
        await redis
          .multi()
          .sadd(keys.alerted(data.articleId), chat)
          .expire(keys.alerted(data.articleId), RECORD_TTL_SECONDS)
          .exec();
        log.info('over the hourly alert cap: kept for the digest');
        return { deferred: true };
      }
    }

    // With paid broadcasts on, alerts take the paid bucket (up to 1000/s) and say so to Telegram.
    const paid = { paid: gate.paidBroadcast };
    const admitted = await gate.admitSoon(chat, '', paid);
    if (!admitted.ok) return delay(admitted.waitMs);

    const text = formatAlert(data);
    const sendStart = performance.now();
    try {
      await api.sendMessage(chat, data.plain ? text.plain : text.html, {
        ...(data.plain ? {} : { parse_mode: 'HTML' as const }),
        ...(gate.paidBroadcast ? { allow_paid_broadcast: true } : {}),
      });
    } catch (err) {
      const failure = classifySendError(err);
      switch (failure.kind) {
        case 'rate':
          log.warn({ retryAfterMs: failure.retryAfterMs }, 'Telegram asked us to slow down');
          deps.metrics?.inc('newsbot_telegram_429_total', { op: 'alert' });
          await gate.penalize(chat, failure.retryAfterMs, paid);
          return delay(failure.retryAfterMs);
        case 'parse':
          deps.metrics?.inc('newsbot_fallbacks_total', { kind: 'html_to_plain' });
          await job.updateData({ ...data, plain: true });
          return delay(1);
        case 'transient': {
          const failures = (data.failures ?? 0) + 1;
          if (failures >= MAX_TRANSIENT_FAILURES) throw new UnrecoverableError(failure.reason);
          deps.metrics?.inc('newsbot_job_retries_total', { queue: 'alerts' });
          await job.updateData({ ...data, failures });
          return delay(transientBackoff(failures));
        }
        case 'blocked': {
          const removed = await follows.removeUser(data.userId);
          log.info({ removed, reason: failure.reason }, 'follower blocked the bot; removed');
          return { removed };
        }
        default: {
          // Other 4xx: only a chat that is gone removes the follower; anything else (a revoked
          // token, say) must not wipe every subscriber's follows.
          if (GONE.test(failure.reason)) {
            const removed = await follows.removeUser(data.userId);
            log.info({ removed, reason: failure.reason }, 'follower chat gone; removed');
            return { removed };
          }
          throw new UnrecoverableError(failure.reason);
        }
      }
    }
    await redis
      .multi()
      .sadd(keys.alerted(data.articleId), chat)
      .expire(keys.alerted(data.articleId), RECORD_TTL_SECONDS)
      .exec();
    deps.metrics?.observe('newsbot_send_seconds', (performance.now() - sendStart) / 1000, {
      kind: 'alert',
    });
    deps.metrics?.inc('newsbot_alerts_sent_total');
    return { sent: true };
  }

  return async (job: Job<AlertJob>, token?: string) =>
    job.name === 'match' ? match(job) : dm(job, token);
}
