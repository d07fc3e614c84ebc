import { createAuditLog } from '../store/audit.ts';
import { createDraftStore } from '../store/drafts.ts';
import { createPostWatches } from '../store/post-watches.ts';
import { createReviewStore } from '../store/reviews.ts';
import { postLink } from '../telegram/links.ts';
import { createDrafting } from './drafting.ts';
import type { EditorialDeps, EditorialParts } from './parts.ts';
import { createPosted } from './posted.ts';
import { createReview } from './review.ts';

// The editors' service: drafts, exact previews, publishing ahead of the backlog, review
// decisions, edits and deletions of channel posts, and the audit log. Built once per process
// (services.ts) and shared by the bot's editor features and the workers' hooks. No grammY here:
// Telegram is reached through the sender and the messenger (jobs/send.ts), and every call
// returns an outcome union for the caller to render.

export type { EditorialDeps } from './parts.ts';

export function createEditorial(deps: EditorialDeps) {
  const { redis, keys } = deps;
  const audit = deps.audit ?? createAuditLog({ redis, keys });
  const parts: EditorialParts = {
    ...deps,
    audit,
    // Drafts outlive the conversation's timeout a little, so an expired one can still be named.
    drafts: createDraftStore({
      redis,
      keys,
      ttlSeconds: deps.config.CONVERSATION_TIMEOUT_MINUTES * 120 + 3600,
    }),
    reviews: createReviewStore({ redis, keys }),
    watches: createPostWatches({ redis, keys }),
    async record(action, editor, articleId, detail) {
      await audit.record({
        action,
        by: editor.id,
        name: editor.name,
        ...(articleId ? { articleId } : {}),
        ...(detail ? { detail } : {}),
      });
    },
    linkOf: (post) =>
      postLink(post.chat, post.chatId, post.messageId) ?? `${post.chat}/${post.messageId}`,
  };
  const review = createReview(parts);
  const drafting = createDrafting(parts, review);
  const posted = createPosted(parts);

  return {
    audit,
    /** Records an editor's action in the audit log. */
    record: parts.record,
    ...drafting,
    sendToReview: review.sendToReview,
    reviewDecision: review.reviewDecision,
    decide: review.decide,
    ...posted,
    /** A plain-text message to an editor; false when it could not be sent (logged). */
    tell: (chat: number | string, text: string) => deps.messenger.tell(chat, text),
    /** Takes the buttons off a message; a message already without them is fine. */
    stripButtons: async (chat: number | string, messageId: number): Promise<void> => {
      await deps.messenger.setButtons(chat, messageId);
    },
  };
}

export type Editorial = ReturnType<typeof createEditorial>;
