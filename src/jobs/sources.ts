import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Config } from '../config.ts';
import { CodedError } from '../errors.ts';
import type { RedisClient } from '../redis.ts';
import { safeHttpUrl } from '../sources/feed.ts';
import { fetchPolicy } from '../sources/http.ts';
import { type PollDeps, type PollOutcome, pollSource } from '../sources/poll.ts';
import type { Keys } from '../store/keys.ts';
import type { MetricsStore } from '../store/metrics.ts';
import {
  createSourceStore,
  SOURCE_ID_RE,
  type Source,
  type SourceHealth,
} from '../store/sources.ts';
import { stripUnsafeChars } from '../text/sanitize.ts';
import type { ArticleBuilder } from '../workers/build-pool.ts';
import { enqueueArticle } from './enqueue.ts';
import type { QueueName, Queues } from './queues.ts';

// Sources are polled by BullMQ job schedulers (one per source, id `source-<id>`): the schedule
// lives in Redis, so it survives restarts, and each tick is one job with a deterministic id, so
// it runs once however many workers there are.

export const SOURCES_QUEUE = 'sources' satisfies QueueName;

export interface PollJob {
  sourceId: string;
}

export const DEFAULT_INTERVAL_SEC = 600;
const MAX_INTERVAL_SEC = 7 * 86_400;
const MAX_PUBLISHER_CHARS = 120;
const CHAT_RE = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;

export const schedulerId = (sourceId: string) => `source-${sourceId}`;

export type SourceErrorCode = 'bad-input' | 'exists' | 'not-found';

export class SourceError extends CodedError<SourceErrorCode> {
  override name = 'SourceError';
  /** For 'exists': the source that already has this URL or id. */
  readonly existingId?: string;
  constructor(code: SourceErrorCode, message: string, existingId?: string) {
    super(code, message);
    if (existingId !== undefined) this.existingId = existingId;
  }
}

export interface NewSource {
  url: string;
  kind: 'feed' | 'page';
  publisher?: string;
  /** Chosen id; derived from the host when absent. */
  id?: string;
  intervalSec?: number;
  chats?: string[];
  mode?: 'auto' | 'review';
  fullText?: boolean;
}

export interface SourceStatus {
  source: Source;
  health: SourceHealth;
}

/**
 * Sources: records in Redis (store/sources.ts) kept in step with their job schedulers on the
 * "sources" queue (opened by createQueues, with the poll jobs' options; closed by its owner).
 * Used by the bot's /addsource etc., the CLI and the poll worker.
 */
export function createSources({
  redis,
  keys,
  config,
  queue,
}: {
  redis: RedisClient;
  keys: Keys;
  config: Pick<Config, 'SOURCE_MIN_INTERVAL_SECONDS'>;
  queue: Queue<PollJob>;
}) {
  const store = createSourceStore({ redis, keys });

  async function schedule(source: Source): Promise<void> {
    await queue.upsertJobScheduler(
      schedulerId(source.id),
      { every: source.intervalSec * 1000 },
      { name: 'poll', data: { sourceId: source.id } },
    );
  }

  async function unschedule(id: string): Promise<void> {
    await queue.removeJobScheduler(schedulerId(id));
  }

  function validate(input: NewSource): Omit<Source, 'id' | 'createdAt'> {
    const url = safeHttpUrl(input.url);
    if (url === undefined)
      throw new SourceError('bad-input', 'the URL must be http:// or https://');
    if (input.kind !== 'feed' && input.kind !== 'page') {
      throw new SourceError('bad-input', 'kind must be feed or page');
    }
    const intervalSec = input.intervalSec ?? DEFAULT_INTERVAL_SEC;
    const min = config.SOURCE_MIN_INTERVAL_SECONDS;
    if (!Number.isInteger(intervalSec) || intervalSec < min || intervalSec > MAX_INTERVAL_SEC) {
      throw new SourceError(
        'bad-input',
        `the interval must be from ${min} seconds to ${MAX_INTERVAL_SEC / 86_400} days`,
      );
    }
    const chats = input.chats ?? [];
    const badChat = chats.find((c) => !CHAT_RE.test(c));
    if (badChat !== undefined) {
      throw new SourceError('bad-input', 'each chat must be @channelname or a numeric id');
    }
    const publisher = stripUnsafeChars(input.publisher ?? '')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, MAX_PUBLISHER_CHARS);
    return {
      url,
      kind: input.kind,
      publisher: publisher || new URL(url).hostname.replace(/^www\./, ''),
      intervalSec,
      chats,
      mode: input.mode === 'review' ? 'review' : 'auto',
      fullText: input.fullText === true,
      paused: false,
    };
  }

  return {
    store,
    queue,

    /** Stores a new source and starts its schedule (the first poll runs at once). */
    async add(input: NewSource): Promise<Source> {
      const fields = validate(input);
      if (input.id !== undefined && !SOURCE_ID_RE.test(input.id)) {
        throw new SourceError('bad-input', 'the id must be lower-case letters, digits and dashes');
      }
      const base = input.id ?? slugFromUrl(fields.url);
      for (let n = 1; n < 100; n++) {
        const id = n === 1 ? base : `${base.slice(0, 36)}-${n}`;
        const source: Source = { id, ...fields, createdAt: new Date().toISOString() };
        const result = await store.create(source);
        if (result.created) {
          await schedule(source);
          return source;
        }
        if (result.reason === 'url') {
          throw new SourceError(
            'exists',
            `this URL is already source ${result.existingId}`,
            result.existingId,
          );
        }
        if (input.id !== undefined) {
          throw new SourceError('exists', `the id ${input.id} is taken`, input.id);
        }
      }
      throw new SourceError('exists', 'no free id for this source; give one');
    },

    async get(id: string): Promise<Source | undefined> {
      return store.get(id);
    },

    /** Every source with its health, oldest first. */
    async list(): Promise<SourceStatus[]> {
      const sources = await store.list();
      return Promise.all(
        sources.map(async (source) => ({ source, health: await store.health(source.id) })),
      );
    },

    /** Stops the schedule and deletes the source with its history. */
    async remove(id: string): Promise<Source | undefined> {
      if (!(await store.has(id))) return undefined;
      await unschedule(id);
      return store.remove(id);
    },

    /** Stops polling, keeping the record; `reason` is shown in /sources. */
    async pause(id: string, reason?: string): Promise<Source | undefined> {
      const source = await store.get(id);
      if (!source) return undefined;
      const paused: Source = { ...source, paused: true };
      if (reason !== undefined) paused.pausedReason = reason.slice(0, 300);
      else delete paused.pausedReason;
      if (!(await store.update(paused))) return undefined;
      await unschedule(id);
      return paused;
    },

    /** Polls again from now, with failures and backoff cleared. */
    async resume(id: string): Promise<Source | undefined> {
      const source = await store.get(id);
      if (!source) return undefined;
      const resumed: Source = { ...source, paused: false };
      delete resumed.pausedReason;
      if (!(await store.update(resumed))) return undefined;
      await store.resetFailures(id);
      await schedule(resumed);
      return resumed;
    },

    /**
     * Brings the schedulers in line with the records: a missing one is created (a scheduler
     * lost with a Redis restore), a stray one (paused or removed source) is deleted.
     */
    async syncSchedulers(): Promise<{ created: number; removed: number }> {
      const sources = await store.list();
      const existing = await queue.getJobSchedulers(0, -1);
      const scheduled = new Set(existing.map((s) => s.key));
      let created = 0;
      let removed = 0;
      const wanted = new Set<string>();
      for (const source of sources) {
        if (source.paused) continue;
        wanted.add(schedulerId(source.id));
        if (!scheduled.has(schedulerId(source.id))) {
          await schedule(source);
          created++;
        }
      }
      for (const key of scheduled) {
        if (key.startsWith('source-') && !wanted.has(key)) {
          await queue.removeJobScheduler(key);
          removed++;
        }
      }
      return { created, removed };
    },
  };
}

export type Sources = ReturnType<typeof createSources>;

/** '90s', '15m', '2h', '1d' or a bare number of minutes → seconds. */
export function parseInterval(value: string): number | undefined {
  const m = /^(\d{1,6})([smhd]?)$/i.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] || 'm').toLowerCase();
  const factor = unit === 's' ? 1 : unit === 'm' ? 60 : unit === 'h' ? 3600 : 86_400;
  return n > 0 ? n * factor : undefined;
}

/** 'https://www.aljazeera.net/rss' → 'aljazeera-net'. */
export function slugFromUrl(url: string): string {
  let host = 'source';
  try {
    host = new URL(url).hostname;
  } catch {
    // keep the fallback
  }
  const slug = host
    .toLowerCase()
    .replace(/^www\./, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return slug === '' ? 'source' : slug;
}

/** What the poll worker needs from the services. */
export interface SourceWorkerDeps {
  /** Counters and histograms for /metrics (store/metrics.ts); none in some tests. */
  metrics?: MetricsStore;
  config: Config;
  logger: PollDeps['logger'];
  sources: Sources;
  articles: Parameters<typeof enqueueArticle>[0]['articles'];
  queues: Queues;
  notifyEditors: (text: string) => Promise<void>;
  builder?: ArticleBuilder;
}

/** The editors' notice when a source is paused after too many failures. */
export function pausedNotice(source: Source, failures: number, reason: string): string {
  return [
    `⚠️ أُوقف المصدر «${source.publisher}» (${source.id}) بعد ${failures} محاولات فاشلة متتالية.`,
    `آخر خطأ: ${reason}`,
    `للاستئناف: /resumesource ${source.id}`,
  ].join('\n');
}

/**
 * The "sources" processor: one poll per scheduler tick. Repairs the schedulers first (a
 * missing or stray one), so call it once per worker process, before the worker starts.
 */
export async function createPollProcessor(
  s: SourceWorkerDeps,
): Promise<(job: Job<PollJob>) => Promise<PollOutcome>> {
  const deps: PollDeps = {
    store: s.sources.store,
    policy: fetchPolicy(s.config),
    enqueue: (raw, opts) => enqueueArticle({ articles: s.articles, queues: s.queues }, raw, opts),
    logger: s.logger,
    maxFailures: s.config.SOURCE_MAX_FAILURES,
    ...(s.builder ? { build: s.builder.build } : {}),
    pause: async (source, reason) => {
      await s.sources.pause(source.id, reason);
      await s.notifyEditors(pausedNotice(source, s.config.SOURCE_MAX_FAILURES, reason));
    },
  };
  const synced = await s.sources.syncSchedulers();
  if (synced.created > 0 || synced.removed > 0) {
    s.logger.info(synced, 'source schedulers repaired');
  }
  return async (job) => {
    const outcome = await pollSource(deps, job.data.sourceId);
    s.metrics?.inc('newsbot_polls_total', { source: job.data.sourceId, result: outcome.status });
    if (outcome.status === 'skipped' && outcome.reason === 'missing') {
      // The source was removed but its scheduler survived: stop the ticks.
      await s.sources.queue.removeJobScheduler(schedulerId(job.data.sourceId));
    }
    // Recorded in the source's health already; failing the job shows it in the queue too.
    if (outcome.status === 'failed') throw new UnrecoverableError(outcome.error);
    return outcome;
  };
}
