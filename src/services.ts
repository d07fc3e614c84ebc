import { Api } from 'grammy';
import type { TelegramConfig } from './config.ts';
import { createEditorCheck } from './editorial/rights.ts';
import { createEditorial, type Editorial } from './editorial/service.ts';
import { createEditorViews } from './editorial/views.ts';
import type { AlertQueue } from './jobs/alerts.ts';
import { createQueues, type Queues } from './jobs/queues.ts';
import { createMessenger, createSender } from './jobs/send.ts';
import { createSources, type Sources } from './jobs/sources.ts';
import type { Logger } from './logger.ts';
import { createStores, type Stores } from './stores.ts';
import { type ArticleBuilder, createBuildPool } from './workers/build-pool.ts';

/**
 * Everything the bot and the workers share: the stores over one Redis connection (stores.ts),
 * the queues and a Bot API client. Built once per process by main.ts; features and processors
 * take what they use.
 */
export interface Services extends Stores {
  config: TelegramConfig;
  logger: Logger;
  api: Api;
  queues: Queues;
  /** The channels posts go to (CHANNEL_ID). */
  channels: readonly string[];
  /** Tells the editors' chat about a problem; a no-op when none is configured. Never throws. */
  notifyEditors: (text: string) => Promise<void>;
  /** The "alerts" queue: follow matching and DMs (jobs/alerts.ts). */
  alerts: AlertQueue;
  /** Feeds and pages polled on schedules (jobs/sources.ts): records, health, "sources" queue. */
  sources: Sources;
  /** The editors' service (editorial/service.ts), shared by the bot and the workers. */
  editorial: Editorial;
  /** buildArticle in worker threads with a time and memory budget (workers/build-pool.ts). */
  builder: ArticleBuilder;
  close(): Promise<void>;
}

export function createServices(config: TelegramConfig, logger: Logger): Services {
  // Worker role: commands wait for a restarted Redis instead of failing the job.
  const stores = createStores(config, {
    role: 'worker',
    onError: (err) => logger.warn({ err: err.message }, 'redis connection error'),
  });
  const { redis, keys } = stores;
  const api = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT, timeoutSeconds: 30 });
  const queues = createQueues({
    connection: redis,
    keys,
    onError: (err) => logger.warn({ err: err.message }, 'queue connection error'),
  });
  const sources = createSources({ redis, keys, config, queue: queues.sources });

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

  const base = {
    ...stores,
    config,
    logger,
    api,
    queues,
    channels: config.CHANNEL_ID,
    notifyEditors,
    alerts: queues.alerts,
    sources,
    builder,
    async close() {
      await builder.close();
      await queues.close();
      await stores.close();
    },
  };
  const editorial = createEditorial({
    ...base,
    sender: createSender(base),
    messenger: createMessenger(base),
    views: createEditorViews(config.TIME_ZONE),
    // Rights are checked when an action takes effect, not from the menus' cache.
    isEditor: createEditorCheck(base),
  });
  return { ...base, editorial };
}
