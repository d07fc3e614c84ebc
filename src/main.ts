import { pathToFileURL } from 'node:url';
import { type RunnerHandle, run } from '@grammyjs/runner';
import { GrammyError, HttpError, type Transformer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { createBot, UPDATE_TYPES } from './bot/create-bot.ts';
import { refreshChannelNames, setCommandMenus } from './bot/features/start.ts';
import { type Config, loadConfig, requireTelegram } from './config.ts';
import { startHttpServer } from './http/server.ts';
import { createWebhookRoute, setWebhook, type WebhookRoute } from './http/webhook.ts';
import { createAfterPost } from './jobs/after-post.ts';
import { startWorkers, type Workers } from './jobs/workers.ts';
import { configSecrets, createLogger, type Logger, routeConsole } from './logger.ts';
import {
  assertRedisMode,
  checkRedisDurability,
  StartupTimeoutError,
  waitFor,
  waitForRedis,
} from './redis.ts';
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
  const telegram = requireTelegram(config);
  // Both waits share one time limit; past it the process exits non-zero (main below).
  const deadline = Date.now() + config.STARTUP_TIMEOUT_SECONDS * 1000;
  await waitForRedis(config, { logger, deadline });
  const services = createServices(telegram, logger);
  try {
    // A single-server client on a cluster node fails later with MOVED: refuse it now, clearly.
    await assertRedisMode(services.redis);
    return await startOn(services, config, logger, { ...opts, deadline });
  } catch (err) {
    await services.close().catch(() => {});
    throw err;
  }
}

async function startOn(
  services: Services,
  config: Config,
  logger: Logger,
  opts: { botInfo?: UserFromGetMe; deadline: number },
): Promise<Newsbot> {
  await checkRedisDurability(services.redis, logger);
  const { botMode } = config;
  let runner: RunnerHandle | undefined;
  let webhook: WebhookRoute | undefined;
  let startWebhook: (() => Promise<void>) | undefined;
  let updates: UpdateStore | undefined;
  let refresh: NodeJS.Timeout | undefined;
  if (config.ROLE !== 'worker') {
    // Our own getMe loop instead of grammY's bot.init(), which retries forever without a word.
    const botInfo =
      opts.botInfo ??
      (await waitFor('Telegram', () => services.api.getMe(), {
        logger,
        deadline: opts.deadline,
        // A wrong token (401, or 404 from Telegram) will not get better by waiting.
        fatal: (err) =>
          err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404),
      }));
    // --- Updates: long polling (one instance) or webhook (any number behind one URL) ---
    updates =
      botMode.mode === 'webhook'
        ? createUpdateStore({ redis: services.redis, keys: services.keys })
        : undefined;
    const bot = createBot(services, { botInfo, updates });
    await bot.init();
    // Menus by role, and the channels' usernames for post links (asked again periodically).
    await setCommandMenus(bot.api, services.config, logger);
    await refreshChannelNames({ ...services, api: bot.api });
    const every = services.config.CHANNEL_REFRESH_MINUTES * 60_000;
    if (every > 0) {
      refresh = setInterval(() => void refreshChannelNames({ ...services, api: bot.api }), every);
      refresh.unref();
    }
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
      bot.api.config.use(logPollFailures(logger));
      // getUpdates is refused while a webhook is set (after running in webhook mode); the
      // runner, unlike bot.start(), does not remove it. Pending updates are kept.
      await bot.api.deleteWebhook({ drop_pending_updates: false });
      // Long polls end after 25 s, inside the client's 30 s request timeout (equal values made
      // every idle poll fail as a timeout). `silent`: the runner would print the failed request
      // with console.error, URL and token included; logPollFailures logs it instead, masked.
      // A fixed 1 s retry: the runner's default doubling has no ceiling.
      runner = run(bot, {
        runner: {
          fetch: { timeout: 25, allowed_updates: [...UPDATE_TYPES] },
          silent: true,
          retryInterval: 1000,
        },
      });
      logger.info({ bot: bot.botInfo.username }, 'bot polling for updates');
    }
  }
  const http =
    config.HTTP_PORT > 0
      ? await startHttpServer(services, {
          port: config.HTTP_PORT,
          host: config.HTTP_HOST,
          metricsToken: config.METRICS_TOKEN,
          ...(webhook ? { webhook } : {}),
        })
      : undefined;
  // The route listens before Telegram is told to deliver to it.
  await startWebhook?.();
  // --- end updates ---

  let workers: Workers | undefined;
  if (config.ROLE !== 'bot') {
    // The editorial service's own hooks: review drafts go to the editors' chat, and whoever
    // published an article hears where it is once posted.
    workers = await startWorkers(services, {
      sendToReview: services.editorial.sendToReview,
      // After a post: index → alerts → editors' notice (jobs/after-post.ts).
      afterPost: createAfterPost({ ...services, editorsNotice: services.editorial.notifyPosted }),
    });
    logger.info({ channels: services.channels }, 'workers started');
  }

  return {
    services,
    workers,
    async stop() {
      clearInterval(refresh);
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

/**
 * Logs failed getUpdates calls (the runner retries them every second, silently): the first
 * failure, then after 2, 4, 8… failures in a row, and once when Telegram answers again.
 */
export function logPollFailures(logger: Logger): Transformer {
  let failures = 0;
  return async (prev, method, payload, signal) => {
    if (method !== 'getUpdates') return prev(method, payload, signal);
    const failed = (detail: string) => {
      failures++;
      if ((failures & (failures - 1)) === 0) {
        logger.warn({ failures, err: detail }, 'cannot fetch updates from Telegram; retrying');
      }
    };
    try {
      const res = await prev(method, payload, signal);
      if (!res.ok) failed(`${res.error_code} ${res.description}`);
      else if (failures > 0) {
        logger.info({ failures }, 'fetching updates from Telegram again');
        failures = 0;
      }
      return res;
    } catch (err) {
      // A poll aborted by runner.stop() is no failure.
      if (!signal?.aborted) failed(describeError(err));
      throw err;
    }
  };
}

/** An error's message with its nested errors' (grammY's HttpError keeps the cause in `error`). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const inner = err instanceof HttpError ? err.error : err.cause;
  return inner === undefined || inner === err
    ? err.message
    : `${err.message}: ${describeError(inner)}`;
}

/**
 * Process-level last resorts: an uncaught exception or unhandled rejection is logged through
 * the masking logger (Node would print it raw, URLs and tokens included) and the process exits
 * with code 1, as Node itself would.
 */
export function installProcessHandlers(logger: Logger): void {
  const die = (what: string) => (err: unknown) => {
    logger.fatal({ err }, what);
    process.exit(1);
  };
  process.on('uncaughtException', die('uncaught exception'));
  process.on('unhandledRejection', die('unhandled promise rejection'));
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
  const logger = createLogger({ level: config.LOG_LEVEL, secrets: configSecrets(config) });
  installProcessHandlers(logger);
  // Libraries that print (BullMQ's Redis warnings) go through the masking logger too.
  routeConsole(logger);
  let app: Newsbot | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Still waiting for Redis or Telegram: nothing is running yet.
    if (!app) process.exit(0);
    app.stop().then(
      () => logger.info('stopped'),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    app = await startNewsbot(config, logger);
  } catch (err) {
    logger.fatal(
      { err },
      err instanceof StartupTimeoutError ? `start-up failed: ${err.message}` : 'start-up failed',
    );
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
