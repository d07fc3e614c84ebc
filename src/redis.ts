import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/**
 * Redis connections by role (see design.md): workers and blocking consumers wait for Redis to
 * come back (maxRetriesPerRequest: null); request-path producers fail fast instead of queueing
 * commands in memory while Redis is away.
 */
export type RedisRole = 'worker' | 'producer';

/**
 * The connection every store, job and BullMQ queue takes: one Redis, or a Redis Cluster when
 * REDIS_CLUSTER_NODES is set. Every key carries one `{prefix}` hash tag (store/keys.ts), so
 * multi-key scripts and transactions stay within one slot on a cluster.
 */
export type RedisClient = Redis | Cluster;

/** One node of a cluster to start from (REDIS_CLUSTER_NODES); the client discovers the rest. */
export interface ClusterNodeAddress {
  host: string;
  port: number;
}

/** Where Redis is: the single server's URL, or the startup nodes of a cluster (which then wins). */
export interface RedisTarget {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: readonly ClusterNodeAddress[];
}

export function createRedis(url: string, role: RedisRole, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    ...roleOptions(role),
    // Reconnect forever with a capped backoff; a restarted Redis is picked up by itself.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
    ...extra,
  });
}

function roleOptions(role: RedisRole): RedisOptions {
  return role === 'worker'
    ? { maxRetriesPerRequest: null }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false };
}

/**
 * An ioredis Cluster with the same roles. It follows MOVED and ASK replies (a slot moved to
 * another master, a failover), which a plain Redis client turns into errors. Options meant for
 * one connection (`extra`) are mapped to their cluster-level names where they differ.
 */
export function createCluster(
  nodes: readonly ClusterNodeAddress[],
  role: RedisRole,
  extra: RedisOptions = {},
): Cluster {
  const { lazyConnect, retryStrategy, enableOfflineQueue, ...perNode } = {
    ...roleOptions(role),
    ...extra,
  };
  const options: ClusterOptions = {
    lazyConnect: lazyConnect ?? false,
    enableOfflineQueue: enableOfflineQueue ?? true,
    // Reconnect forever with a capped backoff, as createRedis does; null gives up (the CLI).
    clusterRetryStrategy:
      typeof retryStrategy === 'function'
        ? (times) => retryStrategy(times) ?? null
        : (times) => Math.min(times * 200, 2000),
    // A failed-over or restarted node is retried instead of dropped from the pool for good.
    clusterNodeRetryStrategy: (times) => Math.min(times * 200, 2000),
    // After a failover the new owner of a slot can take a moment to be known by every node.
    retryDelayOnMoved: 50,
    retryDelayOnFailover: 200,
    // A slot in migration answers TRYAGAIN to multi-key commands (and fenced scripts) until it
    // has moved: 100 ms × 120 redirections waits out a move of about 12 s before failing.
    retryDelayOnTryAgain: 100,
    maxRedirections: 120,
    slotsRefreshInterval: 2000,
    redisOptions: perNode,
  };
  return new Cluster([...nodes], options);
}

/** A cluster client when the target names cluster nodes, else a single-server client. */
export function createRedisClient(
  target: RedisTarget,
  role: RedisRole,
  extra: RedisOptions = {},
): RedisClient {
  const nodes = target.REDIS_CLUSTER_NODES ?? [];
  return nodes.length > 0
    ? createCluster(nodes, role, extra)
    : createRedis(target.REDIS_URL, role, extra);
}

/** Names the target for messages: the cluster's startup nodes or the URL's host (no password). */
export function describeTarget(target: RedisTarget): string {
  const nodes = target.REDIS_CLUSTER_NODES ?? [];
  if (nodes.length > 0) return `cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
  try {
    return new URL(target.REDIS_URL).host;
  } catch {
    return 'REDIS_URL';
  }
}

export class RedisModeError extends Error {
  override name = 'RedisModeError';
}

/**
 * Refuses a single-server client pointed at a node of a Redis Cluster: it would work until it
 * hit a slot that node does not own and then fail on every command (MOVED). Run at start, so
 * the operator reads what to set instead of a stream of MOVED errors.
 */
export async function assertRedisMode(redis: RedisClient): Promise<void> {
  if (redis instanceof Cluster) return;
  const info = await redis.info('cluster');
  if (/^cluster_enabled:1\s*$/m.test(info)) {
    const { host, port } = redis.options;
    throw new RedisModeError(
      `Redis at ${host}:${port} is a node of a Redis Cluster (cluster_enabled:1): ` +
        'set REDIS_CLUSTER_NODES=host:port,… to its nodes instead of REDIS_URL alone',
    );
  }
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
 * Every key matching `pattern`, in SCAN batches so the server is never blocked. On a cluster
 * each master is scanned (SCAN sees one node's keys only), so keys mid-migration are found too.
 */
export async function* scanKeys(redis: RedisClient, pattern: string): AsyncGenerator<string[]> {
  // A cluster client knows its masters once connected: a first command waits for that.
  if (redis instanceof Cluster) await redis.ping();
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (batch.length > 0) yield batch;
    } while (cursor !== '0');
  }
}

/**
 * Deletes every key under one REDIS_PREFIX (`{prefix}…`, BullMQ's included), in SCAN batches so
 * a large prefix never blocks the server. For throwaway prefixes: the demo's and the tests'.
 */
export async function deletePrefix(redis: RedisClient, prefix: string): Promise<void> {
  for await (const found of scanKeys(redis, `{${prefix}}*`)) {
    // One key at a time on a cluster: keys of a slot in migration may sit on two nodes.
    if (redis instanceof Cluster) await Promise.all(found.map((key) => redis.unlink(key)));
    else await redis.unlink(...found);
  }
}

/**
 * A JSON key-value storage with a TTL (read/write/delete), the shape grammY's storage adapters
 * have. @grammyjs/storage-redis only accepts a single-server client; this takes a cluster too.
 */
export function createJsonStorage<T>(redis: RedisClient, ttlSeconds?: number) {
  return {
    async read(key: string): Promise<T | undefined> {
      const json = await redis.get(key);
      return json === null ? undefined : (JSON.parse(json) as T);
    },
    async write(key: string, value: T): Promise<void> {
      const json = JSON.stringify(value);
      if (ttlSeconds === undefined) await redis.set(key, json);
      else await redis.set(key, json, 'EX', ttlSeconds);
    },
    async delete(key: string): Promise<void> {
      await redis.del(key);
    },
  };
}

// Replies a cluster gives while a slot moves or fails over; a transaction that got one was not
// applied (EXEC is all or nothing), so running it again is safe.
const SLOT_MOVING = /^(TRYAGAIN|ASK|MOVED|CLUSTERDOWN)\b|EXECABORT|Too many Cluster redirections/;

/**
 * Runs `fn` (a MULTI … EXEC) again while the cluster answers that its slot is moving. ioredis
 * retries single commands and scripts itself, but not a transaction whose queued commands got
 * different replies. On a single Redis it runs `fn` once.
 */
export async function retryWhileSlotMoves<T>(
  redis: RedisClient,
  fn: () => Promise<T>,
  { attempts = 100, delayMs = 100 } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const moving =
        redis instanceof Cluster && err instanceof Error && SLOT_MOVING.test(err.message);
      if (!moving || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
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
  target: RedisTarget,
  opts: { logger: WaitLog; deadline: number },
): Promise<void> {
  // A cluster is there when one of its startup nodes answers; the client finds the rest.
  const nodes = target.REDIS_CLUSTER_NODES ?? [];
  const urls =
    nodes.length > 0 ? nodes.map((n) => `redis://${n.host}:${n.port}`) : [target.REDIS_URL];
  await waitFor(
    'Redis',
    async () => {
      for (const url of urls) if (await pingRedis(url, 2000)) return;
      throw new Error('no answer to PING');
    },
    opts,
  );
}

/**
 * Warns (in the JSON logs) when Redis may lose queue data: an eviction policy other than
 * noeviction drops BullMQ's keys under memory pressure, and without AOF a restart loses the
 * writes since the last snapshot. CONFIG may be disabled (managed Redis): then say so once.
 */
export async function checkRedisDurability(redis: RedisClient, logger: WaitLog): Promise<void> {
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
