import { pathToFileURL } from 'node:url';
import { type RunnerHandle, run } from '@grammyjs/runner';
import type { UserFromGetMe } from 'grammy/types';
import { createBot } from './bot/create-bot.ts';
import { createEditorHooks } from './bot/features/editor-features.ts';
import { refreshChannelNames, setCommandMenus } from './bot/features/start.ts';
import { type Config, loadConfig, requireTelegram } from './config.ts';
import { startHttpServer } from './http/server.ts';
import { createAfterPost } from './jobs/after-post.ts';
import { startWorkers, type Workers } from './jobs/workers.ts';
import { createLogger, type Logger } from './logger.ts';
import { createServices, type Services } from './services.ts';

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
  const http = config.HTTP_PORT > 0 ? await startHttpServer(services, config.HTTP_PORT) : undefined;

  let runner: RunnerHandle | undefined;
  let refresh: NodeJS.Timeout | undefined;
  if (config.ROLE !== 'worker') {
    const bot = createBot(services, { botInfo: opts.botInfo });
    await bot.init();
    // Menus by role, and the channels' usernames for post links (asked again periodically).
    await setCommandMenus(bot.api, services.config, logger);
    await refreshChannelNames({ ...services, api: bot.api });
    const every = services.config.CHANNEL_REFRESH_MINUTES * 60_000;
    if (every > 0) {
      refresh = setInterval(() => void refreshChannelNames({ ...services, api: bot.api }), every);
      refresh.unref();
    }
    // Long polls end after 25 s, inside the client's 30 s request timeout (equal values made
    // every idle poll fail as a timeout).
    runner = run(bot, { runner: { fetch: { timeout: 25 } } });
    logger.info({ bot: bot.botInfo.username }, 'bot polling for updates');
  }

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
      clearInterval(refresh);
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
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: [config.BOT_TOKEN ?? ''] });
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
