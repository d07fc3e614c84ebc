import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';
import type { DigestSchedule } from './routes.ts';
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

/** A subscriber's personal digest: when, and in which language. */
export interface UserDigest extends DigestSchedule {
  lang: 'ar' | 'en';
}

/** The digest target of a subscriber (their private chat): never a chat id or @name. */
export const userTarget = (userId: number) => `u:${userId}`;

/** The user id of a subscriber's digest target, or undefined for a route target. */
export function userOfTarget(target: string): number | undefined {
  const m = /^u:(\d{1,20})$/.exec(target);
  return m ? Number(m[1]) : undefined;
}

// KEYS: the user's SET for this hour. ARGV: article id, cap, ttl. 1 when the alert may go out:
// already counted (a retried job) or under the cap.
const capScript = defineScript(`
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
`);

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

export function createDigestStore({ redis, keys }: { redis: RedisClient; keys: Keys }) {
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

    /** Takes one of the user's alerts of this clock hour; false when the cap is reached. */
    async takeAlertSlot(userId: number, articleId: string, cap: number): Promise<boolean> {
      const hour = Math.floor(Date.now() / 3_600_000);
      const res = await capScript(redis, [keys.alertCount(userId, hour)], [articleId, cap, 7200]);
      return res === 1;
    },

    async setUserDigest(userId: number, digest: UserDigest): Promise<void> {
      await redis.hset(keys.userDigests, String(userId), JSON.stringify(digest));
    },

    async removeUserDigest(userId: number): Promise<void> {
      await redis.hdel(keys.userDigests, String(userId));
    },

    async userDigest(userId: number): Promise<UserDigest | undefined> {
      const json = await redis.hget(keys.userDigests, String(userId));
      return json === null ? undefined : (JSON.parse(json) as UserDigest);
    },

    /** The users among `userIds` who have a personal digest. */
    async withDigest(userIds: readonly number[]): Promise<Set<number>> {
      if (userIds.length === 0) return new Set();
      const rows = await redis.hmget(keys.userDigests, ...userIds.map(String));
      return new Set(userIds.filter((_, i) => rows[i] !== null));
    },

    /** Users waiting for the hourly catch-up (over-cap alerts and no digest of their own). */
    async addCatchup(userId: number): Promise<void> {
      await redis.sadd(keys.catchupUsers, String(userId));
    },

    /** Takes every user waiting for the catch-up (they are re-added by their next over-cap alert). */
    async takeCatchup(): Promise<number[]> {
      const res = await redis.multi().smembers(keys.catchupUsers).del(keys.catchupUsers).exec();
      const members: unknown = res?.[0]?.[1];
      return Array.isArray(members) ? members.map(Number).filter(Number.isSafeInteger) : [];
    },

    /** Was this story in a digest of `target`? */
    async wasSent(target: string, articleId: string): Promise<boolean> {
      return (await redis.sismember(keys.digestSent(target), articleId)) === 1;
    },
  };
}

export type DigestStore = ReturnType<typeof createDigestStore>;
