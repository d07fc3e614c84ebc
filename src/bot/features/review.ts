import { Composer } from 'grammy';
import type { StoredArticle } from '../../store/articles.ts';
import type { BotContext } from '../context.ts';
import { type EditorDesk, editorFrom } from './editor-desk.ts';
import { langOf, textsFor } from './editor-texts.ts';

// Review mode: articles of a source marked for review (or `cli enqueue --review`) are not
// posted automatically. The articles worker hands each one to `sendToReview`, which puts the
// exact preview with Approve / Edit / Reject in the editors' chat. The first decision wins
// (SET NX in Redis), so two editors pressing Approve at once post it once; the buttons are
// then replaced with who decided and when. Edit opens the publish conversation's edit steps
// in the editor's private chat (see conversations/publish.ts).

const ARTICLE_ID = '([ah]-[0-9a-f]{20})';

/** The hook for process-article: takes an article marked for review instead of posting it. */
export function createSendToReview(desk: EditorDesk): (article: StoredArticle) => Promise<void> {
  return (article) => desk.sendToReview(article);
}

/** Approve, Reject and the decided-status button under review previews. */
export function createReviewFeature(
  desk: EditorDesk,
  only: Composer<BotContext>,
): Composer<BotContext> {
  const c = new Composer<BotContext>();

  c.callbackQuery(new RegExp(`^rv:(ok|no):${ARTICLE_ID}$`), only, async (ctx) => {
    const editor = editorFrom(ctx.from);
    const t = textsFor(editor.lang);
    const articleId = ctx.match[2] ?? '';
    const message = ctx.callbackQuery.message;
    if (!message) {
      await ctx.answerCallbackQuery({ text: t.reviewGone });
      return;
    }
    const action = ctx.match[1] === 'ok' ? 'approve' : 'reject';
    const result = await desk.decide(articleId, action, editor, {
      chat: message.chat.id,
      messageId: message.message_id,
    });
    if (result.ok) {
      await ctx.answerCallbackQuery({ text: action === 'approve' ? t.approved : t.rejected });
    } else if (result.reason === 'decided') {
      await ctx.answerCallbackQuery({
        text: desk.decidedText(result.decision, editor.lang),
        show_alert: true,
      });
    } else {
      await ctx.answerCallbackQuery({
        text: result.reason === 'gone' ? t.reviewGone : t.internal,
        show_alert: true,
      });
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
