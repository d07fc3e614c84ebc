import type { StoredArticle } from '../store/articles.ts';
import type { Post } from '../store/posts.ts';
import { articleToIndexDoc } from '../store/search-index.ts';
import { type EditorialParts, errorMessage, mayAct } from './parts.ts';
import { parsePostRef } from './post-ref.ts';
import type { EditOutcome, Editor, UnpublishOutcome } from './types.ts';

// Posted articles: found by their post link or id, edited in place in every channel, deleted
// (or their scheduled post cancelled), and the editor who published told where it went.

export function createPosted(p: EditorialParts) {
  const { articles, posts, drafts, logger } = p;

  /** A post link or article id → the article id, when we posted it (or stored it, for an id). */
  async function resolveRef(input: string): Promise<string | undefined> {
    const ref = parsePostRef(input);
    if (!ref) return undefined;
    if (ref.kind === 'article') {
      return (await articles.get(ref.articleId)) ? ref.articleId : undefined;
    }
    // Usernames are case-insensitive; posts are recorded under the configured spelling.
    const chats = new Set([ref.chat]);
    for (const chat of p.channels) {
      if (chat.toLowerCase() === ref.chat.toLowerCase()) chats.add(chat);
    }
    for (const chat of chats) {
      const id = await posts.findByMessage(chat, ref.messageId);
      if (id) return id;
    }
    return undefined;
  }

  /** Edits every channel post of the draft's article in place, then the store and the index. */
  async function saveDraftToPosts(draftId: string, editor: Editor): Promise<EditOutcome> {
    try {
      const draft = await drafts.get(draftId);
      const current = draft?.kind === 'post' ? await articles.get(draft.article.id) : undefined;
      if (!draft || !current) return { ok: false, reason: 'gone' };
      if (!(await mayAct(p, editor))) return { ok: false, reason: 'forbidden' };
      const article: StoredArticle = {
        ...current,
        title: draft.article.title,
        summary: draft.article.summary,
      };
      await articles.save(article);
      const links: string[] = [];
      const missing: string[] = [];
      const failed: string[] = [];
      const list = await posts.list(article.id);
      for (const post of list) {
        const result = await p.sender.editPost(post, article);
        if (result === 'ok') links.push(p.linkOf(post));
        else if (result === 'missing') missing.push(post.chat);
        else failed.push(`${post.chat}: ${result.error}`);
      }
      const first = list
        .map((x) => Date.parse(x.sentAt))
        .filter(Number.isFinite)
        .sort((a, b) => a - b)[0];
      if (links.length > 0) await p.search.add(articleToIndexDoc(article, first ?? Date.now()));
      await p.record('edit', editor, article.id, links.join(' '));
      await drafts.drop(draftId);
      return { ok: true, links, missing, failed };
    } catch (err) {
      logger.error({ err: errorMessage(err), draftId }, 'editing posts failed');
      return { ok: false, reason: 'internal' };
    }
  }

  /** Scheduled 'publish' jobs of an article that have not run yet. */
  async function scheduledJobs(articleId: string) {
    const delayed = await p.queues.articles.getDelayed(0, 999);
    return delayed.filter(
      (job) =>
        job?.name === 'publish' && 'articleId' in job.data && job.data.articleId === articleId,
    );
  }

  /**
   * Deletes every channel post of an article and takes it out of search; a post already gone
   * (deleted by hand) counts as deleted. An article not posted yet loses its scheduled posts.
   */
  async function unpublish(articleId: string, editor: Editor): Promise<UnpublishOutcome> {
    try {
      if (!(await mayAct(p, editor))) return { ok: false, reason: 'forbidden' };
      let cancelled = 0;
      for (const job of await scheduledJobs(articleId)) {
        await job.remove();
        cancelled++;
      }
      const list = await posts.list(articleId);
      if (list.length === 0) {
        if (cancelled === 0) return { ok: false, reason: 'not-published' };
        await p.record('cancel-schedule', editor, articleId);
        return { ok: true, deleted: 0, cancelled };
      }
      const failures: string[] = [];
      let deleted = 0;
      for (const post of list) {
        const result = await p.sender.deletePost(post);
        if (typeof result === 'object') {
          failures.push(`${post.chat}: ${result.error}`);
          continue;
        }
        await posts.remove(post);
        deleted++;
      }
      if (deleted > 0) {
        await p.record('unpublish', editor, articleId, list.map(p.linkOf).join(' '));
      }
      if (failures.length > 0) return { ok: false, reason: 'failed', detail: failures.join('; ') };
      await p.search.remove(articleId);
      // The after-post record says "indexed"; gone with the posts, so a republish indexes again.
      await p.redis.del(p.keys.postHook(articleId));
      return { ok: true, deleted, cancelled };
    } catch (err) {
      logger.error({ err: errorMessage(err), articleId }, 'unpublish failed');
      return { ok: false, reason: 'internal' };
    }
  }

  /**
   * The editors' step after a post (the workers' afterPost): tells whoever published the
   * article where it is now. Never throws; a lost notice is logged.
   */
  async function notifyPosted(post: Post, _article?: StoredArticle): Promise<void> {
    try {
      const watch = await p.watches.take(post.articleId, post.chat);
      if (!watch) return;
      const text = p.views.postedNotice(watch.lang, post);
      await p.messenger.tell(watch.to, text, watch.replyTo ? { replyTo: watch.replyTo } : {});
    } catch (err) {
      logger.warn({ err: errorMessage(err), articleId: post.articleId }, 'post notice failed');
    }
  }

  return { resolveRef, saveDraftToPosts, unpublish, notifyPosted };
}
