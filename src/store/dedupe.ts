import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { estimateSimilarity, lshBands } from '../article/fingerprint.ts';
import type { Article } from '../article/types.ts';
import type { Keys } from './keys.ts';

export type DuplicateReason = 'same-id' | 'content' | 'similar';

export interface Duplicate {
  duplicateOf: string;
  reason: DuplicateReason;
  similarity?: number;
}

/** Estimated Jaccard similarity above which two articles are the same story reworded. */
export const SIMILARITY_THRESHOLD = 0.5;

/**
 * Claims an article's content hash and fingerprint for the dedupe window, or names the article
 * it duplicates. Claiming again with the same id (a retried job) is not a duplicate. The same
 * URL gives the same article id, which the article store refuses to take twice.
 */
export function createDedupe({
  redis,
  keys,
  windowMs,
}: {
  redis: Redis;
  keys: Keys;
  windowMs: number;
}) {
  /** SET NX of key → id; returns the other id when someone else holds it. */
  async function claim(key: string, id: string): Promise<string | undefined> {
    const previous = await redis.set(key, id, 'PX', windowMs, 'NX', 'GET');
    return previous !== null && previous !== id ? previous : undefined;
  }

  // The near-duplicate check reads candidates, then writes the bands: a short lock keeps two
  // workers from both passing the same story at the same moment.
  async function withLock<T>(fn: () => Promise<T>): Promise<T> {
    const token = randomUUID();
    for (let i = 0; ; i++) {
      if ((await redis.set(keys.dedupeLock, token, 'PX', 5000, 'NX')) === 'OK') break;
      if (i > 500) throw new Error('dedupe lock: timed out waiting');
      await new Promise((r) => setTimeout(r, 10));
    }
    try {
      return await fn();
    } finally {
      const holder = await redis.get(keys.dedupeLock);
      if (holder === token) await redis.del(keys.dedupeLock);
    }
  }

  async function findSimilar(article: Article, now: number): Promise<Duplicate | undefined> {
    const bands = lshBands(article.minhash);
    const pipeline = redis.pipeline();
    for (const band of bands) {
      pipeline.zremrangebyscore(keys.dedupeBand(band), '-inf', String(now - windowMs));
      pipeline.zrange(keys.dedupeBand(band), '0', '-1');
    }
    const results = (await pipeline.exec()) ?? [];
    const candidates = new Set<string>();
    for (const [err, value] of results) {
      if (err) throw err;
      if (Array.isArray(value))
        for (const id of value) if (id !== article.id) candidates.add(String(id));
    }
    let best: Duplicate | undefined;
    const ids = [...candidates];
    const stored = ids.length ? await redis.mget(ids.map((id) => keys.article(id))) : [];
    stored.forEach((json, i) => {
      if (json === null) return;
      const other = JSON.parse(json) as Pick<Article, 'minhash'>;
      const similarity = estimateSimilarity(article.minhash, other.minhash);
      if (similarity >= SIMILARITY_THRESHOLD && (!best || similarity > (best.similarity ?? 0))) {
        best = { duplicateOf: ids[i] as string, reason: 'similar', similarity };
      }
    });
    if (!best) {
      const add = redis.pipeline();
      for (const band of bands) {
        add.zadd(keys.dedupeBand(band), now, article.id);
        add.pexpire(keys.dedupeBand(band), windowMs);
      }
      await add.exec();
    }
    return best;
  }

  return {
    async check(article: Article): Promise<Duplicate | undefined> {
      const contentKey = keys.dedupeContent(article.contentHash);
      const sameContent = await claim(contentKey, article.id);
      if (sameContent) return { duplicateOf: sameContent, reason: 'content' };
      const similar = await withLock(() => findSimilar(article, Date.now()));
      // A dropped article must not hold the content key against a later, different story.
      if (similar && (await redis.get(contentKey)) === article.id) await redis.del(contentKey);
      return similar;
    },

    /** Appends a dropped duplicate to the audit stream (capped), so none is lost silently. */
    async recordDropped(article: Article, dup: Duplicate): Promise<void> {
      await redis.xadd(
        keys.dropped,
        'MAXLEN',
        '~',
        '10000',
        '*',
        'id',
        article.id,
        'duplicate_of',
        dup.duplicateOf,
        'reason',
        dup.reason,
        'similarity',
        dup.similarity?.toFixed(3) ?? '',
        'title',
        article.title,
        'url',
        article.url ?? '',
      );
    },
  };
}

export type Dedupe = ReturnType<typeof createDedupe>;
