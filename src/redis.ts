import { Redis, type RedisOptions } from 'ioredis';

/**
 * Redis connections by role (see design.md): workers and blocking consumers wait for Redis to
 * come back (maxRetriesPerRequest: null); request-path producers fail fast instead of queueing
 * commands in memory while Redis is away.
 */
export type RedisRole = 'worker' | 'producer';

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false };
  return new Redis(url, {
    ...options,
    // Reconnect forever with a capped backoff; a restarted Redis is picked up by itself.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
    ...extra,
  });
}

/** True when a Redis answers PING at `url` within `timeoutMs`; never throws, never retries. */
export async function pingRedis(url: string, timeoutMs = 2000): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * Deletes every key under one REDIS_PREFIX (`{prefix}…`, BullMQ's included), in SCAN batches so
 * a large prefix never blocks the server. For throwaway prefixes: the demo's and the tests'.
 */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.unlink(...found);
  } while (cursor !== '0');
}
