import { type Processor, Worker } from 'bullmq';
import type { Services } from '../services.ts';
import type { StoredArticle } from '../store/articles.ts';
import { createMetricsStore } from '../store/metrics.ts';
import type { Post } from '../store/posts.ts';
import { createAlertProcessor } from './alerts.ts';
import { createDigestProcessor, scheduleCatchup, syncDigestSchedulers } from './digests.ts';
import { createArticleProcessor } from './process-article.ts';
import { createPostProcessor } from './publish-post.ts';
import {
  QUEUE_NAMES,
  QUEUES,
  type QueueJobs,
  type QueueName,
  type QueueSpec,
  workerOptions,
} from './queues.ts';
import { createPollProcessor } from './sources.ts';

/** What other parts of the bot plug into the delivery pipeline. */
export interface WorkerHooks {
  /** Runs after a post exists (jobs/after-post.ts); must be safe to run twice. */
  afterPost?: (post: Post, article: StoredArticle) => Promise<void>;
  /** Takes an article marked for review instead of posting it. */
  sendToReview?: (article: StoredArticle) => Promise<void>;
}

/** Starts one worker per queue of the table (jobs/queues.ts), each with its table options. */
export async function startWorkers(s: Services, hooks: WorkerHooks = {}) {
  // Counters and histograms in Redis, so /metrics in any process shows every worker's numbers.
  const metrics = createMetricsStore(s);
  const processors: { [N in QueueName]: Processor<QueueJobs[N]> } = {
    articles: createArticleProcessor({ ...s, metrics, sendToReview: hooks.sendToReview }),
    posts: createPostProcessor({ ...s, metrics, afterPost: hooks.afterPost }),
    alerts: createAlertProcessor({ ...s, metrics }),
    // Also repairs the feed schedulers (one poll job per source per tick).
    sources: await createPollProcessor({ ...s, metrics }),
    digests: createDigestProcessor(s),
  };
  // Repairs the digest schedulers from the routes (a scheduler lost with a Redis restore).
  await syncDigestSchedulers(s.queues.digests, await s.routes.list(), s.config.TIME_ZONE);
  await scheduleCatchup(s.queues.digests, s.config.TIME_ZONE);

  async function start<N extends QueueName>(name: N): Promise<Worker<QueueJobs[N]>> {
    const spec: QueueSpec = QUEUES[name];
    if (spec.globalConcurrency !== undefined) {
      await s.queues[name].setGlobalConcurrency(spec.globalConcurrency);
    }
    const worker = new Worker<QueueJobs[N]>(name, processors[name], {
      connection: s.redis,
      prefix: s.keys.bull,
      ...workerOptions(name, s.config),
    });
    worker.on('failed', (job, err) => {
      // A failed attempt with attempts left is a retry (BullMQ re-runs it after its backoff).
      if (job && job.attemptsMade < (job.opts.attempts ?? 1))
        metrics.inc('newsbot_job_retries_total', { queue: name });
      s.logger.warn({ queue: name, jobId: job?.id, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => s.logger.error({ queue: name, err: err.message }, 'worker error'));
    return worker;
  }

  const workers = {
    articles: await start('articles'),
    posts: await start('posts'),
    alerts: await start('alerts'),
    sources: await start('sources'),
    digests: await start('digests'),
  } satisfies { [N in QueueName]: Worker<QueueJobs[N]> };
  return {
    ...workers,
    /** Stops taking jobs and waits for the ones in flight. */
    async close() {
      await Promise.all(QUEUE_NAMES.map((name) => workers[name].close()));
    },
  };
}

export type Workers = Awaited<ReturnType<typeof startWorkers>>;
