import type { Buttons } from '../jobs/send.ts';
import type { FetchErrorCode } from '../sources/http.ts';
import type { Lang } from '../store/follows.ts';
import type { Post } from '../store/posts.ts';
import type { ReviewDecision } from '../store/reviews.ts';

// The editorial service's words with the outside: who acts, what came of it. Plain data only,
// so the bot renders outcomes with its texts and the workers need no bot code.

export type { DraftKind } from '../store/drafts.ts';
export type { ReviewDecision } from '../store/reviews.ts';

// The one language type (the follow store keeps it for alerts; locales/ are keyed by it).
export type { Lang };

export interface Editor {
  id: number;
  /** As Telegram showed it, made safe to show. */
  name: string;
  lang: Lang;
}

/** Where a message went: a chat (numeric or @name) and the message id. */
export interface MessageRef {
  chat: number | string;
  messageId: number;
}

export type DraftError = FetchErrorCode | 'not-article' | 'internal';

export type DraftResult =
  | { ok: true; draftId: string }
  | { ok: false; error: DraftError; detail?: string };

export type StoredDraftResult =
  | { ok: true; draftId: string }
  | { ok: false; reason: 'gone' | 'not-published' }
  | { ok: false; reason: 'decided'; decision: ReviewDecision };

export type PreviewOutcome =
  | { ok: true; messageId: number }
  | { ok: false; reason: 'gone' | 'forbidden' };

export type PublishOutcome =
  | { ok: false; reason: 'forbidden' }
  | { ok: true; articleId: string; at?: number }
  | { ok: false; reason: 'gone' | 'internal' }
  | { ok: false; reason: 'already-posted'; link: string }
  | { ok: false; reason: 'decided'; decision: ReviewDecision };

export type DecideOutcome =
  | { ok: false; reason: 'forbidden' }
  | { ok: true }
  | { ok: false; reason: 'gone' | 'internal' }
  | { ok: false; reason: 'decided'; decision: ReviewDecision };

export type EditOutcome =
  | { ok: false; reason: 'forbidden' }
  | { ok: true; links: string[]; missing: string[]; failed: string[] }
  | { ok: false; reason: 'gone' | 'internal' };

export type UnpublishOutcome =
  | { ok: false; reason: 'forbidden' }
  | { ok: true; deleted: number; cancelled: number }
  | { ok: false; reason: 'not-published' | 'internal' }
  | { ok: false; reason: 'failed'; detail: string };

/**
 * The few things the service itself shows editors, from the workers too: the review buttons,
 * the decision that replaces them, and the notice once a post is out. editorial/views.ts makes
 * them from the editors' texts in locales/ (tests may pass their own).
 */
export interface EditorialViews {
  /** Approve / Edit / Reject under a review preview. */
  reviewButtons(articleId: string): Buttons;
  /** The one button that replaces them: who decided and when. */
  decisionButtons(articleId: string, decision: ReviewDecision): Buttons;
  /** Where a published article went: the post's link (or its channel when it has none). */
  postedNotice(lang: Lang, post: Post): string;
}
