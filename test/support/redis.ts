import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createRedis, deletePrefix } from '../../src/redis.ts';
import type { Keys } from '../../src/store/keys.ts';
import { createStores, type Stores } from '../../src/stores.ts';

/** A unique key prefix so test files can share one Redis. */
export const testPrefix = (name: string) => `t-${name}-${randomBytes(4).toString('hex')}`;

/** One key prefix of a test file, with the stores over it. */
export interface RedisSpace {
  prefix: string;
  keys: Keys;
  /** Every store (src/stores.ts) at this prefix, on the file's connection. */
  stores: Stores;
  /** REDIS_URL and REDIS_PREFIX, for the CLI or loadConfig. */
  env: { REDIS_URL: string; REDIS_PREFIX: string };
}

export interface TestRedis extends RedisSpace {
  url: string;
  /** The file's connection (worker role). */
  redis: Redis;
  /** Another prefix of its own, deleted with the file's keys after all tests. */
  space(name?: string): RedisSpace;
  /** Every key matching `pattern`, by SCAN. */
  scanKeys(pattern: string): Promise<string[]>;
}

/**
 * Gives a test file (or a describe block: call it inside) its own connection and key prefix,
 * and cleans up after itself: SCAN+UNLINK of its prefixes, then QUIT, after all tests. With
 * `{ each: true }` every test gets a fresh prefix, deleted after that test; prefix, keys, stores
 * and env then name the current test's, so read them inside hooks and tests, not at load time.
 */
export function useRedis(name: string, opts: { each?: boolean } = {}): TestRedis {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = createRedis(url, 'worker');
  redis.on('error', () => {});
  const prefixes: string[] = [];

  const space = (spaceName = name): RedisSpace => {
    const prefix = testPrefix(spaceName);
    prefixes.push(prefix);
    const env = { REDIS_URL: url, REDIS_PREFIX: prefix };
    const stores = createStores(loadConfig(env), { redis });
    return { prefix, keys: stores.keys, stores, env };
  };

  let current = space();
  if (opts.each) {
    beforeEach(() => {
      current = space();
    });
    afterEach(async () => {
      await deletePrefix(redis, current.prefix);
    });
  }
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.quit().catch(() => redis.disconnect());
  });

  return {
    url,
    redis,
    get prefix() {
      return current.prefix;
    },
    get keys() {
      return current.keys;
    },
    get stores() {
      return current.stores;
    },
    get env() {
      return current.env;
    },
    space,
    async scanKeys(pattern) {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        found.push(...batch);
      } while (cursor !== '0');
      return found;
    },
  };
}
