import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Api } from 'grammy';
import type { Logger } from '../logger.ts';
import type { ArticleStore, StoredArticle } from '../store/articles.ts';
import type { MetricsStore } from '../store/metrics.ts';
import type { Post, PostStore } from '../store/posts.ts';
import type { RateGate } from '../store/rate-gate.ts';
import { type PostJob, postJobId, type Queues } from './queues.ts';
import { createFollowButton, sendPostOnce } from './send.ts';
import { classifySendError } from './telegram-errors.ts';

export interface PublishDeps {
  api: Api;
  queues: Queues;
  articles: ArticleStore;
  posts: PostStore;
  gate: RateGate;
  logger: Logger;
  /** Counters and histograms for /metrics (store/metrics.ts); none in some tests. */
  metrics?: MetricsStore;
  /** Tells the editors' chat about a post that cannot go out (no-op when none is configured). */
  notifyEditors: (text: string) => Promise<void>;
  /** Runs after a post exists (search index, alerts); must be safe to run twice. */
  afterPost?: (post: Post, article: StoredArticle) => Promise<void>;
  /** POST_FOLLOW_BUTTON: a follow button under each channel post (jobs/send.ts). */
  config?: { POST_FOLLOW_BUTTON?: boolean };
}

/** Retry delay after the n-th transient failure (5xx, network): 200 ms doubling, at most a minute. */
export function transientBackoff(failures: number): number {
  const base = Math.min(60_000, 200 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** Transient failures a post survives (about half an hour of retries) before it is given up. */
export const MAX_TRANSIENT_FAILURES = 40;

/**
 * The "posts" processor: one job per (article, chat). Safe to run twice: the Post record, not
 * the job id, says whether the article is already in the chat.
 *
 * Transient failures and 429s delay the job instead of failing it, so they use up no attempt:
 * the job is at the head of its channel's line, and failing it would let the next one jump ahead.
 */
export function createPostProcessor(deps: PublishDeps) {
  const { api, articles, posts, gate, logger } = deps;
  const followButton = createFollowButton(api, deps.config?.POST_FOLLOW_BUTTON === true);

  return async (job: Job<PostJob>, token?: string): Promise<Post | { skipped: string }> => {
    const { articleId, chat } = job.data;
    const log = logger.child({ queue: 'posts', jobId: job.id, articleId, chat });
    const delay = async (ms: number): Promise<never> => {
      await job.moveToDelayed(Date.now() + ms, token);
      throw new DelayedError();
    };
    // The next article in this chat's line waits (delayed) for its turn; start it now.
    const wakeNext = async () => {
      const [next] = await deps.posts.pendingHead(chat);
      if (!next) return;
      const waiting = await deps.queues.posts.getJob(postJobId(next, chat));
      // promote() fails when the job is not delayed after all (already picked up): fine.
      if (waiting && (await waiting.isDelayed())) await waiting.promote().catch(() => {});
    };
    const giveUp = async (reason: string): Promise<never> => {
      await posts.dropPending(chat, articleId);
      await wakeNext();
      log.error({ reason }, 'post failed for good');
      await deps.notifyEditors(`تعذّر نشر الخبر ${articleId} في ${chat}: ${reason}`);
      throw new UnrecoverableError(reason);
    };

    const [existing, article] = await Promise.all([
      posts.get(articleId, chat),
      articles.get(articleId),
    ]);
    if (existing) {
      if (article) await deps.afterPost?.(existing, article);
      await posts.dropPending(chat, articleId);
      await wakeNext();
      return existing;
    }
    if (!article) return giveUp(`article ${articleId} is not in the store`);

    // Only the head of the chat's line gets a slot; the others wait in Redis until the post
    // before them wakes them, so they never hold a worker slot.
    const admitted = await gate.admitSoon(chat, articleId);
    if (!admitted.ok) return delay(admitted.waitMs);

    if (await posts.markInflight(articleId, chat)) {
      log.warn('re-sending after an interrupted attempt: this post may appear twice');
    }
    let sent: Awaited<ReturnType<typeof sendPostOnce>>;
    const sendStart = performance.now();
    try {
      sent = await sendPostOnce(api, chat, article, job.data, await followButton(article));
      deps.metrics?.observe('newsbot_send_seconds', (performance.now() - sendStart) / 1000, {
        kind: 'post',
      });
    } catch (err) {
      const failure = classifySendError(err);
      if (failure.kind !== 'transient' || failure.answered)
        await posts.clearInflight(articleId, chat);
      switch (failure.kind) {
        case 'rate':
          log.warn({ retryAfterMs: failure.retryAfterMs }, 'Telegram asked us to slow down');
          deps.metrics?.inc('newsbot_telegram_429_total', { op: 'post' });
          await gate.penalize(chat, failure.retryAfterMs);
          return delay(failure.retryAfterMs);
        case 'parse':
          log.warn({ reason: failure.reason }, 'Telegram refused the HTML; sending plain text');
          deps.metrics?.inc('newsbot_fallbacks_total', { kind: 'html_to_plain' });
          await job.updateData({ ...job.data, plain: true });
          return delay(1);
        case 'photo':
          log.warn({ reason: failure.reason }, 'Telegram could not use the image; sending text');
          deps.metrics?.inc('newsbot_fallbacks_total', { kind: 'photo_to_text' });
          await job.updateData({ ...job.data, noPhoto: true });
          return delay(1);
        case 'transient': {
          const failures = (job.data.failures ?? 0) + 1;
          if (failures >= MAX_TRANSIENT_FAILURES) return giveUp(failure.reason);
          log.warn({ reason: failure.reason, failures }, 'send failed; retrying');
          deps.metrics?.inc('newsbot_job_retries_total', { queue: 'posts' });
          await job.updateData({ ...job.data, failures });
          return delay(transientBackoff(failures));
        }
        default:
          return giveUp(failure.reason);
      }
    }

    const post: Post = {
      articleId,
      chat,
      chatId: sent.message.chat.id,
      messageId: sent.message.message_id,
      sentAt: new Date().toISOString(),
      kind: sent.kind,
    };
    await posts.record(post);
    // From the producer's receipt (RawArticle.receivedAt, set when it is enqueued) to the post.
    deps.metrics?.observe(
      'newsbot_enqueue_to_post_seconds',
      (Date.now() - Date.parse(article.receivedAt)) / 1000,
    );
    log.info({ messageId: post.messageId, kind: post.kind }, 'posted');
    await wakeNext();
    await deps.afterPost?.(post, article);
    return post;
  };
}
