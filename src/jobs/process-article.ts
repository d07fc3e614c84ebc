import { type Job, UnrecoverableError } from 'bullmq';
import { ArticleError } from '../article/errors.ts';
import { ArticleBudgetError } from '../article/guards.ts';
import { buildArticle } from '../article/pipeline.ts';
import type { Article } from '../article/types.ts';
import type { Logger } from '../logger.ts';
import type { ArticleStore, StoredArticle } from '../store/articles.ts';
import type { Dedupe, Duplicate } from '../store/dedupe.ts';
import type { DigestStore } from '../store/digests.ts';
import type { MetricsStore } from '../store/metrics.ts';
import type { PostStore } from '../store/posts.ts';
import type { RouteStore } from '../store/routes.ts';
import type { ArticleBuilder } from '../workers/build-pool.ts';
import { type ArticleJob, type PublishJob, postJobId, type Queues } from './queues.ts';
import { chooseTargets } from './routes.ts';

/** Editors' posts take places in a channel's line ahead of every automatic one. */
const AHEAD = 1e12;

export interface ProcessDeps {
  /** Counters and histograms for /metrics (store/metrics.ts); none in some tests. */
  metrics?: MetricsStore;
  articles: ArticleStore;
  posts: PostStore;
  dedupe: Dedupe;
  queues: Queues;
  logger: Logger;
  /** The configured channels, used when a job names none. */
  channels: readonly string[];
  /** Routes to targets; with none configured, everything goes to `channels`. */
  routes?: RouteStore;
  /** Where stories wait for their targets' digests. */
  digestStore?: DigestStore;
  /** Takes an article marked for review instead of posting it (editors' queue). */
  sendToReview?: (article: StoredArticle) => Promise<void>;
  /** Builds off the event loop with a budget (services.builder); in-thread when absent. */
  builder?: ArticleBuilder;
  /** Told when an article is refused for its cost (a hostile or broken page). Never throws. */
  notifyEditors?: (text: string) => Promise<void>;
}

export type ArticleOutcome =
  | { articleId: string; posted: string[] }
  | { articleId: string; review: true }
  | { articleId: string; dropped: Duplicate };

/**
 * The "articles" processor: RawArticle → stored Article → one post job per channel, or a
 * logged, recorded drop when it duplicates an article already seen. Safe to run twice.
 */
export function createArticleProcessor(deps: ProcessDeps) {
  const { articles, posts, dedupe, queues, logger } = deps;

  /** Puts the article in each chat's line and adds its post jobs (idempotent). */
  async function queuePosts(article: StoredArticle, chats: readonly string[], ahead: boolean) {
    for (const chat of chats) {
      await posts.enqueuePending(chat, article.id, ahead ? article.seq - AHEAD : article.seq);
      await queues.posts.add(
        'post',
        { articleId: article.id, chat },
        { jobId: postJobId(article.id, chat) },
      );
    }
  }

  /**
   * The targets (line keys: chat, or chat/thread for a forum topic) an article is posted to:
   * the job's own chats when it names some, else the union of the matching routes' targets
   * (each once), else CHANNEL_ID when no route is configured. Targets with a digest collect
   * the story on the way (`editorsPick`: listed first there).
   */
  async function targetsOf(
    article: StoredArticle,
    chats: string[] | undefined,
    editorsPick: boolean,
  ): Promise<readonly string[]> {
    if (chats?.length) return chats;
    const routes = deps.routes ? await deps.routes.list() : [];
    if (routes.length === 0) return deps.channels;
    const choices = chooseTargets(routes, article);
    for (const choice of choices) {
      if (choice.digest) {
        await deps.digestStore?.collect(choice.key, article.id, { pick: editorsPick });
      }
    }
    return choices.filter((c) => c.post).map((c) => c.key);
  }

  return async (job: Job<ArticleJob | PublishJob>): Promise<ArticleOutcome> => {
    const log = logger.child({ queue: 'articles', jobId: job.id });

    if ('articleId' in job.data) {
      const stored = await articles.get(job.data.articleId);
      if (!stored) throw new UnrecoverableError(`article ${job.data.articleId} is not stored`);
      const chats = await targetsOf(stored, job.data.chats, true);
      await queuePosts(stored, chats, true);
      log.info({ articleId: stored.id, chats }, 'editor article queued ahead of the backlog');
      return { articleId: stored.id, posted: [...chats] };
    }

    const data = job.data;
    let built: Article;
    try {
      built = deps.builder ? await deps.builder.build(data.raw) : buildArticle(data.raw);
    } catch (err) {
      if (err instanceof ArticleBudgetError) {
        // Failed for good with its reason (the failed list keeps it a week); never retried.
        const url = data.raw.url ?? '';
        log.warn({ code: err.code, url, err: err.message }, 'article refused: over budget');
        await deps.notifyEditors?.(
          `⚠️ خبر رُفض (${err.code}): ${err.message} ${url.slice(0, 200)}`.trim(),
        );
        throw new UnrecoverableError(`article over budget (${err.code}): ${err.message}`);
      }
      if (err instanceof ArticleError) throw new UnrecoverableError(`bad article: ${err.message}`);
      throw err;
    }
    const article: StoredArticle = { ...built, seq: data.seq };

    // Stored before the near-duplicate check, which reads candidates' fingerprints from the store.
    if (!(await articles.create(article))) {
      const existing = await articles.get(article.id);
      if (existing && existing.seq !== article.seq) {
        return drop(article, { duplicateOf: existing.id, reason: 'same-id' });
      }
    }
    const dup = await dedupe.check(article);
    if (dup) return drop(article, dup);

    if (data.raw.review && deps.sendToReview) {
      await deps.sendToReview(article);
      log.info({ articleId: article.id }, 'sent to review');
      return { articleId: article.id, review: true };
    }
    const chats = await targetsOf(article, data.chats, false);
    await queuePosts(article, chats, false);
    log.info({ articleId: article.id, chats }, 'article queued for posting');
    return { articleId: article.id, posted: [...chats] };

    async function drop(a: StoredArticle, d: Duplicate): Promise<ArticleOutcome> {
      await dedupe.recordDropped(a, d);
      deps.metrics?.inc('newsbot_duplicates_dropped_total', { reason: d.reason });
      log.info(
        { articleId: a.id, duplicateOf: d.duplicateOf, reason: d.reason, similarity: d.similarity },
        'duplicate dropped',
      );
      return { articleId: a.id, dropped: d };
    }
  };
}
