import { sequentialize } from '@grammyjs/runner';
import { Composer } from 'grammy';
import type { EditorCheck } from '../../editorial/rights.ts';
import type { EditorViews } from '../../editorial/views.ts';
import type { Services } from '../../services.ts';
import { callbackData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import {
  createEditorConversations,
  type EditorContext,
  PUBLISH,
  type PublishStart,
} from '../conversations/publish.ts';

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
  s: Pick<Services, 'redis' | 'keys' | 'config' | 'editorial'>,
  deps: { views: EditorViews; isEditor: EditorCheck; only: Composer<BotContext> },
): Composer<BotContext> {
  const { views, isEditor, only } = deps;
  const c = new Composer<BotContext>();
  const scope = c.filter(inConversationScope);
  // The conversation is keyed per editor: a press in the editors' group and a message in the
  // private chat touch the same state, so they are handled one at a time per user too.
  scope.use(sequentialize((ctx: BotContext) => `editor:${ctx.from?.id ?? 0}`));
  scope.use(
    ...createEditorConversations(s, {
      editorial: s.editorial,
      views,
      isEditor,
      timeoutMs: s.config.CONVERSATION_TIMEOUT_MINUTES * 60_000,
      timeZone: s.config.TIME_ZONE,
    }),
  );

  const enter = async (ctx: EditorContext, start: PublishStart): Promise<void> => {
    const t = ctx.t.editor;
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
    const t = ctx.t.editor;
    const ref = ctx.match.trim();
    if (ref === '') {
      await ctx.reply(t.refUsage('edit'));
      return;
    }
    if (ctx.conversation.active(PUBLISH) > 0) {
      await ctx.reply(t.busy);
      return;
    }
    const articleId = await s.editorial.resolveRef(ref);
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
    await ctx.reply(ctx.t.editor.nothingToCancel);
  });
  scope.use(
    callbackData.on<'reviewEdit', EditorContext>('reviewEdit', only, async (ctx) => {
      await enter(ctx, { mode: 'review', articleId: ctx.callbackData.articleId });
    }),
  );
  // A button of a preview whose conversation is over (published, cancelled, expired), or any
  // other pv: data: a prefix catch-all, so even a malformed one is answered as stale.
  scope.callbackQuery(/^pv:/, only, async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t.editor.stale });
  });

  // /publish and /edit need the private chat; elsewhere editors are told so.
  c.command(['publish', 'edit'], only, async (ctx) => {
    await ctx.reply(ctx.t.editor.privateOnly);
  });
  return c;
}
