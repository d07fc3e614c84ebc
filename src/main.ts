import { pathToFileURL } from 'node:url';
import { type RunnerHandle, run } from '@grammyjs/runner';
import type { UserFromGetMe } from 'grammy/types';
import { createBot, UPDATE_TYPES } from './bot/create-bot.ts';
import { createEditorHooks } from './bot/features/editor-features.ts';
import { setSubscriberCommands } from './bot/features/start.ts';
import { type Config, loadConfig, requireTelegram } from './config.ts';
import { startHttpServer } from './http/server.ts';
import { createWebhookRoute, setWebhook, type WebhookRoute } from './http/webhook.ts';
import { createAfterPost } from './jobs/after-post.ts';
import { startWorkers, type Workers } from './jobs/workers.ts';
import { createLogger, type Logger } from './logger.ts';
import { createServices, type Services } from './services.ts';
import { createUpdateStore, type UpdateStore } from './store/updates.ts';

export interface Newsbot {
  services: Services;
  workers?: Workers;
  /** Ordered shutdown: stop updates → finish jobs in flight → close queues → quit Redis. */
  stop(): Promise<void>;
}

/** The composition root: config → logger → services (redis, stores, queues) → bot → workers. */
export async function startNewsbot(
  config: Config,
  logger: Logger,
  opts: { botInfo?: UserFromGetMe } = {},
): Promise<Newsbot> {
  const services = createServices(requireTelegram(config), logger);
  const { botMode } = config;

  // --- Updates: long polling (one instance) or webhook (any number behind one URL) ---
  let runner: RunnerHandle | undefined;
  let webhook: WebhookRoute | undefined;
  let startWebhook: (() => Promise<void>) | undefined;
  let updates: UpdateStore | undefined;
  if (config.ROLE !== 'worker') {
    updates =
      botMode.mode === 'webhook'
        ? createUpdateStore({ redis: services.redis, keys: services.keys })
        : undefined;
    const bot = createBot(services, { botInfo: opts.botInfo, updates });
    await bot.init();
    await setSubscriberCommands(bot.api, logger);
    if (botMode.mode === 'webhook') {
      webhook = createWebhookRoute(bot, botMode, logger);
      startWebhook = async () => {
        await setWebhook(bot.api, botMode);
        logger.info(
          { bot: bot.botInfo.username, path: botMode.path },
          'bot taking updates by webhook',
        );
      };
    } else {
      // getUpdates is refused while a webhook is set (after running in webhook mode); the
      // runner, unlike bot.start(), does not remove it. Pending updates are kept.
      await bot.api.deleteWebhook({ drop_pending_updates: false });
      // Long polls end after 25 s, inside the client's 30 s request timeout (equal values made
      // every idle poll fail as a timeout).
      runner = run(bot, {
        runner: { fetch: { timeout: 25, allowed_updates: [...UPDATE_TYPES] } },
      });
      logger.info({ bot: bot.botInfo.username }, 'bot polling for updates');
    }
  }
  const http =
    config.HTTP_PORT > 0
      ? await startHttpServer(services, config.HTTP_PORT, { webhook })
      : undefined;
  // The route listens before Telegram is told to deliver to it.
  await startWebhook?.();
  // --- end updates ---

  let workers: Workers | undefined;
  if (config.ROLE !== 'bot') {
    const editors = createEditorHooks(services);
    workers = await startWorkers(services, {
      sendToReview: editors.sendToReview,
      // After a post: index → alerts → editors' notice (jobs/after-post.ts).
      afterPost: createAfterPost({ ...services, editorsNotice: editors.afterPost }),
    });
    logger.info({ channels: services.channels }, 'workers started');
  }

  return {
    services,
    workers,
    async stop() {
      // Stop taking updates first. No deleteWebhook: the other instances behind the URL still
      // serve it, and with none left Telegram keeps the updates (24 h) for the next start.
      await webhook?.stop();
      await updates?.drain();
      if (runner?.isRunning()) await runner.stop();
      await workers?.close();
      await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
      await services.close();
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
    requireTelegram(config);
  } catch (err) {
    process.stderr.write(`newsbot: ${err instanceof Error ? err.message : String(err)}\n`);
    process.stderr.write('Set the variables in .env (see .env.example), or try `npm run demo`.\n');
    process.exitCode = 1;
    return;
  }
  const logger = createLogger({
    level: config.LOG_LEVEL,
    secrets: [config.BOT_TOKEN ?? '', config.WEBHOOK_SECRET ?? ''],
  });
  const app = await startNewsbot(config, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => logger.info('stopped'),
      (err: unknown) => {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
