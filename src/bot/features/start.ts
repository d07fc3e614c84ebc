import { type Api, Composer } from 'grammy';
import type { BotCommand } from 'grammy/types';
import type { Logger } from '../../logger.ts';
import type { Services } from '../../services.ts';
import type { Lang } from '../../store/follows.ts';
import { RLM } from '../../telegram/bidi.ts';
import { escapeHtml } from '../../telegram/html.ts';
import type { BotContext } from '../context.ts';

/** LEFT-TO-RIGHT MARK: leads the lines of English replies, as RLM leads Arabic ones. */
export const LRM = '\u200E';

export type { Lang };

/** Arabic by default; English for users whose Telegram language is English. */
export function langOf(ctx: Pick<BotContext, 'from'>): Lang {
  return ctx.from?.language_code?.toLowerCase().startsWith('en') ? 'en' : 'ar';
}

/** Starts each line with the direction mark of the reply's language (see arabic.md, bidi). */
export function markLines(lang: Lang, lines: string[]): string {
  const mark = lang === 'en' ? LRM : RLM;
  return lines.map((line) => (line === '' ? '' : mark + line)).join('\n');
}

const TEXT = {
  ar: {
    hello: 'أهلاً بك! أنا بوت أخبار',
    channel: (c: string) => `أنشر ملخّصات الأخبار في ${c}، وهنا يمكنك:`,
    lines: [
      '🔎 البحث في الأخبار: اكتب كلمات البحث مباشرة، أو /search ثم الكلمات',
      '🆕 /latest: آخر عشرة أخبار',
      '🔔 /follow ثم كلمات: تنبيه في هذه المحادثة عند نشر خبر يطابقها',
      '📋 /following: متابعاتك، و /unfollow لإلغاء متابعة',
      '💡 ضع العبارة بين علامتي تنصيص لتجدها كما هي: "وزير الدفاع"',
    ],
    inline: (bot: string) => `↗️ في أي محادثة اكتب ${bot} ثم كلمات البحث لمشاركة خبر.`,
    commands: [
      { command: 'search', description: 'البحث في الأخبار' },
      { command: 'latest', description: 'آخر عشرة أخبار' },
      { command: 'follow', description: 'متابعة كلمات وتلقي تنبيه' },
      { command: 'following', description: 'متابعاتك' },
      { command: 'unfollow', description: 'إلغاء متابعة' },
      { command: 'help', description: 'المساعدة' },
    ],
  },
  en: {
    hello: 'Welcome! I am a news bot',
    channel: (c: string) => `I post news summaries in ${c}. Here you can:`,
    lines: [
      '🔎 Search the news: just type your words, or /search followed by them',
      '🆕 /latest: the ten newest articles',
      '🔔 /follow followed by words: an alert in this chat when a matching article is posted',
      '📋 /following: your follows, and /unfollow to remove one',
      '💡 Put a phrase in quotes to find it exactly: "وزير الدفاع"',
    ],
    inline: (bot: string) => `↗️ In any chat, type ${bot} and your words to share an article.`,
    commands: [
      { command: 'search', description: 'Search the news' },
      { command: 'latest', description: 'The ten newest articles' },
      { command: 'follow', description: 'Follow keywords and get alerts' },
      { command: 'following', description: 'Your follows' },
      { command: 'unfollow', description: 'Stop following keywords' },
      { command: 'help', description: 'Help' },
    ],
  },
} as const satisfies Record<Lang, { commands: readonly BotCommand[] } & Record<string, unknown>>;

/** The /start and /help text, HTML. */
export function helpText(lang: Lang, channels: readonly string[], botUsername?: string): string {
  const t = TEXT[lang];
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
    await ctx.reply(helpText(langOf(ctx), s.channels, ctx.me.username), {
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
    await api.setMyCommands([...TEXT.ar.commands], { scope: { type: 'default' } });
    await api.setMyCommands([...TEXT.en.commands], {
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
