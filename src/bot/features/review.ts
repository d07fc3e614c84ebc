import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import { editorFrom } from '../editors.ts';
import type { EditorDesk } from './editor-desk.ts';
import { langOf, textsFor } from './editor-texts.ts';

// Review mode's buttons (the service sends the previews: editorial/review.ts). Approve and
// Reject decide once; the status button says who decided. Edit opens the publish conversation's
// edit steps in the editor's private chat (editor-publish.ts, conversations/publish.ts).

const ARTICLE_ID = '([ah]-[0-9a-f]{20})';

/** Approve, Reject and the decided-status button under review previews. */
export function createReviewFeature(
  desk: EditorDesk,
  only: Composer<BotContext>,
): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.callbackQuery(new RegExp(`^rv:(ok|no):${ARTICLE_ID}$`), only, async (ctx) => {
    const editor = editorFrom(ctx.from);
    const t = textsFor(editor.lang);
    const message = ctx.callbackQuery.message;
    if (!message) {
      await ctx.answerCallbackQuery({ text: t.reviewGone });
      return;
    }
    const action = ctx.match[1] === 'ok' ? 'approve' : 'reject';
    const result = await desk.decide(ctx.match[2] ?? '', action, editor, {
      chat: message.chat.id,
      messageId: message.message_id,
    });
    if (result.ok) {
      await ctx.answerCallbackQuery({ text: action === 'approve' ? t.approved : t.rejected });
    } else if (result.reason === 'decided') {
      const text = desk.decidedText(result.decision, editor.lang);
      await ctx.answerCallbackQuery({ text, show_alert: true });
    } else if (result.reason === 'forbidden') {
      await ctx.answerCallbackQuery({ text: ctx.t.access.editorsOnlyButton, show_alert: true });
    } else {
      const text = result.reason === 'gone' ? t.reviewGone : t.internal;
      await ctx.answerCallbackQuery({ text, show_alert: true });
    }
  });

  c.callbackQuery(new RegExp(`^rv:st:${ARTICLE_ID}$`), only, async (ctx) => {
    const lang = langOf(ctx.from.language_code);
    const decision = await desk.reviewDecision(ctx.match[1] ?? '');
    await ctx.answerCallbackQuery({
      text: decision ? desk.decisionLine(decision, lang) : textsFor(lang).reviewGone,
    });
  });

  return c;
}
