import { Worker } from 'bullmq';
import type { Services } from '../services.ts';
import type { StoredArticle } from '../store/articles.ts';
import type { Post } from '../store/posts.ts';
import { startAlertWorker } from './alerts.ts';
import { createArticleProcessor } from './process-article.ts';
import { createPostProcessor } from './publish-post.ts';
import { type ArticleJob, type PostJob, type PublishJob, QUEUE } from './queues.ts';
import { startSourceWorker } from './sources.ts';

/** What other parts of the bot plug into the delivery pipeline. */
export interface WorkerHooks {
  /** Runs after a post exists (search index, alerts); must be safe to run twice. */
  afterPost?: (post: Post, article: StoredArticle) => Promise<void>;
  /** Takes an article marked for review instead of posting it. */
  sendToReview?: (article: StoredArticle) => Promise<void>;
}

/**
 * Starts the "articles" and "posts" workers. Articles are processed one at a time across all
 * processes (global concurrency 1), so they reach the channels' lines in arrival order.
 */
export async function startWorkers(s: Services, hooks: WorkerHooks = {}) {
  const common = {
    connection: s.redis,
    prefix: s.keys.bull,
    lockDuration: s.config.JOB_LOCK_MS,
    stalledInterval: s.config.JOB_LOCK_MS,
    // Jobs are idempotent, so a job whose worker died is simply run again, however often.
    maxStalledCount: 1000,
  };
  await s.queues.articles.setGlobalConcurrency(1);
  const articles = new Worker<ArticleJob | PublishJob>(
    QUEUE.articles,
    createArticleProcessor({ ...s, sendToReview: hooks.sendToReview }),
    { ...common, concurrency: 1 },
  );
  const posts = new Worker<PostJob>(
    QUEUE.posts,
    createPostProcessor({ ...s, afterPost: hooks.afterPost }),
    { ...common, concurrency: s.config.WORKER_CONCURRENCY },
  );
  const alerts = startAlertWorker(s, { ...common, concurrency: s.config.WORKER_CONCURRENCY });
  for (const worker of [articles, posts, alerts]) {
    worker.on('failed', (job, err) => {
      s.logger.warn({ queue: worker.name, jobId: job?.id, err: err.message }, 'job failed');
    });
    worker.on('error', (err) =>
      s.logger.error({ queue: worker.name, err: err.message }, 'worker error'),
    );
  }
  // Feed polls: one job per source per scheduler tick (jobs/sources.ts).
  const sources = await startSourceWorker(s);
  return {
    articles,
    posts,
    alerts,
    sources,
    /** Stops taking jobs and waits for the ones in flight. */
    async close() {
      await Promise.all([articles.close(), posts.close(), alerts.close(), sources.close()]);
    },
  };
}

export type Workers = Awaited<ReturnType<typeof startWorkers>>;
