import type { RedisClient } from '../redis.ts';
import { cleanUsername } from '../telegram/links.ts';
import type { Keys } from './keys.ts';

// Public usernames of the channels we post to, by numeric chat id, so links to posts open for
// readers outside the channel (t.me/<name>/<n>) even when CHANNEL_ID is numeric. Written by the
// bot (getChat at start, channel updates, a periodic refresh); read by every renderer.

const key = (keys: Keys): string => `${keys.bull}:chat:usernames`;

/** chat id → username, for every channel known to be public. */
export async function readChannelNames(
  redis: RedisClient,
  keys: Keys,
): Promise<Map<string, string>> {
  const all = await redis.hgetall(key(keys));
  const out = new Map<string, string>();
  for (const [id, name] of Object.entries(all)) {
    const clean = cleanUsername(name);
    if (clean) out.set(id, clean);
  }
  return out;
}

/** Records a channel's username, or that it has none (private). True when it changed. */
export async function saveChannelName(
  redis: RedisClient,
  keys: Keys,
  chatId: number,
  username: string | undefined,
): Promise<boolean> {
  const clean = cleanUsername(username);
  const field = String(chatId);
  const old = await redis.hget(key(keys), field);
  if ((old ?? undefined) === clean) return false;
  if (clean) await redis.hset(key(keys), field, clean);
  else await redis.hdel(key(keys), field);
  return true;
}
