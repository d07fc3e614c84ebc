import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Api, type Bot, BotError, webhookCallback } from 'grammy';
import type { BotContext } from '../bot/context.ts';
import { RetryUpdateError, UPDATE_TYPES } from '../bot/create-bot.ts';
import type { BotMode } from '../config.ts';
import type { Logger } from '../logger.ts';

type WebhookMode = Extract<BotMode, { mode: 'webhook' }>;

/** The webhook route for http/server.ts, and how to stop taking updates on shutdown. */
export interface WebhookRoute {
  path: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** New deliveries get 503 (Telegram re-sends them, to another instance); waits for the rest. */
  stop(): Promise<void>;
}

/**
 * grammY's webhookCallback on node:http. It compares X-Telegram-Bot-Api-Secret-Token with the
 * secret in constant time (node_modules/grammy/out/convenience/webhook.js, compareSecretToken)
 * and answers 401 before reading the body, and answers only after the update was handled, which
 * is what keeps Telegram from sending the chat's next update meanwhile.
 *
 * Timeout: handlers only reply and enqueue (long work is in the queues), so 10 s means something
 * is stuck. onTimeout 'throw' then answers 503: Telegram keeps the update and the chat's later
 * ones and retries; the handler runs on, finishes and marks the update done, and the retry is
 * acknowledged without running it twice (store/updates.ts). 'return' would acknowledge an update
 * that a crash could still lose. Handler errors are logged and answered 200, as polling moves
 * past them: a retry would fail the same way and hold the chat's queue for a day.
 */
export function createWebhookRoute(
  bot: Bot<BotContext>,
  mode: WebhookMode,
  logger: Logger,
  opts: { timeoutMs?: number } = {},
): WebhookRoute {
  const callback = webhookCallback(bot, 'http', {
    secretToken: mode.secret,
    onTimeout: 'throw',
    timeoutMilliseconds: opts.timeoutMs ?? 10_000,
  });
  let stopping = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const retryLater = (res: ServerResponse) => {
    if (res.headersSent) return void res.end();
    res.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain' });
    res.end('retry later\n');
  };

  return {
    path: mode.path,
    handle(req, res) {
      if (req.method !== 'POST') {
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      if (stopping) return retryLater(res);
      inFlight++;
      callback(req, res)
        .catch((err: unknown) => {
          if (err instanceof BotError && !(err.error instanceof RetryUpdateError)) {
            const message = err.error instanceof Error ? err.error.message : String(err.error);
            logger.error({ updateId: err.ctx.update.update_id, err: message }, 'update failed');
            if (!res.headersSent) res.writeHead(200).end();
            return;
          }
          if (err instanceof SyntaxError) {
            res.writeHead(400).end();
            return;
          }
          // A timeout, or the update is busy elsewhere or Redis is unreachable: Telegram retries.
          logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'webhook: 503');
          retryLater(res);
        })
        .finally(() => {
          inFlight--;
          if (inFlight === 0) idle?.();
        });
    },
    async stop() {
      stopping = true;
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
    },
  };
}

/**
 * Points Telegram at the URL. Every instance calls it at start with the same arguments, which
 * Telegram accepts as a no-op; drop_pending_updates false keeps what arrived during a deploy.
 */
export async function setWebhook(api: Api, mode: WebhookMode): Promise<void> {
  await api.setWebhook(mode.url, {
    secret_token: mode.secret,
    max_connections: mode.maxConnections,
    allowed_updates: [...UPDATE_TYPES],
    drop_pending_updates: false,
  });
}
