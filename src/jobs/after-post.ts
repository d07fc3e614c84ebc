import type { RedisClient } from '../redis.ts';
import type { StoredArticle } from '../store/articles.ts';
import type { Keys } from '../store/keys.ts';
import type { Post } from '../store/posts.ts';
import { articleToIndexDoc, type SearchIndex } from '../store/search-index.ts';
import { type AlertQueue, queueAlertMatch } from './alerts.ts';

// What happens once publish-post has recorded a post (posts.record), in order:
//   index          → the article becomes searchable                  (once per article)
//   alerts         → its 'match' job fans it out to followers' DMs   (once per article)
//   editors-notice → the editor who published it hears where it is  (every post)
// Every step is safe to run twice: the post job re-runs this when it finds its post recorded.

export interface AfterPostStep {
  name: string;
  /**
   * 'article': runs for the article's first post only; the article's post-hook record, written
   * after the last such step, skips them for later channels and re-runs. 'post': runs for every
   * post, and keeps its own record of what it did.
   */
  once: 'article' | 'post';
  run(post: Post, article: StoredArticle): Promise<void>;
}

export interface AfterPostDeps {
  redis: RedisClient;
  keys: Keys;
  search: SearchIndex;
  alerts: AlertQueue;
  /** Tells the editor who published the article where the post is; never throws. */
  editorsNotice?: (post: Post, article: StoredArticle) => Promise<void>;
}

/** How long an article's post-hook record is kept. */
const RECORD_TTL_SECONDS = 30 * 86_400;

export function afterPostSteps(deps: AfterPostDeps): AfterPostStep[] {
  return [
    {
      name: 'index',
      once: 'article',
      async run(post, article) {
        const sentAt = Date.parse(post.sentAt);
        await deps.search.add(
          articleToIndexDoc(article, Number.isFinite(sentAt) ? sentAt : Date.now()),
        );
      },
    },
    {
      name: 'alerts',
      once: 'article',
      run: (post, article) => queueAlertMatch(deps.alerts, post, article),
    },
    {
      name: 'editors-notice',
      once: 'post',
      run: deps.editorsNotice ?? (async () => {}),
    },
  ];
}

/**
 * The afterPost hook of the "posts" processor: runs the steps in their order. The article's
 * record is written right after its last once-per-article step, so a crash before it only
 * repeats idempotent steps.
 */
export function createAfterPost(deps: AfterPostDeps) {
  const steps = afterPostSteps(deps);
  const lastOnce = steps.findLastIndex((step) => step.once === 'article');
  return async (post: Post, article: StoredArticle): Promise<void> => {
    const done = deps.keys.postHook(article.id);
    const recorded = (await deps.redis.exists(done)) === 1;
    for (const [i, step] of steps.entries()) {
      if (step.once === 'post' || !recorded) await step.run(post, article);
      if (i === lastOnce && !recorded) {
        await deps.redis.set(done, post.sentAt, 'EX', RECORD_TTL_SECONDS);
      }
    }
  };
}
