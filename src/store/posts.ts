import { type RedisClient, retryWhileSlotMoves } from '../redis.ts';
import type { Keys } from './keys.ts';

/** An article sent to one chat. Its existence is what makes a retried publish job a no-op. */
export interface Post {
  articleId: string;
  chat: string;
  /** The numeric chat id Telegram answered with. */
  chatId: number;
  messageId: number;
  sentAt: string;
  /** How it went out: HTML text, photo with caption, or the plain-text fallback. */
  kind: 'text' | 'photo' | 'plain';
}

/** One posted article in the timeline: when it was first sent, ms since the epoch. */
export interface TimelineEntry {
  id: string;
  sentAt: number;
}

export function createPostStore({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  return {
    get: async (articleId: string, chat: string): Promise<Post | undefined> => {
      const json = await redis.hget(keys.posts(articleId), chat);
      return json === null ? undefined : (JSON.parse(json) as Post);
    },

    list: async (articleId: string): Promise<Post[]> => {
      const all = await redis.hvals(keys.posts(articleId));
      return all.map((json) => JSON.parse(json) as Post);
    },

    /** Records the post, takes it off the chat's pending line and clears the in-flight mark, atomically. */
    record: async (post: Post): Promise<void> => {
      // A post that is sent but not recorded is sent again: wait out a slot move instead.
      await retryWhileSlotMoves(redis, () =>
        redis
          .multi()
          .hset(keys.posts(post.articleId), post.chat, JSON.stringify(post))
          .set(keys.postByMessage(post.chat, post.messageId), post.articleId)
          .set(keys.postByMessage(String(post.chatId), post.messageId), post.articleId)
          .zadd(keys.timeline, Date.parse(post.sentAt), post.articleId)
          .zrem(keys.pending(post.chat), post.articleId)
          .del(keys.inflight(post.articleId, post.chat))
          .exec(),
      );
    },

    findByMessage: async (chat: string, messageId: number): Promise<string | undefined> =>
      (await redis.get(keys.postByMessage(chat, messageId))) ?? undefined,

    /** Puts an article in line for a chat; the score (arrival number) is the send order. */
    enqueuePending: async (chat: string, articleId: string, order: number): Promise<void> => {
      await redis.zadd(keys.pending(chat), 'NX', order, articleId);
    },

    /** The article at the head of a chat's line, if any. */
    pendingHead: async (chat: string): Promise<string[]> =>
      redis.zrange(keys.pending(chat), '0', '0'),

    dropPending: async (chat: string, articleId: string): Promise<void> => {
      await redis.zrem(keys.pending(chat), articleId);
    },

    /** Marks a send as on the wire; returns true when a previous attempt had already marked it. */
    markInflight: async (articleId: string, chat: string): Promise<boolean> => {
      const key = keys.inflight(articleId, chat);
      const previous = await redis.set(key, new Date().toISOString(), 'PX', 7 * 86_400_000, 'GET');
      // Each re-send counts: three lost answers can mean four copies, not one.
      if (previous !== null) {
        await redis
          .multi()
          .sadd(keys.ambiguous, `${articleId} ${chat}`)
          .incr(keys.ambiguousSends)
          .exec();
      }
      return previous !== null;
    },

    clearInflight: async (articleId: string, chat: string): Promise<void> => {
      await redis.del(keys.inflight(articleId, chat));
    },

    ambiguous: async (): Promise<string[]> => redis.smembers(keys.ambiguous),

    /** Distinct "articleId chat" pairs re-sent at least once. */
    ambiguousCount: async (): Promise<number> => redis.scard(keys.ambiguous),

    /** Every re-send after an interrupted attempt, counted per attempt. */
    ambiguousSends: async (): Promise<number> =>
      Number((await redis.get(keys.ambiguousSends)) ?? 0),

    /**
     * Posted articles by the time they were sent: `count` of them from `offset`, newest first
     * (the default: /latest) or oldest first (a search index rebuild).
     */
    timeline: async ({
      count,
      offset = 0,
      order = 'newest',
    }: {
      count: number;
      offset?: number;
      order?: 'newest' | 'oldest';
    }): Promise<TimelineEntry[]> => {
      // A stop index of -1 would mean "to the end" to Redis.
      if (count <= 0) return [];
      const stop = offset + count - 1;
      const rows =
        order === 'newest'
          ? await redis.zrevrange(keys.timeline, offset, stop, 'WITHSCORES')
          : await redis.zrange(keys.timeline, String(offset), String(stop), 'WITHSCORES');
      const entries: TimelineEntry[] = [];
      for (let i = 0; i + 1 < rows.length; i += 2) {
        entries.push({ id: rows[i] ?? '', sentAt: Number(rows[i + 1]) });
      }
      return entries;
    },

    /** Articles posted, each once however many chats it went to. */
    postedCount: async (): Promise<number> => redis.zcard(keys.timeline),

    /**
     * Forgets a post deleted from its chat (/unpublish): the record, its message links, and the
     * article's place in the timeline once it has no post left.
     */
    remove: async (post: Post): Promise<void> => {
      await redis
        .multi()
        .hdel(keys.posts(post.articleId), post.chat)
        .del(keys.postByMessage(post.chat, post.messageId))
        .del(keys.postByMessage(String(post.chatId), post.messageId))
        .exec();
      if ((await redis.hlen(keys.posts(post.articleId))) === 0) {
        await redis.zrem(keys.timeline, post.articleId);
      }
    },
  };
}

export type PostStore = ReturnType<typeof createPostStore>;
