import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';

/** A feed or page the bot polls for new articles. */
export interface Source {
  /** Short, readable, [a-z0-9-]: editors type it in /removesource. */
  id: string;
  /** The feed URL, or the listing page's URL for a site without a feed. */
  url: string;
  kind: 'feed' | 'page';
  /** Name on the credit line. */
  publisher: string;
  intervalSec: number;
  /** Chats to post to; empty means the configured channels. */
  chats: string[];
  /** review: every item goes to the editors first. */
  mode: 'auto' | 'review';
  /** Fetch each item's page when the feed carries only a teaser. */
  fullText: boolean;
  paused: boolean;
  /** Why it was paused (an editor, or the last error after too many failures). */
  pausedReason?: string;
  createdAt: string;
}

/** How polling a source has gone. */
export interface SourceHealth {
  lastPollAt?: string;
  lastSuccessAt?: string;
  lastError?: string;
  lastErrorAt?: string;
  /** Consecutive failed polls; 0 after a success. */
  failures: number;
  /** Backoff: polls before this time (ms) are skipped. */
  nextPollAt?: number;
  /** Articles enqueued from this source, all time. */
  items: number;
  /** Articles enqueued by the last successful poll. */
  lastItems?: number;
  etag?: string;
  lastModified?: string;
}

export const SOURCE_ID_RE = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Fingerprints kept per source; far more than any feed lists at once. */
export const SEEN_CAP = 5_000;

// Adds a source unless its URL or id is taken: one round trip, so two editors adding the same
// feed at once get one source.
const CREATE_SCRIPT = `
local existing = redis.call('HGET', KEYS[2], ARGV[2])
if existing then return {'url', existing} end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {'id', ARGV[1]} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return {'ok', ARGV[1]}
`;

// Rewrites a record only while it exists, so an update racing a removal cannot resurrect it.
const UPDATE_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

// Deletes the lock only if it is still ours (it may have expired and been taken by another poll).
const UNLOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

// Extends the lock only while it is still ours.
const EXTEND_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

export type CreateResult =
  | { created: true; source: Source }
  | { created: false; reason: 'url' | 'id'; existingId: string };

export function createSourceStore({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  const parse = (json: string | null | undefined): Source | undefined => {
    if (json === null || json === undefined) return undefined;
    try {
      return JSON.parse(json) as Source;
    } catch {
      return undefined;
    }
  };

  return {
    /** Stores a new source; refuses a taken URL (same canonical URL) or id. */
    async create(source: Source): Promise<CreateResult> {
      const result = await redis.eval(
        CREATE_SCRIPT,
        2,
        keys.sources,
        keys.sourceUrls,
        source.id,
        urlKey(source.url),
        JSON.stringify(source),
      );
      const [status, id] = Array.isArray(result) ? result.map(String) : [];
      if (status === 'ok') return { created: true, source };
      return { created: false, reason: status === 'url' ? 'url' : 'id', existingId: id ?? '' };
    },

    async get(id: string): Promise<Source | undefined> {
      if (!SOURCE_ID_RE.test(id)) return undefined;
      return parse(await redis.hget(keys.sources, id));
    },

    async idForUrl(url: string): Promise<string | undefined> {
      return (await redis.hget(keys.sourceUrls, urlKey(url))) ?? undefined;
    },

    async has(id: string): Promise<boolean> {
      return SOURCE_ID_RE.test(id) && (await redis.hexists(keys.sources, id)) === 1;
    },

    /** Every source, oldest first. */
    async list(): Promise<Source[]> {
      const all = await redis.hgetall(keys.sources);
      return Object.values(all)
        .map((json) => parse(json))
        .filter((s): s is Source => s !== undefined)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },

    /** Rewrites a source's record (pause, resume, settings); false when it was removed meanwhile. */
    async update(source: Source): Promise<boolean> {
      const n = await redis.eval(UPDATE_SCRIPT, 1, keys.sources, source.id, JSON.stringify(source));
      return n === 1;
    },

    /** Deletes the source, its health and its seen items. */
    async remove(id: string): Promise<Source | undefined> {
      const source = await this.get(id);
      if (!source) return undefined;
      await redis
        .multi()
        .hdel(keys.sources, id)
        .hdel(keys.sourceUrls, urlKey(source.url))
        .del(keys.sourceHealth(id), keys.sourceSeen(id), keys.sourceLock(id))
        .exec();
      return source;
    },

    async health(id: string): Promise<SourceHealth> {
      return readHealth(await redis.hgetall(keys.sourceHealth(id)));
    },

    async recordSuccess(
      id: string,
      r: { at: number; enqueued: number; etag?: string; lastModified?: string },
    ): Promise<void> {
      const at = new Date(r.at).toISOString();
      const multi = redis
        .multi()
        .hset(keys.sourceHealth(id), {
          lastPollAt: at,
          lastSuccessAt: at,
          failures: '0',
          lastItems: String(r.enqueued),
        })
        .hdel(keys.sourceHealth(id), 'nextPollAt')
        .hincrby(keys.sourceHealth(id), 'items', r.enqueued);
      // A server that stops sending validators must not get stale ones back.
      if (r.etag !== undefined) multi.hset(keys.sourceHealth(id), 'etag', r.etag);
      else multi.hdel(keys.sourceHealth(id), 'etag');
      if (r.lastModified !== undefined) {
        multi.hset(keys.sourceHealth(id), 'lastModified', r.lastModified);
      } else multi.hdel(keys.sourceHealth(id), 'lastModified');
      await multi.exec();
    },

    /** Counts a failed poll and sets the backoff; returns the consecutive failures so far. */
    async recordFailure(
      id: string,
      r: { at: number; error: string; nextPollAt: number },
    ): Promise<number> {
      const at = new Date(r.at).toISOString();
      const results = await redis
        .multi()
        .hincrby(keys.sourceHealth(id), 'failures', 1)
        .hset(keys.sourceHealth(id), {
          lastPollAt: at,
          lastError: r.error.slice(0, 500),
          lastErrorAt: at,
          nextPollAt: String(r.nextPollAt),
        })
        .exec();
      const failures = results?.[0]?.[1];
      return typeof failures === 'number' ? failures : Number(failures ?? 0);
    },

    /** A fresh start after an editor resumes the source: no failures, no backoff. */
    async resetFailures(id: string): Promise<void> {
      await redis
        .multi()
        .hset(keys.sourceHealth(id), 'failures', '0')
        .hdel(keys.sourceHealth(id), 'nextPollAt')
        .exec();
    },

    /** For each item's fingerprints: true when any of them was seen before. */
    async seen(id: string, items: string[][]): Promise<boolean[]> {
      const all = [...new Set(items.flat())];
      if (all.length === 0) return items.map(() => false);
      const scores = await redis.zmscore(keys.sourceSeen(id), ...all);
      const known = new Set(all.filter((_, i) => scores[i] !== null));
      return items.map((fps) => fps.some((fp) => known.has(fp)));
    },

    /** Records fingerprints as seen now (refreshing old ones) and trims the set to its cap. */
    async markSeen(id: string, fingerprints: string[], at: number): Promise<void> {
      if (fingerprints.length === 0) return;
      const args: (string | number)[] = [];
      for (const fp of new Set(fingerprints)) args.push(at, fp);
      await redis
        .multi()
        .zadd(keys.sourceSeen(id), ...args)
        .zremrangebyrank(keys.sourceSeen(id), 0, -SEEN_CAP - 1)
        .exec();
    },

    async seenCount(id: string): Promise<number> {
      return redis.zcard(keys.sourceSeen(id));
    },

    /** Takes the source's poll lock; the token releases it, undefined when another poll holds it. */
    async lock(id: string, ttlMs: number): Promise<string | undefined> {
      const token = randomBytes(8).toString('hex');
      const ok = await redis.set(keys.sourceLock(id), token, 'PX', Math.max(1, ttlMs), 'NX');
      return ok === 'OK' ? token : undefined;
    },

    /** Keeps a held lock alive through a long poll; false when it was lost. */
    async extendLock(id: string, token: string, ttlMs: number): Promise<boolean> {
      const n = await redis.eval(EXTEND_SCRIPT, 1, keys.sourceLock(id), token, Math.max(1, ttlMs));
      return n === 1;
    },

    /** Deletes a source's health and seen items (after it was removed during a poll). */
    async forget(id: string): Promise<void> {
      await redis.del(keys.sourceHealth(id), keys.sourceSeen(id));
    },

    async unlock(id: string, token: string): Promise<void> {
      await redis.eval(UNLOCK_SCRIPT, 1, keys.sourceLock(id), token);
    },
  };
}

export type SourceStore = ReturnType<typeof createSourceStore>;

/** The URL as one source is known by: scheme and host lower-cased, no fragment. */
export function urlKey(url: string): string {
  try {
    const u = new URL(url);
    u.hash = '';
    return u.href;
  } catch {
    return url.trim();
  }
}

function readHealth(h: Record<string, string>): SourceHealth {
  const health: SourceHealth = {
    failures: Number(h.failures ?? 0) || 0,
    items: Number(h.items ?? 0) || 0,
  };
  if (h.lastPollAt) health.lastPollAt = h.lastPollAt;
  if (h.lastSuccessAt) health.lastSuccessAt = h.lastSuccessAt;
  if (h.lastError) health.lastError = h.lastError;
  if (h.lastErrorAt) health.lastErrorAt = h.lastErrorAt;
  if (h.nextPollAt && Number.isFinite(Number(h.nextPollAt))) {
    health.nextPollAt = Number(h.nextPollAt);
  }
  if (h.lastItems !== undefined) health.lastItems = Number(h.lastItems) || 0;
  if (h.etag) health.etag = h.etag;
  if (h.lastModified) health.lastModified = h.lastModified;
  return health;
}
