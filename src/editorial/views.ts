import type { Buttons } from '../jobs/send.ts';
import { textsFor } from '../locales/index.ts';
import { callbackCodec } from '../telegram/callback-data.ts';
import { postLink } from '../telegram/links.ts';
import { formatTime } from './time.ts';
import type { EditorialViews, Lang, ReviewDecision } from './types.ts';

// How editorial outcomes read to editors: times in the channel's zone, who decided a review,
// and the service's own messages (review buttons, decision, posted notice), in the editors'
// texts of locales/. The service uses them from the workers too, so nothing here is bot code.

export function createEditorViews(timeZone: string) {
  const time = (at: string | number | Date, lang: Lang) =>
    formatTime(new Date(at), { timeZone, lang });

  /** "✅ approved by <name> · <time>": the status under a decided review preview. */
  const decisionLine = (decision: ReviewDecision, lang: Lang): string => {
    const t = textsFor(lang).editor;
    const when = time(decision.at, lang);
    return decision.action === 'approve'
      ? t.approvedBy(decision.name, when)
      : t.rejectedBy(decision.name, when);
  };

  /** What an editor is told who decides a review too late. */
  const decidedText = (decision: ReviewDecision, lang: Lang): string => {
    const t = textsFor(lang).editor;
    const when = time(decision.at, lang);
    return decision.action === 'approve'
      ? t.alreadyApproved(decision.name, when)
      : t.alreadyRejected(decision.name, when);
  };

  // Review previews go to a shared chat: their buttons are in Arabic, the channel's language.
  const views: EditorialViews = {
    reviewButtons(articleId): Buttons {
      const t = textsFor('ar').editor;
      return [
        [
          {
            text: t.btnApprove,
            callback_data: callbackCodec.encode({ kind: 'reviewApprove', articleId }),
          },
          {
            text: t.btnEdit,
            callback_data: callbackCodec.encode({ kind: 'reviewEdit', articleId }),
          },
          {
            text: t.btnReject,
            callback_data: callbackCodec.encode({ kind: 'reviewReject', articleId }),
          },
        ],
      ];
    },
    decisionButtons: (articleId, decision) => [
      [
        {
          text: decisionLine(decision, 'ar'),
          callback_data: callbackCodec.encode({ kind: 'reviewStatus', articleId }),
        },
      ],
    ],
    postedNotice(lang, post) {
      const t = textsFor(lang).editor;
      const link = postLink(post.chat, post.chatId, post.messageId);
      return link ? t.posted(link) : t.postedIn(post.chat);
    },
  };
  return { ...views, time, decisionLine, decidedText };
}

export type EditorViews = ReturnType<typeof createEditorViews>;
