import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RawArticle } from '../article/types.ts';
import type { Keys } from '../store/keys.ts';

export const QUEUE = { articles: 'articles', posts: 'posts' } as const;

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

// Completed jobs are pruned (our own records say what was posted); failed ones are kept a
// week so editors can see the reason and retry.
const keep = {
  removeOnComplete: { age: 86_400, count: 10_000 },
  removeOnFail: { age: 7 * 86_400 },
};

export const ARTICLE_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  ...keep,
} as const;

// Telegram's own errors are handled inside the processor without using attempts; these
// cover the rest (Redis errors mid-job, bugs).
export const POST_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  ...keep,
} as const;

/** BullMQ job ids may not contain ':' nor be integers; chats like -100123 or @name are fine. */
export const postJobId = (articleId: string, chat: string) =>
  `post-${articleId}-${chat.replace(/[^A-Za-z0-9_@-]/g, '_')}`;

export function createQueues({
  connection,
  keys,
  onError = () => {},
}: {
  connection: Redis;
  keys: Keys;
  /** Connection errors while Redis is away; the queues reconnect by themselves. */
  onError?: (err: Error) => void;
}) {
  const opts = { connection, prefix: keys.bull };
  const articles = new Queue<ArticleJob | PublishJob>(QUEUE.articles, opts);
  const posts = new Queue<PostJob>(QUEUE.posts, opts);
  for (const queue of [articles, posts]) queue.on('error', onError);
  return {
    articles,
    posts,
    async close() {
      await Promise.all([this.articles.close(), this.posts.close()]);
    },
  };
}

export type Queues = ReturnType<typeof createQueues>;
