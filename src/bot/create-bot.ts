import { sequentialize } from '@grammyjs/runner';
import { Bot, type Middleware } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Services } from '../services.ts';
import { type UpdateStore, UpdateWaitError } from '../store/updates.ts';
import type { BotContext } from './context.ts';
import { createDigestFeature } from './features/digest.ts';
import { createEditorFeatures } from './features/editor-features.ts';
import { createFollowFeature } from './features/follow.ts';
import { createInlineFeature } from './features/inline.ts';
import { createLatestFeature } from './features/latest.ts';
import { createRoutesFeature } from './features/routes.ts';
import { createSearchFeature, createUserLimiter } from './features/search.ts';
import { createSourcesFeature } from './features/sources.ts';
import { createStartFeature } from './features/start.ts';
import { createStatsFeature } from './features/stats.ts';
import { createI18n } from './i18n.ts';
import { createReplyGate } from './reply-gate.ts';

/**
 * Middleware order: error boundary (bot.catch) → i18n (ctx.lang and ctx.t, locales/) →
 * (webhook mode) once and in order across instances → per-chat sequentialize (updates of one
 * chat are handled one after another, which conversations need) → editor features (the
 * /publish conversation first) → sources → subscriber features, whose plain-text search
 * catch-all is last.
 * The reply gate is not middleware: it is an API transformer on bot.api, which grammY copies to
 * every update's ctx.api before the first middleware runs.
 */
export function createBot(
  s: Services,
  opts: { botInfo?: UserFromGetMe; updates?: UpdateStore } = {},
): Bot<BotContext> {
  const bot = new Bot<BotContext>(s.config.BOT_TOKEN ?? '', {
    client: { apiRoot: s.config.TELEGRAM_API_ROOT, timeoutSeconds: 30 },
    botInfo: opts.botInfo,
  });
  // Every reply and edit the bot makes goes through the same Redis rate gate as channel posts
  // (which take the gate in jobs/publish-post.ts on their own Api, so they are not gated twice).
  bot.api.config.use(createReplyGate(s));
  bot.catch((err) => {
    s.logger.error(
      {
        updateId: err.ctx.update.update_id,
        err: err.error instanceof Error ? err.error.message : String(err.error),
      },
      'update failed',
    );
  });
  // Webhook mode: each update once and one chat's updates in order across instances (before the
  // per-process sequentialize, which then never holds a turn another instance waits for).
  if (opts.updates) bot.use(acrossInstances(opts.updates));
  // ctx.lang and ctx.t (context.ts) for everything after it.
  bot.use(createI18n());
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  // Editors: the /publish conversation (which must see an editor's updates first), then the
  // editor commands and review buttons.
  bot.use(createEditorFeatures(s));
  // Sources: /sources, /addsource, /removesource, /pausesource, /resumesource (editors only).
  bot.use(createSourcesFeature(s));
  // Routes: /routes, /route add|remove and their buttons (editors only).
  bot.use(createRoutesFeature(s));
  // Editors' /stats: posts per source and section, top searches, follows, failed sends.
  bot.use(createStatsFeature(s));
  // Subscriber features; search last, as its plain-text catch-all takes any private text left.
  const limit = createUserLimiter(s);
  bot.use(createStartFeature(s));
  bot.use(createLatestFeature(s));
  bot.use(createFollowFeature(s, { limit }));
  // /digest: a subscriber's personal digest of their follows.
  bot.use(createDigestFeature(s));
  bot.use(createInlineFeature(s, { limit }));
  bot.use(createSearchFeature(s, { limit }));
  return bot;
}

/**
 * The update types the bot handles, for getUpdates and setWebhook alike: Telegram then sends
 * nothing else (an empty list would mean every type but chat_member and reactions).
 */
export const UPDATE_TYPES = [
  'message',
  'callback_query',
  'inline_query',
  'chosen_inline_result',
  // The channel's own updates: its username (for post links) is refreshed when it changes.
  'my_chat_member',
  'channel_post',
  'edited_channel_post',
] as const;

/** An update this instance cannot take now: answer non-2xx so Telegram re-delivers it later. */
export class RetryUpdateError extends Error {
  override name = 'RetryUpdateError';
}

/** store/updates.ts: claim the update id, then handle it in its chat's turn. */
export function acrossInstances(updates: UpdateStore): Middleware<BotContext> {
  return async (ctx, next) => {
    const id = ctx.update.update_id;
    const claim = await updates.claim(id).catch((err: unknown) => {
      throw new RetryUpdateError(`claim failed: ${err instanceof Error ? err.message : err}`);
    });
    if (claim === 'done') return;
    if (claim === 'busy') throw new RetryUpdateError(`update ${id} is being handled`);
    await updates
      .run(id, (ctx.chat?.id ?? ctx.from?.id)?.toString(), next)
      .catch((err: unknown) => {
        throw err instanceof UpdateWaitError ? new RetryUpdateError(err.message) : err;
      });
  };
}
