import { Composer } from 'grammy';
import type { Editorial } from '../../editorial/service.ts';
import type { EditorViews } from '../../editorial/views.ts';
import { callbackData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { editorFrom } from '../editors.ts';

// Review mode's buttons (the service sends the previews: editorial/review.ts). Approve and
// Reject decide once; the status button says who decided. Edit opens the publish conversation's
// edit steps in the editor's private chat (editor-publish.ts, conversations/publish.ts).

/** Approve, Reject and the decided-status button under review previews. */
export function createReviewFeature(
  editorial: Editorial,
  views: EditorViews,
  only: Composer<BotContext>,
): Composer<BotContext> {
  const c = new Composer<BotContext>();

  const decide = (action: 'approve' | 'reject') =>
    callbackData.on(action === 'approve' ? 'reviewApprove' : 'reviewReject', only, async (ctx) => {
      const editor = editorFrom(ctx.from);
      const t = ctx.t.editor;
      const message = ctx.callbackQuery.message;
      if (!message) {
        await ctx.answerCallbackQuery({ text: t.reviewGone });
        return;
      }
      const result = await editorial.decide(ctx.callbackData.articleId, action, editor, {
        chat: message.chat.id,
        messageId: message.message_id,
      });
      if (result.ok) {
        await ctx.answerCallbackQuery({ text: action === 'approve' ? t.approved : t.rejected });
      } else if (result.reason === 'decided') {
        const text = views.decidedText(result.decision, ctx.lang);
        await ctx.answerCallbackQuery({ text, show_alert: true });
      } else if (result.reason === 'forbidden') {
        await ctx.answerCallbackQuery({ text: ctx.t.access.editorsOnlyButton, show_alert: true });
      } else {
        const text = result.reason === 'gone' ? t.reviewGone : t.internal;
        await ctx.answerCallbackQuery({ text, show_alert: true });
      }
    });
  c.use(decide('approve'), decide('reject'));

  c.use(
    callbackData.on('reviewStatus', only, async (ctx) => {
      const decision = await editorial.reviewDecision(ctx.callbackData.articleId);
      await ctx.answerCallbackQuery({
        text: decision ? views.decisionLine(decision, ctx.lang) : ctx.t.editor.reviewGone,
      });
    }),
  );

  return c;
}
