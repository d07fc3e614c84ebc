import { estimateSimilarity, lshBands } from '../article/fingerprint.ts';
import type { Article } from '../article/types.ts';
import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';
import { defineScript } from './script.ts';

export type DuplicateReason = 'same-id' | 'content' | 'similar';

export interface Duplicate {
  duplicateOf: string;
  reason: DuplicateReason;
  similarity?: number;
}

/**
 * The LSH band lookup in one round trip: expire old members, collect the other ids that share a
 * band; when there are none (the usual case) add this article to its bands at once, or always
 * with 'add'. Articles are processed one at a time (the articles queue has a global concurrency
 * of 1), so nothing else claims bands between the lookup and the add.
 */
const bandsScript = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
local found, seen = {}, {}
if ARGV[3] ~= 'add' then
  for _, key in ipairs(KEYS) do
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
    for _, id in ipairs(redis.call('ZRANGE', key, 0, -1)) do
      if id ~= ARGV[1] and not seen[id] then
        seen[id] = true
        found[#found + 1] = id
      end
    end
  end
end
if #found == 0 then
  for _, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[1])
    redis.call('PEXPIRE', key, window)
  end
end
return found
`);

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
  redis: RedisClient;
  keys: Keys;
  windowMs: number;
}) {
  /** SET NX of key → id; returns the other id when someone else holds it. */
  async function claim(key: string, id: string): Promise<string | undefined> {
    const previous = await redis.set(key, id, 'PX', windowMs, 'NX', 'GET');
    return previous !== null && previous !== id ? previous : undefined;
  }

  async function findSimilar(article: Article): Promise<Duplicate | undefined> {
    const bandKeys = lshBands(article.minhash).map((band) => keys.dedupeBand(band));
    const candidates = (await bandsScript(redis, bandKeys, [article.id, windowMs])) as string[];
    if (candidates.length === 0) return undefined;
    let best: Duplicate | undefined;
    const stored = await redis.mget(candidates.map((id) => keys.article(id)));
    stored.forEach((json, i) => {
      if (json === null) return;
      const other = JSON.parse(json) as Pick<Article, 'minhash'>;
      const similarity = estimateSimilarity(article.minhash, other.minhash);
      if (similarity >= SIMILARITY_THRESHOLD && (!best || similarity > (best.similarity ?? 0))) {
        best = { duplicateOf: candidates[i] as string, reason: 'similar', similarity };
      }
    });
    // Candidates that were only alike in a band or two: this one is new after all.
    if (!best) await bandsScript(redis, bandKeys, [article.id, windowMs, 'add']);
    return best;
  }

  return {
    async check(article: Article): Promise<Duplicate | undefined> {
      const contentKey = keys.dedupeContent(article.contentHash);
      const sameContent = await claim(contentKey, article.id);
      if (sameContent) return { duplicateOf: sameContent, reason: 'content' };
      const similar = await findSimilar(article);
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

    /** Dropped duplicates still in the stream (the last 10,000 or so). */
    async droppedCount(): Promise<number> {
      return redis.xlen(keys.dropped);
    },
  };
}

export type Dedupe = ReturnType<typeof createDedupe>;
