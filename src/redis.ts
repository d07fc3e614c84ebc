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

/** Thrown when a dependency did not answer within the start-up time limit. */
export class StartupTimeoutError extends Error {
  override name = 'StartupTimeoutError';
}

export interface WaitLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Calls `attempt` until it succeeds, logging each failure with the next delay (1 s doubling,
 * at most 15 s), and gives up with a StartupTimeoutError at `deadline` (ms since the epoch).
 * `fatal` errors (a wrong token) are thrown at once: waiting cannot fix them.
 */
export async function waitFor<T>(
  what: string,
  attempt: () => Promise<T>,
  opts: {
    logger: WaitLog;
    deadline: number;
    fatal?: (err: unknown) => boolean;
    describe?: (err: unknown) => string;
  },
): Promise<T> {
  const describe = opts.describe ?? ((err) => (err instanceof Error ? err.message : String(err)));
  let delayMs = 1000;
  for (let tries = 1; ; tries++) {
    try {
      const value = await attempt();
      if (tries > 1) opts.logger.info({ what, tries }, `${what} is reachable`);
      return value;
    } catch (err) {
      if (opts.fatal?.(err)) throw err;
      const left = opts.deadline - Date.now();
      if (left <= 0) {
        throw new StartupTimeoutError(
          `${what} did not answer within the start-up time limit (STARTUP_TIMEOUT_SECONDS); last error: ${describe(err)}`,
        );
      }
      const wait = Math.min(delayMs, left);
      opts.logger.warn({ what, tries, retryInMs: wait, err: describe(err) }, `waiting for ${what}`);
      await new Promise((r) => setTimeout(r, wait));
      delayMs = Math.min(delayMs * 2, 15_000);
    }
  }
}

/** Waits until a Redis answers PING at `url` (see waitFor). */
export async function waitForRedis(
  url: string,
  opts: { logger: WaitLog; deadline: number },
): Promise<void> {
  await waitFor(
    'Redis',
    async () => {
      if (!(await pingRedis(url, 2000))) throw new Error('no answer to PING');
    },
    opts,
  );
}

/**
 * Warns (in the JSON logs) when Redis may lose queue data: an eviction policy other than
 * noeviction drops BullMQ's keys under memory pressure, and without AOF a restart loses the
 * writes since the last snapshot. CONFIG may be disabled (managed Redis): then say so once.
 */
export async function checkRedisDurability(redis: Redis, logger: WaitLog): Promise<void> {
  const get = async (name: string): Promise<string | undefined> => {
    const reply = await redis.call('CONFIG', 'GET', name);
    if (!Array.isArray(reply)) return undefined;
    const value = reply[1];
    return typeof value === 'string' ? value : undefined;
  };
  try {
    const policy = await get('maxmemory-policy');
    const aof = await get('appendonly');
    if (policy !== undefined && policy !== 'noeviction') {
      logger.warn(
        { maxmemoryPolicy: policy },
        'Redis maxmemory-policy is not noeviction: under memory pressure Redis may delete queued jobs and records; set maxmemory-policy noeviction',
      );
    }
    if (aof !== undefined && aof !== 'yes') {
      logger.warn(
        { appendonly: aof },
        'Redis AOF is off: a Redis restart loses what was written since the last snapshot; set appendonly yes',
      );
    }
  } catch (err) {
    logger.info(
      { err: err instanceof Error ? err.message : String(err) },
      'could not read the Redis configuration (CONFIG GET); check maxmemory-policy noeviction and appendonly yes yourself',
    );
  }
}
