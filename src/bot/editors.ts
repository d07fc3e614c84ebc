import { Composer } from 'grammy';
import type { User } from 'grammy/types';
import type { Editor } from '../editorial/types.ts';
import type { Services } from '../services.ts';
import { stripUnsafeChars } from '../text/sanitize.ts';
import type { BotContext } from './context.ts';

// Only for showing menus and commands: every action that takes effect asks Telegram afresh
// ({ fresh: true }), so a demoted admin loses the right at once, not minutes later.
const CACHE_SECONDS = 60;

/** An editor as Telegram describes the user; the name is made safe to show. */
export function editorFrom(from: Pick<User, 'id' | 'first_name'> & Partial<User>): Editor {
  const full = [from.first_name, from.last_name].filter((x) => typeof x === 'string').join(' ');
  const name = stripUnsafeChars(full).replace(/\s+/g, ' ').trim().slice(0, 64);
  return {
    id: from.id,
    name: name || (from.username ? `@${from.username}` : String(from.id)),
    lang: from.language_code?.toLowerCase().startsWith('en') ? 'en' : 'ar',
  };
}

/**
 * Who may run the channel: a user listed in EDITOR_IDS, or an administrator of a configured
 * channel with the right to post (getChatMember). Menus may use the answer cached for a minute
 * in Redis; `{ fresh: true }` (Publish, Approve, Unpublish, Edit, source changes) always asks
 * Telegram, and a failed question means no.
 */
export function createEditorCheck(
  s: Pick<Services, 'api' | 'redis' | 'keys' | 'config' | 'channels' | 'logger'>,
) {
  const allowed = new Set(s.config.EDITOR_IDS);
  return async function isEditor(
    userId: number | undefined,
    opts: { fresh?: boolean } = {},
  ): Promise<boolean> {
    if (userId === undefined) return false;
    if (allowed.has(String(userId))) return true;
    const key = s.keys.editor(userId);
    if (!opts.fresh) {
      const cached = await s.redis.get(key);
      if (cached !== null) return cached === '1';
    }
    let admin = false;
    for (const channel of s.channels) {
      try {
        const member = await s.api.getChatMember(channel, userId);
        if (
          member.status === 'creator' ||
          (member.status === 'administrator' && member.can_post_messages === true)
        ) {
          admin = true;
          break;
        }
      } catch (err) {
        // Not a member, or the channel is unreachable: not an editor by this channel.
        s.logger.debug(
          { err: err instanceof Error ? err.message : String(err) },
          'getChatMember failed',
        );
      }
    }
    await s.redis.set(key, admin ? '1' : '0', 'EX', CACHE_SECONDS);
    return admin;
  };
}

export type EditorCheck = ReturnType<typeof createEditorCheck>;

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
