import { Api } from 'grammy';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { type AlertQueue, createAlertQueue } from './jobs/alerts.ts';
import { createQueues, type Queues } from './jobs/queues.ts';
import { createSources, type Sources } from './jobs/sources.ts';
import type { Logger } from './logger.ts';
import { createRedis } from './redis.ts';
import { type ArticleStore, createArticleStore } from './store/articles.ts';
import { createDedupe, type Dedupe } from './store/dedupe.ts';
import { createFollowStore, type FollowStore } from './store/follows.ts';
import { createKeys, type Keys } from './store/keys.ts';
import { createPostStore, type PostStore } from './store/posts.ts';
import { createRateGate, type RateGate } from './store/rate-gate.ts';
import { createSearchIndex, type SearchIndex } from './store/search-index.ts';
import { type ArticleBuilder, createBuildPool } from './workers/build-pool.ts';

/**
 * Everything the bot and the workers share: one Redis connection, the stores, the queues and
 * a Bot API client. Built once per process by main.ts; features and processors take what they use.
 */
export interface Services {
  config: Config;
  logger: Logger;
  redis: Redis;
  keys: Keys;
  api: Api;
  queues: Queues;
  articles: ArticleStore;
  posts: PostStore;
  gate: RateGate;
  dedupe: Dedupe;
  /** The channels posts go to (CHANNEL_ID). */
  channels: readonly string[];
  /** Tells the editors' chat about a problem; a no-op when none is configured. Never throws. */
  notifyEditors: (text: string) => Promise<void>;
  /** Keyword search over posted articles (store/search-index.ts). */
  search: SearchIndex;
  /** Subscribers' keyword follows (store/follows.ts). */
  follows: FollowStore;
  /** The "alerts" queue: follow matching and DMs (jobs/alerts.ts). */
  alerts: AlertQueue;
  /** Feeds and pages polled on schedules (jobs/sources.ts): records, health, "sources" queue. */
  sources: Sources;
  /** buildArticle in worker threads with a time and memory budget (workers/build-pool.ts). */
  builder: ArticleBuilder;
  close(): Promise<void>;
}

export function createServices(config: Config & { BOT_TOKEN: string }, logger: Logger): Services {
  const keys = createKeys(config.REDIS_PREFIX);
  // Worker role: commands wait for a restarted Redis instead of failing the job.
  const redis = createRedis(config.REDIS_URL, 'worker');
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const api = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT, timeoutSeconds: 30 });
  const queues = createQueues({
    connection: redis,
    keys,
    onError: (err) => logger.warn({ err: err.message }, 'queue connection error'),
  });
  const alerts = createAlertQueue({
    connection: redis,
    keys,
    onError: (err) => logger.warn({ err: err.message }, 'queue connection error'),
  });
  const sources = createSources({
    redis,
    keys,
    config,
    onError: (err) => logger.warn({ err: err.message }, 'queue connection error'),
  });

  const editorsChat = config.EDITORS_CHAT_ID;
  const notifyEditors = async (text: string) => {
    if (!editorsChat) return;
    try {
      // One notice per text an hour, so a broken channel does not flood the editors.
      const key = keys.rate(`notice:${text.slice(0, 200)}`);
      if ((await redis.set(key, '1', 'EX', 3600, 'NX')) === 'OK') {
        await api.sendMessage(editorsChat, text);
      }
    } catch (err) {
      logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'could not notify editors',
      );
    }
  };

  // Threads start on the first build, so a process that builds nothing pays nothing.
  const builder = createBuildPool({
    threads: config.BUILD_THREADS,
    timeoutMs: config.BUILD_TIMEOUT_MS,
    maxMemoryMb: config.BUILD_MEMORY_MB,
    logger,
  });

  return {
    config,
    logger,
    redis,
    keys,
    api,
    queues,
    articles: createArticleStore({ redis, keys }),
    posts: createPostStore({ redis, keys }),
    gate: createRateGate({
      redis,
      keys,
      limits: {
        globalPerSecond: config.SEND_RATE_PER_SECOND,
        chatPerMinute: config.CHANNEL_RATE_PER_MINUTE,
        privatePerMinute: config.PRIVATE_RATE_PER_MINUTE,
      },
    }),
    dedupe: createDedupe({ redis, keys, windowMs: config.DEDUPE_WINDOW_HOURS * 3_600_000 }),
    channels: config.CHANNEL_ID,
    notifyEditors,
    search: createSearchIndex({ redis, keys }),
    follows: createFollowStore({ redis, keys }),
    alerts,
    sources,
    builder,
    async close() {
      await builder.close();
      await queues.close();
      await alerts.close();
      await sources.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
