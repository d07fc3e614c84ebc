import type { RedisOptions } from 'ioredis';
import type { Config } from './config.ts';
import { createRedisClient, type RedisClient, type RedisRole } from './redis.ts';
import { type ArticleStore, createArticleStore } from './store/articles.ts';
import { type AuditLog, createAuditLog } from './store/audit.ts';
import { createDedupe, type Dedupe } from './store/dedupe.ts';
import { createDigestStore, type DigestStore } from './store/digests.ts';
import { createFollowStore, type FollowStore } from './store/follows.ts';
import { createKeys, type Keys } from './store/keys.ts';
import { createPostStore, type PostStore } from './store/posts.ts';
import { createRateGate, type RateGate } from './store/rate-gate.ts';
import { createRouteStore, type RouteStore } from './store/routes.ts';
import { createSearchIndex, type SearchIndex } from './store/search-index.ts';
import { createSourceStore, type SourceStore } from './store/sources.ts';

/** The variables the stores read; no token needed, so the CLI and tests can build them. */
export type StoresConfig = Pick<
  Config,
  | 'REDIS_URL'
  | 'REDIS_CLUSTER_NODES'
  | 'REDIS_PREFIX'
  | 'SEND_RATE_PER_SECOND'
  | 'CHANNEL_RATE_PER_MINUTE'
  | 'PRIVATE_RATE_PER_MINUTE'
  | 'DEDUPE_WINDOW_HOURS'
  | 'PAID_BROADCAST_PER_SECOND'
>;

export interface StoresOptions {
  /** Connection role (redis.ts): 'worker' (the default) waits for Redis; 'producer' fails fast. */
  role?: RedisRole;
  /** Extra ioredis options for the connection this builds (the CLI connects lazily). */
  redisOptions?: RedisOptions;
  /** Use this connection instead of opening one; close() then leaves it open for its owner. */
  redis?: RedisClient;
  /** Connection errors (ioredis logs unhandled ones to stderr); ignored by default. */
  onError?: (err: Error) => void;
}

/** The Redis connection, the key map and every repository over them. */
export interface Stores {
  /** One Redis, or a Redis Cluster when REDIS_CLUSTER_NODES is set (redis.ts). */
  redis: RedisClient;
  keys: Keys;
  articles: ArticleStore;
  posts: PostStore;
  gate: RateGate;
  dedupe: Dedupe;
  /** Keyword search over posted articles (store/search-index.ts). */
  search: SearchIndex;
  /** Subscribers' keyword follows (store/follows.ts). */
  follows: FollowStore;
  /** Editors' actions (store/audit.ts). */
  audit: AuditLog;
  /** Source records and health; jobs/sources.ts adds the poll schedules on top. */
  sourceStore: SourceStore;
  /** Routes to targets and the digests' waiting stories (store/routes.ts, store/digests.ts). */
  routes: RouteStore;
  digestStore: DigestStore;
  /** Quits the connection if this built it. */
  close(): Promise<void>;
}

/** One place that opens Redis and builds the stores: services, the CLI and tests all use it. */
export function createStores(config: StoresConfig, opts: StoresOptions = {}): Stores {
  const own = opts.redis === undefined;
  const redis = opts.redis ?? createRedisClient(config, opts.role ?? 'worker', opts.redisOptions);
  if (own) redis.on('error', opts.onError ?? (() => {}));
  const keys = createKeys(config.REDIS_PREFIX);
  return {
    redis,
    keys,
    articles: createArticleStore({ redis, keys }),
    posts: createPostStore({ redis, keys }),
    gate: createRateGate({
      redis,
      keys,
      limits: {
        globalPerSecond: config.SEND_RATE_PER_SECOND,
        chatPerMinute: config.CHANNEL_RATE_PER_MINUTE,
        privatePerMinute: config.PRIVATE_RATE_PER_MINUTE,
        paidPerSecond: config.PAID_BROADCAST_PER_SECOND,
      },
    }),
    dedupe: createDedupe({ redis, keys, windowMs: config.DEDUPE_WINDOW_HOURS * 3_600_000 }),
    search: createSearchIndex({ redis, keys }),
    follows: createFollowStore({ redis, keys }),
    audit: createAuditLog({ redis, keys }),
    sourceStore: createSourceStore({ redis, keys }),
    routes: createRouteStore({ redis, keys }),
    digestStore: createDigestStore({ redis, keys }),
    async close() {
      if (own) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
