import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';
import { defineScript } from './script.ts';

/**
 * Webhook updates across bot instances (issue 13 §2), in Redis so every instance behind the
 * URL sees the same records.
 *
 * Once: an update id is claimed with SET NX before it is handled: 'busy' with a short lease
 * while an instance works on it (kept alive by a heartbeat), then 'done' for a day, which is as
 * long as Telegram keeps an undelivered update, so no re-delivery can slip past. A re-delivery
 * that finds 'done' is acknowledged without handling; one that finds 'busy' is told to retry
 * (http/webhook.ts answers 503), so the update is never lost if that instance died: the lease
 * runs out and Telegram's next retry claims it again.
 *
 * In order: one chat's updates take turns in a ZSET of the ids waiting or running for that chat
 * (scored by lease deadline); an update runs when no smaller id is there. A lock alone would let
 * whichever request reaches Redis first go first; the ids make a re-delivered later update wait
 * behind an earlier one of the same chat that is still waiting or running on any instance.
 * Telegram itself sends one update per chat at a time and the next only after a 2xx, so the turn
 * is what keeps order when it does not hold: an update still running after its request timed out,
 * or two of Telegram's queues (messages, button presses) meeting in one chat. A dead instance's
 * entries run out with their lease, so a chat waits at most `leaseMs` for it.
 */

export type Claim = 'new' | 'busy' | 'done';

/** Waiting for the chat's turn failed (Redis away): the update was not handled. */
export class UpdateWaitError extends Error {
  override name = 'UpdateWaitError';
}

export interface UpdateStore {
  /** Claims an update for this instance: 'new' (handle it), 'busy' (being handled), 'done'. */
  claim(updateId: number): Promise<Claim>;
  /**
   * Runs `fn` for a claimed update in its chat's turn (no chat: at once), keeps the leases alive
   * meanwhile, and marks the update done afterwards, also when `fn` throws.
   */
  run<T>(updateId: number, chat: string | undefined, fn: () => Promise<T>): Promise<T>;
  /** Resolves when every run() of this instance has finished (shutdown: after the route stopped). */
  drain(): Promise<void>;
}

export interface UpdateStoreOptions {
  /** How long a claim or a turn outlives an instance that stopped refreshing it. Default 15 s. */
  leaseMs?: number;
  /** How long a handled update id is remembered. Default 24 h (Telegram's retention). */
  seenMs?: number;
}

// Joins (or refreshes) the chat's turn and answers 1 when no smaller id is waiting or running.
// Redis TIME, not the callers' clocks, so instances with skewed clocks agree on the leases.
const TURN = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
redis.call('PEXPIRE', KEYS[1], lease)
local me = tonumber(ARGV[1])
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if tonumber(id) < me then return 0 end
end
return 1
`);

// Keeps a running update's claim (KEYS[1]) and, with a chat, its turn (KEYS[2]) alive.
const REFRESH = defineScript(`
local lease = tonumber(ARGV[2])
if redis.call('GET', KEYS[1]) == 'busy' then redis.call('PEXPIRE', KEYS[1], lease) end
if KEYS[2] then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZADD', KEYS[2], 'XX', now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[2], lease)
end
return 1
`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createUpdateStore(deps: {
  redis: RedisClient;
  keys: Keys;
  options?: UpdateStoreOptions;
}): UpdateStore {
  const { redis, keys } = deps;
  const leaseMs = deps.options?.leaseMs ?? 15_000;
  const seenMs = deps.options?.seenMs ?? 24 * 3_600_000;
  // A handler can outlive its request (after a timeout), so shutdown waits for these, not requests.
  const running = new Set<Promise<unknown>>();

  return {
    async claim(updateId) {
      const key = keys.update(updateId);
      if ((await redis.set(key, 'busy', 'PX', leaseMs, 'NX')) === 'OK') return 'new';
      // Gone between the two calls: the lease ran out, the next re-delivery claims it.
      return (await redis.get(key)) === 'done' ? 'done' : 'busy';
    },

    run(updateId, chat, fn) {
      const task = runInTurn(updateId, chat, fn);
      const settled = task.then(
        () => {},
        () => {},
      );
      running.add(settled);
      void settled.then(() => running.delete(settled));
      return task;
    },

    async drain() {
      while (running.size > 0) await Promise.all(running);
    },
  };

  async function runInTurn<T>(
    updateId: number,
    chat: string | undefined,
    fn: () => Promise<T>,
  ): Promise<T> {
    const claimKey = keys.update(updateId);
    const turnKey = chat === undefined ? undefined : keys.chatTurn(chat);
    const refreshKeys = turnKey ? [claimKey, turnKey] : [claimKey];
    const heartbeat = setInterval(
      () => void REFRESH(redis, refreshKeys, [updateId, leaseMs]).catch(() => {}),
      leaseMs / 3,
    );
    heartbeat.unref();
    try {
      if (turnKey) {
        // Turns are short (an update's handler), so polling with a small back-off is enough.
        for (let wait = 5; (await TURN(redis, [turnKey], [updateId, leaseMs])) !== 1; ) {
          await sleep(wait);
          wait = Math.min(wait * 2, 50);
        }
      }
    } catch (err) {
      // Never ran: give the claim back (best effort; else its lease runs out) for a retry.
      clearInterval(heartbeat);
      await redis.del(claimKey).catch(() => {});
      throw new UpdateWaitError(err instanceof Error ? err.message : String(err));
    }
    try {
      return await fn();
    } finally {
      clearInterval(heartbeat);
      const done = redis.multi().set(claimKey, 'done', 'PX', seenMs);
      if (turnKey) done.zrem(turnKey, String(updateId));
      await done.exec();
    }
  }
}
