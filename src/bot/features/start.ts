import { type Api, Composer } from 'grammy';
import type { Logger } from '../../logger.ts';
import type { Services } from '../../services.ts';
import { escapeHtml } from '../../telegram/html.ts';
import type { BotContext } from '../context.ts';
import { type Lang, markLines, textsFor } from '../i18n.ts';

/** The /start and /help text, HTML. */
export function helpText(lang: Lang, channels: readonly string[], botUsername?: string): string {
  const t = textsFor(lang).start;
  const channel = channels.filter((c) => c.startsWith('@')).join(' ') || '';
  const lines: string[] = [escapeHtml(t.hello)];
  if (channel) lines.push(escapeHtml(t.channel(channel)));
  for (const line of t.lines) lines.push(escapeHtml(line));
  if (botUsername) lines.push(escapeHtml(t.inline(`@${botUsername}`)));
  return markLines(lang, lines);
}

/** /start and /help, in Arabic or English. */
export function createStartFeature(s: Pick<Services, 'channels'>): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command(['start', 'help'], async (ctx) => {
    await ctx.reply(helpText(ctx.lang, s.channels, ctx.me.username), {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  });
  return c;
}

/**
 * Registers the subscriber commands in the menu: Arabic as the default, English for clients in
 * English. Runs at start-up; a failure is logged, never fatal (the commands work without it).
 */
export async function setSubscriberCommands(api: Api, logger: Logger): Promise<void> {
  try {
    await api.setMyCommands([...textsFor('ar').start.commands], { scope: { type: 'default' } });
    await api.setMyCommands([...textsFor('en').start.commands], {
      scope: { type: 'default' },
      language_code: 'en',
    });
  } catch (err) {
    logger.warn(
      { err: err instanceof Error ? err.message : String(err) },
      'could not register the bot commands',
    );
  }
}
