import { sequentialize } from '@grammyjs/runner';
import { Composer } from 'grammy';
import type { Services } from '../../services.ts';
import type { BotContext } from '../context.ts';
import {
  createEditorConversations,
  type EditorContext,
  PUBLISH,
  type PublishStart,
} from '../conversations/publish.ts';
import type { EditorCheck } from '../editors.ts';
import type { EditorDesk } from './editor-desk.ts';
import { langOf, textsFor } from './editor-texts.ts';

// /publish, /edit and /cancel, and the review draft's Edit button: ways into the /publish
// conversation (conversations/publish.ts), which holds the steps themselves.

/**
 * Updates that may belong to an editor's conversation: a user's private messages and button
 * presses anywhere. The conversations plugin (first in that branch) installs ctx.conversation
 * on exactly these, so the branch's handlers may use it.
 */
function inConversationScope(ctx: BotContext): ctx is EditorContext {
  return (
    ctx.from !== undefined && (ctx.chat?.type === 'private' || ctx.callbackQuery !== undefined)
  );
}

export function createPublishFeature(
  s: Pick<Services, 'redis' | 'keys' | 'config'>,
  deps: { desk: EditorDesk; isEditor: EditorCheck; only: Composer<BotContext> },
): Composer<BotContext> {
  const { desk, isEditor, only } = deps;
  const c = new Composer<BotContext>();
  const scope = c.filter(inConversationScope);
  // The conversation is keyed per editor: a press in the editors' group and a message in the
  // private chat touch the same state, so they are handled one at a time per user too.
  scope.use(sequentialize((ctx: BotContext) => `editor:${ctx.from?.id ?? 0}`));
  scope.use(
    ...createEditorConversations(s, {
      desk,
      isEditor,
      timeoutMs: s.config.CONVERSATION_TIMEOUT_MINUTES * 60_000,
      timeZone: s.config.TIME_ZONE,
    }),
  );

  const enter = async (ctx: EditorContext, start: PublishStart): Promise<void> => {
    const t = textsFor(langOf(ctx.from?.language_code));
    if (ctx.conversation.active(PUBLISH) > 0) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t.busy, show_alert: true });
      else await ctx.reply(t.busy);
      return;
    }
    await ctx.conversation.enter(PUBLISH, start);
  };

  const privateChat = scope.chatType('private');
  privateChat.command('publish', only, async (ctx) => {
    await enter(ctx, { mode: 'new', input: ctx.match });
  });
  privateChat.command('edit', only, async (ctx) => {
    const t = textsFor(langOf(ctx.from.language_code));
    const ref = ctx.match.trim();
    if (ref === '') {
      await ctx.reply(t.refUsage('edit'));
      return;
    }
    if (ctx.conversation.active(PUBLISH) > 0) {
      await ctx.reply(t.busy);
      return;
    }
    const articleId = await desk.resolveRef(ref);
    if (!articleId) {
      await ctx.reply(t.refNotFound);
      return;
    }
    await enter(ctx, { mode: 'post', articleId });
  });
  // An open draft takes /cancel itself (inside the conversation); this is the no-draft case.
  // For non-editors /cancel is not ours: it goes on to the rest of the bot.
  privateChat.command('cancel', async (ctx, next) => {
    if (!(await isEditor(ctx.from.id))) return next();
    await ctx.reply(textsFor(langOf(ctx.from.language_code)).nothingToCancel);
  });
  scope.callbackQuery(/^rv:ed:([ah]-[0-9a-f]{20})$/, only, async (ctx) => {
    await enter(ctx, { mode: 'review', articleId: ctx.match[1] ?? '' });
  });
  // A button of a preview whose conversation is over (published, cancelled, expired).
  scope.callbackQuery(/^pv:/, only, async (ctx) => {
    await ctx.answerCallbackQuery({ text: textsFor(langOf(ctx.from.language_code)).stale });
  });

  // /publish and /edit need the private chat; elsewhere editors are told so.
  c.command(['publish', 'edit'], only, async (ctx) => {
    await ctx.reply(textsFor(langOf(ctx.from?.language_code)).privateOnly);
  });
  return c;
}
