import type { Redis } from 'ioredis';
import type { Keys } from './keys.ts';
import { defineScript } from './script.ts';

// Digests (issue 12 §3): the stories waiting for a target's next digest, and the runs that
// send them. A run takes the waiting stories atomically (so two runs, or two workers running
// one tick twice, never share a story), remembers them under its run id (so a retried run
// resends the same digest, from the first part not yet sent), and on success adds them to the
// target's sent set (so the same story never enters a later digest).

/** A story waiting for a digest. */
export interface DigestItem {
  articleId: string;
  /** When it was collected, ms. */
  at: number;
  /** An editors' pick (/publish or approved from review): listed first. */
  pick: boolean;
}

export interface DigestRun {
  items: DigestItem[];
  /** Parts of the message already sent (a retry starts after them). */
  partsSent: number;
  done: boolean;
}

const SENT_TTL_SECONDS = 60 * 86_400;
const RUN_TTL_SECONDS = 7 * 86_400;

// KEYS: run, items, sent. ARGV: run TTL. Returns the run JSON (existing or new).
const takeScript = defineScript(`
local existing = redis.call('GET', KEYS[1])
if existing then return existing end
local flat = redis.call('HGETALL', KEYS[2])
local items = {}
for i = 1, #flat, 2 do
  if redis.call('SISMEMBER', KEYS[3], flat[i]) == 0 then
    items[#items + 1] = flat[i + 1]
  end
end
redis.call('DEL', KEYS[2])
local run = '{"items":[' .. table.concat(items, ',') .. '],"partsSent":0,"done":false}'
redis.call('SET', KEYS[1], run, 'EX', tonumber(ARGV[1]))
return run
`);

export function createDigestStore({ redis, keys }: { redis: Redis; keys: Keys }) {
  return {
    /** Adds a story to a target's next digest, unless a digest already carried it. */
    async collect(target: string, articleId: string, opts: { pick?: boolean } = {}) {
      if ((await redis.sismember(keys.digestSent(target), articleId)) === 1) return false;
      const item: DigestItem = { articleId, at: Date.now(), pick: opts.pick === true };
      // HSETNX: a retried article job keeps the first collection time; a pick upgrades.
      const added = await redis.hsetnx(keys.digestItems(target), articleId, JSON.stringify(item));
      if (added === 0 && item.pick) {
        await redis.hset(keys.digestItems(target), articleId, JSON.stringify(item));
      }
      return true;
    },

    /** Stories waiting for the target's next digest. */
    async waiting(target: string): Promise<DigestItem[]> {
      const all = await redis.hvals(keys.digestItems(target));
      return all.map((json) => JSON.parse(json) as DigestItem);
    },

    /** The stories of run `runId` of `target`: taken from the waiting ones on its first call. */
    async take(target: string, runId: string): Promise<DigestRun> {
      const json = (await takeScript(
        redis,
        [keys.digestRun(target, runId), keys.digestItems(target), keys.digestSent(target)],
        [RUN_TTL_SECONDS],
      )) as string;
      return JSON.parse(json) as DigestRun;
    },

    async partSent(target: string, runId: string, run: DigestRun, parts: number): Promise<void> {
      const next: DigestRun = { ...run, partsSent: parts };
      await redis.set(keys.digestRun(target, runId), JSON.stringify(next), 'EX', RUN_TTL_SECONDS);
    },

    /** Marks the run done and its stories as sent to this target. */
    async finish(target: string, runId: string, run: DigestRun): Promise<void> {
      const tx = redis.multi();
      tx.set(
        keys.digestRun(target, runId),
        JSON.stringify({ ...run, done: true }),
        'EX',
        RUN_TTL_SECONDS,
      );
      if (run.items.length) {
        tx.sadd(keys.digestSent(target), ...run.items.map((i) => i.articleId));
        tx.expire(keys.digestSent(target), SENT_TTL_SECONDS);
      }
      await tx.exec();
    },

    /** Was this story in a digest of `target`? */
    async wasSent(target: string, articleId: string): Promise<boolean> {
      return (await redis.sismember(keys.digestSent(target), articleId)) === 1;
    },
  };
}

export type DigestStore = ReturnType<typeof createDigestStore>;
