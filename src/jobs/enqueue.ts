import type { RawArticle } from '../article/types.ts';
import type { ArticleStore } from '../store/articles.ts';
import type { Queues } from './queues.ts';

type Deps = { articles: ArticleStore; queues: Queues };

/** Puts a RawArticle on the "articles" queue with its arrival number. */
export async function enqueueArticle(
  deps: Deps,
  raw: RawArticle,
  opts: { chats?: string[] } = {},
): Promise<{ seq: number; jobId: string }> {
  const seq = await deps.articles.nextSeq();
  const job = await deps.queues.articles.add('article', { raw, seq, chats: opts.chats });
  return { seq, jobId: String(job.id) };
}

/**
 * Posts an article that is already stored (an editor's, possibly edited) ahead of the automatic
 * backlog, now or at `at`. Until then it is not in any channel's line, so it blocks nothing.
 */
export async function publishStored(
  deps: Deps,
  articleId: string,
  opts: { chats?: string[]; at?: Date } = {},
): Promise<{ jobId: string }> {
  const delay = opts.at ? Math.max(0, opts.at.getTime() - Date.now()) : 0;
  const job = await deps.queues.articles.add(
    'publish',
    { articleId, chats: opts.chats },
    { delay, jobId: `publish-${articleId}-${opts.at?.getTime() ?? 'now'}` },
  );
  return { jobId: String(job.id) };
}
