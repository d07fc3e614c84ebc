import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';
import { defineScript } from './script.ts';

/**
 * Send admission in Redis, shared by every worker process: the global bucket (Telegram's ~30
 * messages/s per bot), one bucket per chat (20/min for a channel), and for channel posts the
 * per-channel order (only the oldest pending article of a chat may go).
 *
 * The buckets are GCRA with a tolerance of a quarter interval: sends are spaced evenly instead
 * of bursting, which a sliding-window limiter like Telegram's never rejects; the tolerance lets a
 * send that was picked up a little late catch up without lowering the rate. BullMQ's own limiter
 * is a fixed window (up to 2× max across a window edge) and counts jobs we only delay, so it
 * cannot give zero 429s at full rate; it is not used for sends.
 */
export interface RateLimits {
  /** Sends per second for the whole bot. */
  globalPerSecond: number;
  /** Sends per minute to one channel or group. */
  chatPerMinute: number;
  /** Sends per minute to one private chat. */
  privatePerMinute: number;
  /**
   * Paid broadcasts (Bot API allow_paid_broadcast, up to 1000/s, billed in Stars past the free
   * 30/s): sends that ask for it share this bucket instead of the global one. 0 or unset: off.
   */
  paidPerSecond?: number;
}

/** Which global bucket a send takes: the free one, or the paid-broadcast one when enabled. */
export interface SendClass {
  paid?: boolean;
}

export type GateResult = { ok: true } | { ok: false; waitMs: number; reason: 'order' | 'rate' };

// 4% below the configured rate keeps jitter between taking a slot and the request reaching
// Telegram (a busy event loop, the network) from pushing a window over the limit.
const SAFETY = 1.04;
/** A granted slot older than this when its reply is read is not used. */
const STALE_SLOT_MS = 20;

const GATE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local chatInterval = tonumber(ARGV[2])
local globalInterval = tonumber(ARGV[3])
if ARGV[1] ~= '' then
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if head and head ~= ARGV[1] then
    local rank = redis.call('ZRANK', KEYS[1], ARGV[1])
    if rank then
      return {1, math.min(math.max(rank, 1) * chatInterval, 300000)}
    end
  end
end
local chatTat = tonumber(redis.call('GET', KEYS[2]) or '0')
local globalTat = tonumber(redis.call('GET', KEYS[3]) or '0')
local wait = math.max(chatTat - chatInterval / 4 - now, globalTat - globalInterval / 4 - now, 0)
if wait > 0 then return {2, math.ceil(wait)} end
local nextChat = math.max(chatTat, now) + chatInterval
local nextGlobal = math.max(globalTat, now) + globalInterval
redis.call('SET', KEYS[2], nextChat, 'PX', math.ceil(nextChat - now) + 60000)
redis.call('SET', KEYS[3], nextGlobal, 'PX', math.ceil(nextGlobal - now) + 60000)
return {0, 0}
`;

const PENALIZE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- The gate admits up to a quarter interval before a bucket's TAT, so the TAT goes that far
-- past the deadline.
for i = 1, #KEYS do
  local until_ = now + tonumber(ARGV[1]) + tonumber(ARGV[i + 1]) / 4
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < until_ then
    redis.call('SET', KEYS[i], until_, 'PX', math.ceil(until_ - now) + 60000)
  end
end
return 1
`;

const gateScript = defineScript(GATE);
const penalizeScript = defineScript(PENALIZE);

export function isPrivateChat(chat: string): boolean {
  return /^\d+$/.test(chat);
}

export function createRateGate({
  redis,
  keys,
  limits,
}: {
  redis: RedisClient;
  keys: Keys;
  limits: RateLimits;
}) {
  const globalInterval = (1000 / limits.globalPerSecond) * SAFETY;
  const paidPerSecond = limits.paidPerSecond ?? 0;
  const paidInterval = paidPerSecond > 0 ? (1000 / paidPerSecond) * SAFETY : globalInterval;
  const bucket = (cls: SendClass) =>
    cls.paid && paidPerSecond > 0
      ? { key: keys.rate('paid'), interval: paidInterval }
      : { key: keys.rate('global'), interval: globalInterval };
  const chatInterval = (chat: string) =>
    (60_000 / (isPrivateChat(chat) ? limits.privatePerMinute : limits.chatPerMinute)) * SAFETY;

  /**
   * Asks to send one message to `chat` now. With `orderMember`, the send must also be the
   * oldest entry of the chat's pending set. On ok the rate slot is taken.
   */
  async function admit(chat: string, orderMember = '', cls: SendClass = {}): Promise<GateResult> {
    const global = bucket(cls);
    const res = (await gateScript(
      redis,
      [keys.pending(chat), keys.rate(`chat:${chat}`), global.key],
      [orderMember, chatInterval(chat), global.interval],
    )) as [number, number];
    if (res[0] === 0) return { ok: true };
    return { ok: false, waitMs: Math.max(1, res[1]), reason: res[0] === 1 ? 'order' : 'rate' };
  }

  return {
    admit,
    /** True when paid broadcasts are configured: alert sends then pass allow_paid_broadcast. */
    paidBroadcast: paidPerSecond > 0,

    /**
     * admit(), but a rate wait of up to 250 ms is slept here and asked again: a delayed BullMQ
     * job is only woken on the next tick of Redis's timer (100 ms at the default hz 10), which
     * would cap the send rate near 10/s. Longer waits, and waits for a chat's line ('order'),
     * come back to the caller, which parks the job in Redis.
     */
    async admitSoon(chat: string, orderMember = '', cls: SendClass = {}): Promise<GateResult> {
      for (let i = 0; ; i++) {
        const asked = Date.now();
        const admitted = await admit(chat, orderMember, cls);
        // A slot granted long before this process could act on it (a busy event loop, a slow
        // round trip) would go out late, bunched with the next: take a fresh one instead.
        if (admitted.ok && Date.now() - asked > STALE_SLOT_MS && i < 3) continue;
        if (admitted.ok || admitted.reason !== 'rate' || admitted.waitMs > 250 || i >= 20) {
          return admitted;
        }
        await new Promise((r) => setTimeout(r, admitted.waitMs));
      }
    },

    /**
     * Honours a 429: nothing more goes to this chat, nor to any chat, before retry_after has
     * passed. Telegram does not say which limit was hit, so both buckets are pushed back.
     */
    async penalize(chat: string, retryAfterMs: number, cls: SendClass = {}): Promise<void> {
      const global = bucket(cls);
      await penalizeScript(
        redis,
        [keys.rate(`chat:${chat}`), global.key],
        [Math.ceil(retryAfterMs), chatInterval(chat), global.interval],
      );
    },
  };
}

export type RateGate = ReturnType<typeof createRateGate>;
