import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Api } from 'grammy';
import type { Section } from '../article/types.ts';
import { textsFor } from '../locales/index.ts';
import type { Logger } from '../logger.ts';
import type { RedisClient } from '../redis.ts';
import type { ArticleStore, StoredArticle } from '../store/articles.ts';
import {
  type DigestItem,
  type DigestStore,
  type UserDigest,
  userOfTarget,
  userTarget,
} from '../store/digests.ts';
import type { Keys } from '../store/keys.ts';
import type { PostStore } from '../store/posts.ts';
import type { RateGate } from '../store/rate-gate.ts';
import { parseTargetKey, type Route } from '../store/routes.ts';
import { RLM } from '../telegram/bidi.ts';
import { escapeHtml, safeHref } from '../telegram/html.ts';
import { postLink } from '../telegram/links.ts';
import { stripUnsafeChars } from '../text/sanitize.ts';
import { digestRepeat, digestTargets } from './routes.ts';
import { classifySendError } from './telegram-errors.ts';

// Digests (issue 12 §3). A BullMQ job scheduler per target ticks in TIME_ZONE (one job per
// tick, whatever the number of workers; schedulers live in Redis, so they survive restarts).
// Each tick takes the stories collected since the last digest (store/digests.ts), ranks them
// (editors' picks first, then by how many sources carried the story: the near-duplicates the
// dedupe store dropped in its favour), groups them by section and sends one message, split
// between lines when longer than Telegram allows.

/**
 * Job 'digest': one digest of a target: a line key (store/routes.ts), a subscriber's `u:<id>`,
 * or CATCHUP (the hourly tick that sends over-cap alerts to users without a digest of their own).
 */
export interface DigestJob {
  target: string;
}

export const CATCHUP = '*catchup';

export type DigestQueue = Queue<DigestJob>;

/** Stories one digest lists at most. */
export const MAX_DIGEST_STORIES = 40;
/** Under Telegram's 4096 (counted after entity parsing): headings and links never split. */
const MAX_PART = 4000;
const MAX_TITLE = 200;

export const SECTION_TAGS: Record<Section, string> = {
  politics: '#سياسة',
  economy: '#اقتصاد',
  sport: '#رياضة',
  culture: '#ثقافة',
  technology: '#تقنية',
  society: '#مجتمع',
  local: '#محليات',
  international: '#دولي',
  misc: '#منوعات',
};

export const schedulerIdOf = (target: string) =>
  `digest-${target.replace('/', '-t').replace(/[^A-Za-z0-9_@-]/g, '_')}`;

/** Creates, updates and removes the digest schedulers so they match the routes. */
export async function syncDigestSchedulers(
  queue: DigestQueue,
  routes: readonly Route[],
  timeZone: string,
): Promise<{ scheduled: number; removed: number }> {
  const wanted = digestTargets(routes);
  const ids = new Set<string>();
  for (const [target, schedule] of wanted) {
    const id = schedulerIdOf(target);
    ids.add(id);
    // Upsert is idempotent: an unchanged schedule keeps its next run.
    await queue.upsertJobScheduler(id, digestRepeat(schedule, timeZone), {
      name: 'digest',
      data: { target },
    });
  }
  let removed = 0;
  for (const s of await queue.getJobSchedulers(0, -1)) {
    if (s.key.startsWith('digest-') && !ids.has(s.key)) {
      await queue.removeJobScheduler(s.key);
      removed++;
    }
  }
  return { scheduled: ids.size, removed };
}

/** The scheduler of a subscriber's personal digest (not touched by syncDigestSchedulers). */
export const userSchedulerId = (userId: number) => `udigest-${userId}`;

export async function scheduleUserDigest(
  queue: DigestQueue,
  userId: number,
  digest: UserDigest | undefined,
  timeZone: string,
): Promise<void> {
  if (!digest) {
    await queue.removeJobScheduler(userSchedulerId(userId));
    return;
  }
  await queue.upsertJobScheduler(userSchedulerId(userId), digestRepeat(digest, timeZone), {
    name: 'digest',
    data: { target: userTarget(userId) },
  });
}

/** The hourly catch-up, at minute 0 in TIME_ZONE (created at worker start; upsert is idempotent). */
export async function scheduleCatchup(queue: DigestQueue, timeZone: string): Promise<void> {
  await queue.upsertJobScheduler(
    'catchup',
    { pattern: '0 * * * *', tz: timeZone },
    { name: 'digest', data: { target: CATCHUP } },
  );
}

/** One story as the digest lists it. */
export interface DigestStory {
  article: StoredArticle;
  pick: boolean;
  /** Sources that carried it: itself plus the near-duplicates dropped in its favour. */
  carriers: number;
  link?: string;
}

/** Editors' picks first, then the most widely carried, then the oldest first. */
export function rankStories(stories: DigestStory[], at: Map<string, number>): DigestStory[] {
  return [...stories].sort(
    (a, b) =>
      Number(b.pick) - Number(a.pick) ||
      b.carriers - a.carriers ||
      (at.get(a.article.id) ?? 0) - (at.get(b.article.id) ?? 0),
  );
}

const cut = (s: string) => {
  const line = stripUnsafeChars(s).replace(/\s+/g, ' ').trim();
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line;
};

interface Line {
  html: string;
  /** Length of the text Telegram counts (after entity parsing). */
  size: number;
}

function storyLine(s: DigestStory): Line {
  const title = cut(s.article.title) || '…';
  const more = s.carriers > 1 ? ` (${s.carriers} مصادر)` : '';
  const star = s.pick ? '⭐ ' : '';
  const text = `${RLM}• ${star}${title}${more}`;
  const href = s.link ? safeHref(s.link) : undefined;
  const html = href
    ? `${RLM}• ${star}<a href="${escapeHtml(href)}">${escapeHtml(title)}</a>${escapeHtml(more)}`
    : `${RLM}• ${star}<b>${escapeHtml(title)}</b>${escapeHtml(more)}`;
  return { html, size: text.length };
}

/**
 * The digest's message parts: a heading, then the stories grouped by section (sections in the
 * order of their best story), each part under Telegram's limit, split only between lines (a
 * line is whole entities), a section heading repeated at the top of a part that continues it.
 */
export function formatDigest(ranked: DigestStory[], heading: string): string[] {
  const groups = new Map<Section, DigestStory[]>();
  for (const s of ranked) {
    const section = s.article.section ?? 'misc';
    const list = groups.get(section) ?? [];
    list.push(s);
    groups.set(section, list);
  }
  const parts: string[] = [];
  let lines: string[] = [];
  let size = 0;
  const head: Line = { html: `${RLM}<b>${escapeHtml(heading)}</b>`, size: heading.length + 1 };
  const push = (line: Line) => {
    lines.push(line.html);
    size += line.size + 1;
  };
  push(head);
  for (const [section, stories] of groups) {
    const tag: Line = {
      html: `\n${RLM}<b>${SECTION_TAGS[section]}</b>`,
      size: SECTION_TAGS[section].length + 2,
    };
    if (size + tag.size > MAX_PART - 200) {
      parts.push(lines.join('\n'));
      lines = [];
      size = 0;
    }
    push(tag);
    for (const story of stories) {
      const line = storyLine(story);
      if (size + line.size + 1 > MAX_PART) {
        parts.push(lines.join('\n'));
        lines = [];
        size = 0;
        push({ html: tag.html.trimStart(), size: tag.size - 1 });
      }
      push(line);
    }
  }
  if (lines.length) parts.push(lines.join('\n'));
  return parts;
}

export interface DigestDeps {
  api: Api;
  redis: RedisClient;
  keys: Keys;
  articles: ArticleStore;
  posts: PostStore;
  digestStore: DigestStore;
  gate: RateGate;
  logger: Logger;
  config: { TIME_ZONE: string };
  queues: { digests: DigestQueue };
}

/** How many near-duplicates of each article the dedupe store dropped since `sinceMs`. */
async function duplicateCounts(
  redis: RedisClient,
  keys: Keys,
  sinceMs: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const rows = await redis.xrange(keys.dropped, String(Math.max(0, sinceMs)), '+');
  for (const [, fields] of rows) {
    const i = fields.indexOf('duplicate_of');
    const id = i === -1 ? undefined : fields[i + 1];
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** The "digests" processor: one digest of one target per job; safe to run twice. */
export function createDigestProcessor(deps: DigestDeps) {
  const { api, articles, posts, digestStore, gate, logger } = deps;

  async function storiesOf(items: DigestItem[]): Promise<DigestStory[]> {
    const oldest = Math.min(...items.map((i) => i.at));
    // Duplicates dropped a little before the story was collected count too (a copy can be
    // processed before the original's post went out).
    const dups = await duplicateCounts(deps.redis, deps.keys, oldest - 86_400_000);
    const at = new Map(items.map((i) => [i.articleId, i.at]));
    const stories: DigestStory[] = [];
    for (const item of items) {
      const article = await articles.get(item.articleId);
      if (!article) continue;
      const post = (await posts.list(article.id))
        .map((p) => postLink(p.chat.split('/')[0] ?? p.chat, p.chatId, p.messageId))
        .find((l) => l !== undefined);
      const link = post ?? article.url;
      stories.push({
        article,
        pick: item.pick,
        carriers: 1 + (dups.get(article.id) ?? 0),
        ...(link ? { link } : {}),
      });
    }
    return rankStories(stories, at).slice(0, MAX_DIGEST_STORIES);
  }

  // A channel's digest is in the channel's language (Arabic); a subscriber's in theirs.
  const heading = async (user: number | undefined) => {
    const lang = user === undefined ? 'ar' : ((await digestStore.userDigest(user))?.lang ?? 'ar');
    const title = user === undefined ? '📰 موجز الأخبار' : textsFor(lang).digest.personalHeading;
    const date = new Intl.DateTimeFormat(lang, {
      timeZone: deps.config.TIME_ZONE,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date());
    return `${title} · ${date}`;
  };

  return async (job: Job<DigestJob>, token?: string) => {
    const { target } = job.data;
    const runId = String(job.id ?? 'run').replace(/[^A-Za-z0-9_-]/g, '_');
    const log = logger.child({ queue: 'digests', jobId: job.id, target });
    if (target === CATCHUP) {
      // One digest job per waiting user; the job id makes a retried tick add each once.
      const users = await digestStore.takeCatchup();
      for (const userId of users) {
        await deps.queues.digests.add(
          'digest',
          { target: userTarget(userId) },
          { jobId: `catchup-${runId}-${userId}` },
        );
      }
      return { users: users.length };
    }
    const run = await digestStore.take(target, runId);
    if (run.done) return { skipped: 'done' };
    if (run.items.length === 0) {
      // An empty period sends nothing.
      await digestStore.finish(target, runId, run);
      return { stories: 0, parts: 0 };
    }
    const stories = await storiesOf(run.items);
    const user = userOfTarget(target);
    const parts = formatDigest(stories, await heading(user));
    const { chat, thread } = user === undefined ? parseTargetKey(target) : { chat: String(user) };
    // A subscriber's digest takes their private chat's bucket, a target's its line's.
    const bucket = user === undefined ? target : chat;
    for (let i = run.partsSent; i < parts.length; i++) {
      const admitted = await gate.admitSoon(bucket);
      if (!admitted.ok) {
        await job.moveToDelayed(Date.now() + admitted.waitMs, token);
        throw new DelayedError();
      }
      try {
        await api.sendMessage(chat, parts[i] ?? '', {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(thread === undefined ? {} : { message_thread_id: thread }),
        });
      } catch (err) {
        const failure = classifySendError(err);
        if (failure.kind === 'rate') {
          await gate.penalize(bucket, failure.retryAfterMs);
          await job.moveToDelayed(Date.now() + failure.retryAfterMs, token);
          throw new DelayedError();
        }
        if (failure.kind === 'transient') throw err;
        log.error({ reason: 'reason' in failure ? failure.reason : '' }, 'digest not sent');
        throw new UnrecoverableError('reason' in failure ? failure.reason : String(err));
      }
      await digestStore.partSent(target, runId, run, i + 1);
    }
    await digestStore.finish(target, runId, run);
    log.info({ stories: stories.length, parts: parts.length }, 'digest sent');
    return { stories: stories.length, parts: parts.length };
  };
}
