import { Composer } from 'grammy';
import type { User } from 'grammy/types';
import type { EditorCheck } from '../editorial/rights.ts';
import type { Editor } from '../editorial/types.ts';
import { safeLine } from '../text/sanitize.ts';
import type { BotContext } from './context.ts';
import { langOf } from './i18n.ts';

/** An editor as Telegram describes the user; the name is made safe to show. */
export function editorFrom(from: Pick<User, 'id' | 'first_name'> & Partial<User>): Editor {
  const full = [from.first_name, from.last_name].filter((x) => typeof x === 'string').join(' ');
  const name = safeLine(full).slice(0, 64);
  return {
    id: from.id,
    name: name || (from.username ? `@${from.username}` : String(from.id)),
    lang: langOf(from.language_code),
  };
}

/** Whether a chat is the editors' chat (EDITORS_CHAT_ID, by id or @name). */
function isEditorsChat(chat: BotContext['chat'], editorsChat: string | undefined): boolean {
  if (!chat || editorsChat === undefined) return false;
  if (String(chat.id) === editorsChat) return true;
  const name = 'username' in chat ? chat.username : undefined;
  return name !== undefined && `@${name}`.toLowerCase() === editorsChat.toLowerCase();
}

/**
 * Tells a person they are no editor, in their language, where only they see it: a button's
 * answer, their private chat, or the editors' chat. Never a channel or another group (a
 * refusal there would be published to everyone); a channel post has no sender: say nothing.
 */
export async function refuseEditor(ctx: BotContext, editorsChat?: string): Promise<void> {
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: ctx.t.access.editorsOnlyButton, show_alert: true });
    return;
  }
  const from = ctx.from;
  if (!from || ctx.channelPost || ctx.chat?.type === 'channel') return;
  if (ctx.chat?.type === 'private' || isEditorsChat(ctx.chat, editorsChat)) {
    await ctx.reply(ctx.t.access.editorsOnly);
    return;
  }
  // A group that is not the editors' chat: privately, when they ever opened the bot.
  await ctx.api.sendMessage(from.id, ctx.t.access.editorsOnly).catch(() => {});
}

/**
 * Middleware for editor-only commands: everyone else gets a short refusal (refuseEditor) and
 * nothing else runs (nothing is queued). `fresh` for commands that act at once.
 */
export function editorsOnly(
  isEditor: EditorCheck,
  opts: { editorsChat?: string | undefined; fresh?: boolean } = {},
): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(async (ctx, next) => {
    if (await isEditor(ctx.from?.id, { fresh: opts.fresh === true })) return next();
    await refuseEditor(ctx, opts.editorsChat);
  });
  return c;
}
