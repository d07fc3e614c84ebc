import { type Api, Composer, InlineKeyboard } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { createEditorCheck, type EditorCheck } from '../../editorial/rights.ts';
import type { Logger } from '../../logger.ts';
import type { Services } from '../../services.ts';
import { readChannelNames, saveChannelName } from '../../store/channel-names.ts';
import { createReaderStats, type ReaderStats } from '../../store/reader-stats.ts';
import { isolate } from '../../telegram/bidi.ts';
import { escapeHtml } from '../../telegram/html.ts';
import { mainTopic, parseFollowPayload } from '../../telegram/topic.ts';
import { callbackData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { type Lang, markLines, textsFor } from '../i18n.ts';
import { articleLines, cutText, describeArticles, queryWords } from './search.ts';

// /start and /help by role (subscribers; editors see their commands too), the command menus
// per scope, the deep link from a channel post's follow button (/start f_<article id>), and
// the channels' public usernames (getChat) that make post links open for everyone.

/** Articles "more on this" lists. */
const MORE_COUNT = 5;
/** How long a per-editor menu counts as set (it is set again after, in case it was lost). */
const MENU_TTL_SECONDS = 86_400;

/** The /start and /help text, HTML. */
export function helpText(
  lang: Lang,
  channels: readonly string[],
  botUsername?: string,
  editor = false,
): string {
  const t = textsFor(lang).start;
  const channel = channels.filter((c) => c.startsWith('@')).join(' ') || '';
  const lines: string[] = [escapeHtml(t.hello)];
  if (channel) lines.push(escapeHtml(t.channel(channel)));
  for (const line of t.lines) lines.push(escapeHtml(line));
  if (botUsername) lines.push(escapeHtml(t.inline(`@${botUsername}`)));
  if (editor) lines.push('', escapeHtml(t.editorHello), ...t.editorLines.map(escapeHtml));
  return markLines(lang, lines);
}

const LANGS: readonly Lang[] = ['ar', 'en'];

/** Arabic as the scope's default menu, English for clients in English. */
async function setMenu(
  api: Api,
  scope: Parameters<Api['setMyCommands']>[1] extends infer O
    ? O extends { scope?: infer S }
      ? S
      : never
    : never,
  pick: (lang: Lang) => readonly BotCommand[],
): Promise<void> {
  for (const lang of LANGS) {
    await api.setMyCommands([...pick(lang)], {
      scope,
      ...(lang === 'en' ? { language_code: 'en' } : {}),
    });
  }
}

/** A person's menu: the editors' set in their private chat. */
export async function setEditorMenu(api: Api, userId: number): Promise<void> {
  await setMenu(api, { type: 'chat', chat_id: userId }, (l) => textsFor(l).start.editorCommands);
}

/**
 * Registers the command menus at start-up: the subscribers' commands as the default and for
 * all private chats, the editors' set for each editor in EDITOR_IDS (BotCommandScopeChat; an
 * editor who never opened the bot gets it at their first /start or /help instead) and for
 * the editors' chat. A failure is logged, never fatal: the commands work without a menu.
 */
export async function setCommandMenus(
  api: Api,
  config: { EDITOR_IDS: readonly string[]; EDITORS_CHAT_ID?: string | undefined },
  logger: Logger,
): Promise<void> {
  const warn = (err: unknown, what: string) =>
    logger.warn({ err: err instanceof Error ? err.message : String(err), what }, 'menu not set');
  try {
    const subscribers = (l: Lang) => textsFor(l).start.commands;
    await setMenu(api, { type: 'default' }, subscribers);
    await setMenu(api, { type: 'all_private_chats' }, subscribers);
  } catch (err) {
    warn(err, 'subscribers');
  }
  for (const id of config.EDITOR_IDS) {
    try {
      await setEditorMenu(api, Number(id));
    } catch (err) {
      warn(err, `editor ${id}`);
    }
  }
  if (config.EDITORS_CHAT_ID) {
    try {
      await setMenu(
        api,
        { type: 'chat', chat_id: config.EDITORS_CHAT_ID },
        (l) => textsFor(l).start.groupCommands,
      );
    } catch (err) {
      warn(err, 'editors chat');
    }
  }
}

/** The subscriber menus only (kept for callers of the first version). */
export async function setSubscriberCommands(api: Api, logger: Logger): Promise<void> {
  await setCommandMenus(api, { EDITOR_IDS: [] }, logger);
}

/**
 * Asks Telegram for each channel's public username (getChat) and records it, so links to posts
 * use t.me/<username>/<n>; a private channel keeps t.me/c/…. Returns the channels' numeric ids.
 */
export async function refreshChannelNames(
  s: Pick<Services, 'redis' | 'keys' | 'channels' | 'logger'> & { api: Api },
): Promise<number[]> {
  const ids: number[] = [];
  for (const channel of s.channels) {
    try {
      const chat = await s.api.getChat(channel);
      ids.push(chat.id);
      const username = 'username' in chat ? chat.username : undefined;
      if (await saveChannelName(s.redis, s.keys, chat.id, username)) {
        s.logger.info({ channel, username: username ?? null }, 'channel username recorded');
      }
    } catch (err) {
      s.logger.warn(
        { channel, err: err instanceof Error ? err.message : String(err) },
        'getChat failed; post links keep their last known form',
      );
    }
  }
  return ids;
}

export function createStartFeature(
  s: Pick<
    Services,
    | 'channels'
    | 'articles'
    | 'posts'
    | 'search'
    | 'follows'
    | 'redis'
    | 'keys'
    | 'config'
    | 'logger'
    | 'api'
  >,
  deps: { isEditor?: EditorCheck; stats?: ReaderStats } = {},
): Composer<BotContext> {
  const isEditor = deps.isEditor ?? createEditorCheck(s);
  const stats = deps.stats ?? createReaderStats({ ...s, timeZone: s.config.TIME_ZONE });
  const c = new Composer<BotContext>();

  /** The topic of the article a deep link names, or undefined when it is not ours. */
  async function topicOf(articleId: string) {
    const article = await s.articles.get(articleId);
    const topic = article ? mainTopic(article) : undefined;
    return article && topic ? { article, topic } : undefined;
  }

  async function help(ctx: BotContext): Promise<void> {
    const editor = ctx.chat?.type === 'private' && (await isEditor(ctx.from?.id));
    if (editor && ctx.from) {
      // Admins of the channel are editors without being in EDITOR_IDS: their menu is set here.
      const key = `${s.keys.bull}:menu:${ctx.from.id}`;
      if ((await s.redis.set(key, '1', 'EX', MENU_TTL_SECONDS, 'NX')) === 'OK') {
        await setEditorMenu(ctx.api, ctx.from.id).catch(() => s.redis.del(key));
      }
    }
    await ctx.reply(helpText(ctx.lang, s.channels, ctx.me.username, editor), {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  }

  c.command('help', help);
  c.command('start', async (ctx) => {
    const payload = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (payload === '' || payload === 'help' || ctx.chat.type !== 'private') return help(ctx);
    const t = ctx.t.start;
    const articleId = parseFollowPayload(payload);
    const found = articleId ? await topicOf(articleId) : undefined;
    if (!found) {
      await ctx.reply(markLines(ctx.lang, [escapeHtml(t.badPayload)]), { parse_mode: 'HTML' });
      return;
    }
    const { article, topic } = found;
    const keyboard = new InlineKeyboard()
      .text(t.followButton, callbackData.encode({ kind: 'topicFollow', articleId: article.id }))
      .row()
      .text(t.moreButton, callbackData.encode({ kind: 'topicMore', articleId: article.id }));
    await ctx.reply(
      markLines(ctx.lang, [
        t.topic(`<b>${escapeHtml(isolate(topic))}</b>`),
        escapeHtml(isolate(cutText(article.title, 200))),
      ]),
      { parse_mode: 'HTML', reply_markup: keyboard },
    );
  });

  c.use(
    callbackData.on('topicFollow', async (ctx) => {
      const found = await topicOf(ctx.callbackData.articleId);
      if (!found) {
        await ctx.answerCallbackQuery({ text: ctx.t.start.badPayload, show_alert: true });
        return;
      }
      const t = ctx.t.follow;
      const res = await s.follows.add(ctx.from.id, found.topic, ctx.lang);
      const shown = escapeHtml(isolate(cutText(found.topic, 80)));
      let line: string;
      if (res.ok) {
        await stats.followed();
        line = t.added(shown, (await s.follows.list(ctx.from.id)).length);
      } else if (res.reason === 'exists') line = t.exists(shown);
      else if (res.reason === 'limit') line = escapeHtml(t.limit);
      else line = escapeHtml(t.common);
      await ctx.answerCallbackQuery();
      await ctx.reply(markLines(ctx.lang, [line]), { parse_mode: 'HTML' });
    }),
  );

  c.use(
    callbackData.on('topicMore', async (ctx) => {
      const found = await topicOf(ctx.callbackData.articleId);
      await ctx.answerCallbackQuery();
      if (!found) return;
      const lang = ctx.lang;
      const result = await s.search.search(found.topic, { limit: MORE_COUNT });
      const rows = await describeArticles(s, result.hits, queryWords(found.topic));
      const lines = [ctx.t.start.moreHeader(`<b>${escapeHtml(isolate(found.topic))}</b>`)];
      rows.forEach((row, i) => {
        lines.push(
          '',
          ...articleLines(row, i + 1, lang, s.config.TIME_ZONE, ctx.t.search.untitled),
        );
      });
      await ctx.reply(markLines(lang, lines), {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
      });
    }),
  );

  // A channel update carries the channel's current username: a rename shows up here before
  // the next periodic refresh.
  c.on(['my_chat_member', 'channel_post', 'edited_channel_post'], async (ctx, next) => {
    const chat = ctx.chat;
    if (chat?.type === 'channel') {
      const known = await readChannelNames(s.redis, s.keys);
      const ours =
        known.has(String(chat.id)) ||
        s.channels.includes(String(chat.id)) ||
        (chat.username !== undefined && s.channels.includes(`@${chat.username}`));
      if (ours && (await saveChannelName(s.redis, s.keys, chat.id, chat.username))) {
        s.logger.info(
          { chat: chat.id, username: chat.username ?? null },
          'channel username changed',
        );
      }
    }
    return next();
  });

  return c;
}
