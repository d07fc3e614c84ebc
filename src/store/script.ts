import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis.ts';

/** A Lua script run by EVALSHA, loaded on first use or after a Redis restart (NOSCRIPT). */
export function defineScript(lua: string) {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (
    redis: RedisClient,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}
