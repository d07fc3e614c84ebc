import { ArticleError } from '../article/errors.ts';
import { rawFromInput } from '../article/input.ts';
import type { Article } from '../article/types.ts';
import { publishStored } from '../jobs/enqueue.ts';
import type { Buttons } from '../jobs/send.ts';
import { isForbidden } from '../jobs/telegram-errors.ts';
import { FetchError, fetchPolicy, PAGE_ACCEPT, safeFetch } from '../sources/http.ts';
import type { StoredArticle } from '../store/articles.ts';
import type { ReviewDecision } from '../store/reviews.ts';
import { stripUnsafeChars } from '../text/sanitize.ts';
import { type EditorialParts, errorMessage, mayAct } from './parts.ts';
import type { Review } from './review.ts';
import type {
  DraftResult,
  Editor,
  PreviewOutcome,
  PublishOutcome,
  StoredDraftResult,
} from './types.ts';

// Drafts and publishing: a link or text (or a stored article) becomes a draft, the editor sees
// its exact preview and changes it, then it is posted ahead of the backlog, now or later.

const LINK_RE = /^https?:\/\/\S+$/i;

export function createDrafting(p: EditorialParts, review: Review) {
  const { articles, posts, drafts, reviews, logger } = p;
  const policy = fetchPolicy(p.config, PAGE_ACCEPT);

  /** A link (fetched, with the SSRF guard) or pasted text → a new draft. */
  async function draftFromInput(input: string): Promise<DraftResult> {
    const text = stripUnsafeChars(input).trim();
    try {
      let article: Article;
      if (LINK_RE.test(text)) {
        const page = await safeFetch(text, policy);
        const raw = rawFromInput(page.body, {
          url: page.url,
          contentType: page.contentType,
          sourceId: 'editor',
        });
        article = await p.builder.build(raw);
      } else {
        article = await p.builder.build(rawFromInput(text, { sourceId: 'editor' }));
      }
      return { ok: true, draftId: await drafts.create({ kind: 'new', article }) };
    } catch (err) {
      if (err instanceof FetchError) {
        return {
          ok: false,
          error: err.code,
          ...(err.status !== undefined ? { detail: String(err.status) } : {}),
        };
      }
      if (err instanceof ArticleError) return { ok: false, error: 'not-article', detail: err.code };
      logger.error({ err: errorMessage(err) }, 'editor draft failed');
      return { ok: false, error: 'internal' };
    }
  }

  /** A stored article → a draft to edit: one in review, or one already posted. */
  async function draftFromStored(
    articleId: string,
    kind: 'review' | 'post',
  ): Promise<StoredDraftResult> {
    const article = await articles.get(articleId);
    if (!article) return { ok: false, reason: 'gone' };
    if (kind === 'review') {
      const decision = await reviews.decision(articleId);
      if (decision) return { ok: false, reason: 'decided', decision };
    } else if ((await posts.list(articleId)).length === 0) {
      return { ok: false, reason: 'not-published' };
    }
    return { ok: true, draftId: await drafts.create({ kind, article }) };
  }

  /** Sends the draft's exact preview with the given buttons. */
  async function sendDraftPreview(
    draftId: string,
    chat: number,
    buttons: Buttons,
  ): Promise<PreviewOutcome> {
    const draft = await drafts.get(draftId);
    if (!draft) return { ok: false, reason: 'gone' };
    try {
      const sent = await p.sender.sendPreview(chat, draft.article, { buttons });
      return { ok: true, messageId: sent.messageId };
    } catch (err) {
      if (isForbidden(err)) return { ok: false, reason: 'forbidden' };
      throw err;
    }
  }

  /**
   * Stores the draft's article and posts it ahead of the backlog, now or at `atMs`. A review
   * draft is approved first, race-free: when another editor decided meanwhile, nothing is posted.
   */
  async function publishDraft(
    draftId: string,
    editor: Editor,
    atMs?: number,
  ): Promise<PublishOutcome> {
    try {
      const draft = await drafts.get(draftId);
      if (!draft || draft.kind === 'post') return { ok: false, reason: 'gone' };
      if (!(await mayAct(p, editor))) return { ok: false, reason: 'forbidden' };
      const at = atMs === undefined ? undefined : new Date(atMs);
      let stored: StoredArticle;
      let decision: ReviewDecision | undefined;
      if (draft.kind === 'review') {
        const current = await articles.get(draft.article.id);
        if (!current) return { ok: false, reason: 'gone' };
        decision = {
          action: 'approve',
          by: editor.id,
          name: editor.name,
          at: new Date().toISOString(),
        };
        const claimed = await reviews.decide(draft.article.id, decision);
        if (!claimed.ok) {
          await drafts.drop(draftId);
          return { ok: false, reason: 'decided', decision: claimed.decision };
        }
        stored = { ...current, title: draft.article.title, summary: draft.article.summary };
        await articles.save(stored);
      } else {
        const seq = await articles.nextSeq();
        stored = { ...draft.article, seq };
        if (!(await articles.create(stored))) {
          // The same link came in before (a feed, another editor): keep its place and record.
          const existing = await articles.get(stored.id);
          const posted = (await posts.list(stored.id))[0];
          if (posted) {
            await drafts.drop(draftId);
            return { ok: false, reason: 'already-posted', link: p.linkOf(posted) };
          }
          stored = { ...stored, seq: existing?.seq ?? seq };
          await articles.save(stored);
        }
      }
      await p.watches.watch(stored.id, p.channels, { to: editor.id, lang: editor.lang }, atMs);
      try {
        await publishStored(p, stored.id, at ? { at } : {});
      } catch (err) {
        if (decision) await reviews.undo(stored.id, decision);
        throw err;
      }
      if (decision) {
        await p.record('approve', editor, stored.id, at ? `edited; ${at.toISOString()}` : 'edited');
        await review.showDecision(stored.id, decision);
      } else {
        await p.record(at ? 'schedule' : 'publish', editor, stored.id, at?.toISOString());
      }
      await drafts.drop(draftId);
      return { ok: true, articleId: stored.id, ...(atMs !== undefined ? { at: atMs } : {}) };
    } catch (err) {
      logger.error({ err: errorMessage(err), draftId }, 'publishing a draft failed');
      return { ok: false, reason: 'internal' };
    }
  }

  return {
    draftFromInput,
    draftFromStored,
    /** Changes the draft's headline and/or summary; false when it is gone. */
    updateDraft: (id: string, change: { title?: string; summary?: string[] }) =>
      drafts.update(id, change),
    dropDraft: (id: string) => drafts.drop(id),
    sendDraftPreview,
    publishDraft,
  };
}
