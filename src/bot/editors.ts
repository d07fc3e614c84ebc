import { Composer } from 'grammy';
import type { User } from 'grammy/types';
import type { Editor } from '../editorial/types.ts';
import type { Services } from '../services.ts';
import { safeLine } from '../text/sanitize.ts';
import type { BotContext } from './context.ts';
import { langOf } from './i18n.ts';

const CACHE_SECONDS = 300;

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

/**
 * Who may run the channel: a user listed in EDITOR_IDS, or an administrator of a configured
 * channel with the right to post (getChatMember, cached for five minutes in Redis).
 */
export function createEditorCheck(
  s: Pick<Services, 'api' | 'redis' | 'keys' | 'config' | 'channels' | 'logger'>,
) {
  const allowed = new Set(s.config.EDITOR_IDS);
  return async function isEditor(userId: number | undefined): Promise<boolean> {
    if (userId === undefined) return false;
    if (allowed.has(String(userId))) return true;
    const key = s.keys.editor(userId);
    const cached = await s.redis.get(key);
    if (cached !== null) return cached === '1';
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

/**
 * Middleware for editor-only commands: everyone else gets a short refusal and nothing else
 * runs (nothing is queued).
 */
export function editorsOnly(isEditor: EditorCheck): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.use(async (ctx, next) => {
    if (await isEditor(ctx.from?.id)) return next();
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: ctx.t.access.editorsOnlyButton, show_alert: true });
    } else {
      await ctx.reply(ctx.t.access.editorsOnly);
    }
  });
  return c;
}
