import { type DefaultJobOptions, Queue, type WorkerOptions } from 'bullmq';
import type { RawArticle } from '../article/types.ts';
import type { Config } from '../config.ts';
import type { RedisClient } from '../redis.ts';
import type { Keys } from '../store/keys.ts';
import type { AlertJob } from './alerts.ts';
import type { DigestJob } from './digests.ts';
import type { PollJob } from './sources.ts';

// Every BullMQ queue of the bot, declared once: its name (the key), its job type (QueueJobs),
// the default options of its jobs and the options of its workers (QUEUES). createQueues opens
// them, jobs/workers.ts starts a worker for each, /metrics and /queue list them all.
// A new queue is one line in QueueJobs, one entry in QUEUES and one in createQueues.

/** Job 'article': a RawArticle to process and post (or drop as a duplicate, or send to review). */
export interface ArticleJob {
  raw: RawArticle;
  /** Arrival number: posts go out in this order per channel. */
  seq: number;
  /** Chats to post to; empty means the configured channels. */
  chats?: string[];
}

/** Job 'publish': an article already stored (an editor's) to post ahead of the backlog, now or when the job's delay ends. */
export interface PublishJob {
  articleId: string;
  chats?: string[];
}

export interface PostJob {
  articleId: string;
  chat: string;
  /** Set after Telegram refused the HTML: send the plain-text version. */
  plain?: boolean;
  /** Set after Telegram could not fetch the lead image: send text only. */
  noPhoto?: boolean;
  /** Transient send failures so far (5xx, network). */
  failures?: number;
}

/** The job type of each queue, by queue name. */
export interface QueueJobs {
  /** RawArticle → stored article → post jobs (jobs/process-article.ts). */
  articles: ArticleJob | PublishJob;
  /** One job per (article, chat): the channel post (jobs/publish-post.ts). */
  posts: PostJob;
  /** Follow matching and the followers' DMs (jobs/alerts.ts). */
  alerts: AlertJob;
  /** One feed or page poll per scheduler tick (jobs/sources.ts). */
  sources: PollJob;
  /** One digest of one target (or subscriber) per scheduler tick (jobs/digests.ts). */
  digests: DigestJob;
}

export type QueueName = keyof QueueJobs;

export interface QueueSpec {
  /** Options every job of the queue gets (BullMQ defaultJobOptions); add() may add a jobId or delay. */
  jobs: DefaultJobOptions;
  /** Jobs one worker process runs at once. */
  concurrency: (config: WorkerConfig) => number;
  /** Jobs all worker processes together run at once, when that is limited too. */
  globalConcurrency?: number;
}

type WorkerConfig = Pick<Config, 'WORKER_CONCURRENCY' | 'JOB_LOCK_MS'>;

// Completed jobs are pruned (our own records say what was posted); failed ones are kept a
// week so editors can see the reason and retry.
const keep = {
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 86_400 },
};

// Telegram's own errors are handled inside the processors without using attempts; these
// cover the rest (Redis errors mid-job, bugs).
const retried = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  ...keep,
} as const;

export const QUEUES = {
  // One article at a time across all processes, so articles reach the channels' lines in
  // arrival order.
  articles: { jobs: retried, concurrency: () => 1, globalConcurrency: 1 },
  posts: { jobs: retried, concurrency: (c) => c.WORKER_CONCURRENCY },
  alerts: { jobs: retried, concurrency: (c) => c.WORKER_CONCURRENCY },
  // A failed poll is not retried by BullMQ: the next tick is the retry, after our own backoff.
  sources: {
    jobs: {
      attempts: 1,
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 7 * 86_400, count: 1000 },
    },
    concurrency: (c) => c.WORKER_CONCURRENCY,
  },
  // A run remembers its stories and the parts it sent (store/digests.ts), so retries are safe.
  digests: { jobs: retried, concurrency: (c) => c.WORKER_CONCURRENCY },
} as const satisfies { [N in QueueName]: QueueSpec };

/** The queue names in the order /metrics and /queue list them. */
export const QUEUE_NAMES = Object.keys(QUEUES).filter(isQueueName);

function isQueueName(name: string): name is QueueName {
  return Object.hasOwn(QUEUES, name);
}

/** A worker's options for queue `name` (without the connection and prefix). */
export function workerOptions(
  name: QueueName,
  config: WorkerConfig,
): Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  return {
    concurrency: QUEUES[name].concurrency(config),
    lockDuration: config.JOB_LOCK_MS,
    stalledInterval: config.JOB_LOCK_MS,
    // Jobs are idempotent, so a job whose worker died is simply run again, however often.
    maxStalledCount: 1000,
  };
}

/**
 * BullMQ job ids may not contain ':' nor be integers; chats like -100123 or @name are fine. A
 * forum topic's line key "chat/thread" becomes "chat-tthread" ('-' never follows the start of a
 * chat id or @name, so no plain chat gives the same id).
 */
export const postJobId = (articleId: string, chat: string) =>
  `post-${articleId}-${chat.replace('/', '-t').replace(/[^A-Za-z0-9_@-]/g, '_')}`;

export function createQueues({
  connection,
  keys,
  onError = () => {},
}: {
  connection: RedisClient;
  keys: Keys;
  /** Connection errors while Redis is away; the queues reconnect by themselves. */
  onError?: (err: Error) => void;
}) {
  const open = <N extends QueueName>(name: N): Queue<QueueJobs[N]> => {
    const queue = new Queue<QueueJobs[N]>(name, {
      connection,
      prefix: keys.bull,
      defaultJobOptions: QUEUES[name].jobs,
    });
    queue.on('error', onError);
    return queue;
  };
  const queues = {
    articles: open('articles'),
    posts: open('posts'),
    alerts: open('alerts'),
    sources: open('sources'),
    digests: open('digests'),
  } satisfies { [N in QueueName]: Queue<QueueJobs[N]> };
  const all = QUEUE_NAMES.map((name) => queues[name]);
  return {
    ...queues,
    /** Every queue, in QUEUE_NAMES order. */
    all,
    async close() {
      await Promise.all(all.map((queue) => queue.close()));
    },
  };
}

export type Queues = ReturnType<typeof createQueues>;
