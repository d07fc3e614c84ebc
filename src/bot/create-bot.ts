import { sequentialize } from '@grammyjs/runner';
import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Services } from '../services.ts';
import type { BotContext } from './context.ts';
import { createEditorFeatures } from './features/editor-features.ts';
import { createFollowFeature } from './features/follow.ts';
import { createInlineFeature } from './features/inline.ts';
import { createLatestFeature } from './features/latest.ts';
import { createSearchFeature, createUserLimiter } from './features/search.ts';
import { createSourcesFeature } from './features/sources.ts';
import { createStartFeature } from './features/start.ts';
import { createStatsFeature } from './features/stats.ts';
import { createI18n } from './i18n.ts';
import { createReplyGate } from './reply-gate.ts';

/**
 * Middleware order: error boundary → per-chat sequentialize (updates of one chat are handled
 * one after another, which conversations need) → editor features (the /publish conversation
 * first) → sources → subscriber features, whose plain-text search catch-all is last.
 * The reply gate is not middleware: it is an API transformer on bot.api, which grammY copies to
 * every update's ctx.api before the first middleware runs.
 */
export function createBot(s: Services, opts: { botInfo?: UserFromGetMe } = {}): Bot<BotContext> {
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
  // ctx.lang and ctx.t (context.ts) for everything after it.
  bot.use(createI18n());
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  // Editors: the /publish conversation (which must see an editor's updates first), then the
  // editor commands and review buttons.
  bot.use(createEditorFeatures(s));
  // Sources: /sources, /addsource, /removesource, /pausesource, /resumesource (editors only).
  bot.use(createSourcesFeature(s));
  bot.use(createStatsFeature(s));
  // Subscriber features; search last, as its plain-text catch-all takes any private text left.
  const limit = createUserLimiter(s);
  bot.use(createStartFeature(s));
  bot.use(createLatestFeature(s));
  bot.use(createFollowFeature(s, { limit }));
  bot.use(createInlineFeature(s, { limit }));
  bot.use(createSearchFeature(s, { limit }));
  return bot;
}
