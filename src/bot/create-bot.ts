import { sequentialize } from '@grammyjs/runner';
import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Services } from '../services.ts';
import type { BotContext } from './context.ts';

/**
 * Middleware order: error boundary → per-chat sequentialize (updates of one chat are handled
 * one after another, which conversations need) → features → catch-all.
 */
export function createBot(s: Services, opts: { botInfo?: UserFromGetMe } = {}): Bot<BotContext> {
  const bot = new Bot<BotContext>(s.config.BOT_TOKEN ?? '', {
    client: { apiRoot: s.config.TELEGRAM_API_ROOT, timeoutSeconds: 30 },
    botInfo: opts.botInfo,
  });
  bot.catch((err) => {
    s.logger.error(
      {
        updateId: err.ctx.update.update_id,
        err: err.error instanceof Error ? err.error.message : String(err.error),
      },
      'update failed',
    );
  });
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  return bot;
}
