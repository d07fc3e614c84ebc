import { publishStored } from '../jobs/enqueue.ts';
import { isTelegramError } from '../jobs/telegram-errors.ts';
import type { StoredArticle } from '../store/articles.ts';
import type { ReviewDecision, ReviewMessageRef } from '../store/reviews.ts';
import { type EditorialParts, errorMessage, mayAct } from './parts.ts';
import type { DecideOutcome, Editor, MessageRef } from './types.ts';

// Review mode: an article marked for review goes to the editors as its exact preview with
// Approve / Edit / Reject. The first decision wins (SET NX in Redis), so two editors pressing
// Approve at once post it once; the buttons are then replaced with who decided and when.

export function createReview(p: EditorialParts) {
  const { articles, reviews, logger, views } = p;

  /** Replaces the review buttons with who decided and when, on every copy of the preview. */
  async function showDecision(articleId: string, decision: ReviewDecision): Promise<void> {
    const buttons = views.decisionButtons(articleId, decision);
    for (const ref of await reviews.messages(articleId)) {
      await p.messenger.setButtons(ref.chat, ref.messageId, buttons);
    }
  }

  /**
   * The sendToReview hook (runs in the articles worker): the exact preview with Approve, Edit
   * and Reject goes to the editors' chat, or to each EDITOR_IDS user when there is none. A
   * re-run job finds the preview already sent and sends nothing.
   */
  async function sendToReview(article: StoredArticle): Promise<void> {
    if (await reviews.sent(article.id)) return;
    const targets = p.config.EDITORS_CHAT_ID ? [p.config.EDITORS_CHAT_ID] : p.config.EDITOR_IDS;
    if (targets.length === 0) {
      logger.error(
        { articleId: article.id },
        'article marked for review, but neither EDITORS_CHAT_ID nor EDITOR_IDS is set',
      );
      return;
    }
    const sent: ReviewMessageRef[] = [];
    const buttons = views.reviewButtons(article.id);
    for (const chat of targets) {
      try {
        sent.push(await p.sender.sendPreview(chat, article, { buttons, paced: true }));
      } catch (err) {
        // Our own failures (Redis, taking a slot) fail the job; Telegram's are per editor.
        if (!isTelegramError(err)) throw err;
        // One editor who never opened the bot must not keep the others from the draft.
        if (sent.length === 0 && chat === targets[targets.length - 1]) throw err;
        logger.warn({ err: errorMessage(err), chat }, 'could not send a review preview');
      }
    }
    await reviews.saveMessages(article.id, sent);
  }

  /** Approve or Reject pressed under a review preview (`where`). */
  async function decide(
    articleId: string,
    action: 'approve' | 'reject',
    editor: Editor,
    where: MessageRef,
  ): Promise<DecideOutcome> {
    try {
      if (!(await articles.get(articleId))) return { ok: false, reason: 'gone' };
      if (!(await mayAct(p, editor))) return { ok: false, reason: 'forbidden' };
      const decision: ReviewDecision = {
        action,
        by: editor.id,
        name: editor.name,
        at: new Date().toISOString(),
      };
      const claimed = await reviews.decide(articleId, decision);
      if (!claimed.ok) {
        await showDecision(articleId, claimed.decision);
        return { ok: false, reason: 'decided', decision: claimed.decision };
      }
      if (action === 'approve') {
        await p.watches.watch(articleId, p.channels, {
          to: where.chat,
          lang: editor.lang,
          replyTo: where.messageId,
        });
        try {
          await publishStored(p, articleId);
        } catch (err) {
          await reviews.undo(articleId, decision);
          throw err;
        }
      }
      await p.record(action, editor, articleId);
      await showDecision(articleId, decision);
      return { ok: true };
    } catch (err) {
      logger.error({ err: errorMessage(err), articleId }, 'review decision failed');
      return { ok: false, reason: 'internal' };
    }
  }

  return {
    sendToReview,
    decide,
    showDecision,
    /** The decision taken on a review draft, if any. */
    reviewDecision: (articleId: string) => reviews.decision(articleId),
  };
}

export type Review = ReturnType<typeof createReview>;
