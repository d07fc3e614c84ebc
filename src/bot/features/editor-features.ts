import { sequentialize } from '@grammyjs/runner';
import { Composer } from 'grammy';
import type { WorkerHooks } from '../../jobs/workers.ts';
import type { Services } from '../../services.ts';
import type { BotContext } from '../context.ts';
import {
  createEditorConversations,
  type EditorContext,
  PUBLISH,
  type PublishStart,
} from '../conversations/publish.ts';
import { createEditorCheck, editorsOnly } from '../editors.ts';
import { createAuditFeature } from './editor-audit.ts';
import { createEditorDesk, type EditorDesk, editorFrom, retryRateLimits } from './editor-desk.ts';
import { createQueueFeature } from './editor-queue.ts';
import { langOf, textsFor } from './editor-texts.ts';
import { createReviewFeature, createSendToReview } from './review.ts';

// Everything editors use in the bot: /publish (a conversation), /edit, /cancel, /unpublish,
// /queue (with Retry), /audit, and the review buttons. Non-editors get a short refusal from
// editorsOnly on every command and button here; nothing is queued for them.

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

const EDITOR_COMMAND = /^\/(?:publish|edit|cancel|unpublish|queue|audit)(?:@\w+)?(?:\s|$)/;
const EDITOR_BUTTON = /^(?:pv|rv|q):/;

/** Updates the handlers below answer: editor commands and the editors' buttons. */
function isEditorUpdate(ctx: BotContext): boolean {
  const data = ctx.callbackQuery?.data;
  if (data !== undefined) return EDITOR_BUTTON.test(data);
  return EDITOR_COMMAND.test(ctx.message?.text ?? '');
}

export function createEditorFeatures(
  s: Services,
  opts: { desk?: EditorDesk } = {},
): Composer<BotContext> {
  const isEditor = createEditorCheck(s);
  const only = editorsOnly(isEditor);
  const desk = opts.desk ?? createEditorDesk(s);
  const c = new Composer<BotContext>();
  // ctx.api is made per update: replies to editors wait out a short 429 instead of failing.
  c.use((ctx, next) => {
    if (isEditorUpdate(ctx)) ctx.api.config.use(retryRateLimits());
    return next();
  });

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

  const enter = async (ctx: EditorContext, start: PublishStart): Promise<boolean> => {
    const t = textsFor(langOf(ctx.from?.language_code));
    if (ctx.conversation.active(PUBLISH) > 0) {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: t.busy, show_alert: true });
      else await ctx.reply(t.busy);
      return false;
    }
    await ctx.conversation.enter(PUBLISH, start);
    return true;
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
  c.command('unpublish', only, async (ctx) => {
    const from = ctx.from;
    if (!from) return;
    const editor = editorFrom(from);
    const t = textsFor(editor.lang);
    const ref = ctx.match.trim();
    if (ref === '') {
      await ctx.reply(t.refUsage('unpublish'));
      return;
    }
    const articleId = await desk.resolveRef(ref);
    if (!articleId) {
      await ctx.reply(t.refNotFound);
      return;
    }
    const result = await desk.unpublish(articleId, editor);
    if (result.ok) {
      await ctx.reply(
        result.deleted > 0 ? t.unpublished(result.deleted) : t.scheduleCancelled(result.cancelled),
      );
    } else if (result.reason === 'not-published') {
      await ctx.reply(t.notPublished);
    } else if (result.reason === 'failed') {
      await ctx.reply(t.unpublishFailed(result.detail));
    } else {
      await ctx.reply(t.internal);
    }
  });
  c.use(createQueueFeature(s, desk, only));
  c.use(createAuditFeature(s, desk, only));
  c.use(createReviewFeature(desk, only));
  return c;
}

/**
 * The editors' worker hooks: review drafts go to the editors' chat, and whoever published an
 * article hears where it is once posted. Compose afterPost with the other features' hooks.
 */
export function createEditorHooks(
  s: Services,
): Required<Pick<WorkerHooks, 'sendToReview' | 'afterPost'>> {
  const desk = createEditorDesk(s);
  return {
    sendToReview: createSendToReview(desk),
    afterPost: (post) => desk.notifyPosted(post),
  };
}
