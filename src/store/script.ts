import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis.ts';

export interface ScriptOptions {
  /**
   * For scripts that build key names inside Lua (undeclared keys, such as the search index's
   * generation keys): names one more key, in the slot of the first, that never exists. While
   * that slot migrates to another master, Redis answers a script naming a missing key with ASK
   * and then TRYAGAIN, so the client retries until the move is done, instead of the script
   * running on the old master and writing keys there that were already moved (Redis redirects
   * declared keys only). The fence goes last: such scripts must not loop over all of KEYS.
   */
  fence?: boolean;
}

/** The hash tag of a key as Redis Cluster reads it: `{…}` with something inside, else the key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open, close + 1) : key;
}

/** A Lua script run by EVALSHA, loaded on first use or after a Redis restart (NOSCRIPT). */
export function defineScript(lua: string, opts: ScriptOptions = {}) {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (
    redis: RedisClient,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> => {
    const first = keys[0];
    const all = opts.fence && first !== undefined ? [...keys, `${hashTag(first)}:fence`] : keys;
    try {
      return await redis.evalsha(sha, all.length, ...all, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, all.length, ...all, ...args);
    }
  };
}
