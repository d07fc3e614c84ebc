import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';
import { defineScript } from './script.ts';

/** Who approved or rejected a review draft, and when (ISO). */
export interface ReviewDecision {
  action: 'approve' | 'reject';
  by: number;
  name: string;
  at: string;
}

/** Where a review preview went: a chat (numeric or @name) and the message id. */
export interface ReviewMessageRef {
  chat: number | string;
  messageId: number;
}

const REVIEW_TTL_SECONDS = 30 * 86_400;

// Deletes a key only while it holds the given value (undoing our own claim, never another's).
const deleteIfEqual = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Review decisions (the first one wins) and the previews each review draft was sent as. */
export function createReviewStore({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  async function decision(articleId: string): Promise<ReviewDecision | undefined> {
    const json = await redis.get(keys.reviewDecision(articleId));
    if (json === null) return undefined;
    try {
      return JSON.parse(json) as ReviewDecision;
    } catch {
      return undefined;
    }
  }

  return {
    decision,

    /** The first decision wins (SET NX); a later one gets the decision already taken. */
    async decide(
      articleId: string,
      taken: ReviewDecision,
    ): Promise<{ ok: true } | { ok: false; decision: ReviewDecision }> {
      const key = keys.reviewDecision(articleId);
      const set = await redis.set(key, JSON.stringify(taken), 'EX', REVIEW_TTL_SECONDS, 'NX');
      if (set === 'OK') return { ok: true };
      return { ok: false, decision: (await decision(articleId)) ?? taken };
    },

    /** Takes back our own decision (when posting it failed); another editor's stays. */
    async undo(articleId: string, taken: ReviewDecision): Promise<void> {
      await deleteIfEqual(redis, [keys.reviewDecision(articleId)], [JSON.stringify(taken)]);
    },

    /** Whether the review previews of an article were sent (a re-run job sends none). */
    async sent(articleId: string): Promise<boolean> {
      return (await redis.exists(keys.reviewMessage(articleId))) === 1;
    },

    async messages(articleId: string): Promise<ReviewMessageRef[]> {
      const json = await redis.get(keys.reviewMessage(articleId));
      if (json === null) return [];
      try {
        const refs = JSON.parse(json) as ReviewMessageRef[];
        return Array.isArray(refs) ? refs : [];
      } catch {
        return [];
      }
    },

    async saveMessages(articleId: string, refs: ReviewMessageRef[]): Promise<void> {
      await redis.set(
        keys.reviewMessage(articleId),
        JSON.stringify(refs),
        'EX',
        REVIEW_TTL_SECONDS,
      );
    },
  };
}

export type ReviewStore = ReturnType<typeof createReviewStore>;
