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
