import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';

/** Who hears where an article went once it is posted in a channel (an editor's chat). */
export interface PostWatch {
  to: number | string;
  lang: 'ar' | 'en';
  replyTo?: number;
}

const WATCH_TTL_SECONDS = 7 * 86_400;

export function createPostWatches({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  return {
    /** Watches the article's posts in `channels`; kept a week past `atMs` (a scheduled post). */
    async watch(
      articleId: string,
      channels: readonly string[],
      watch: PostWatch,
      atMs?: number,
    ): Promise<void> {
      const key = keys.postWatch(articleId);
      const multi = redis.multi();
      for (const chat of channels) multi.hset(key, chat, JSON.stringify(watch));
      const ttl = WATCH_TTL_SECONDS + Math.max(0, Math.ceil(((atMs ?? 0) - Date.now()) / 1000));
      await multi.expire(key, ttl).exec();
    },

    /** The watch of one channel's post, taken (read and deleted at once): told once. */
    async take(articleId: string, chat: string): Promise<PostWatch | undefined> {
      const key = keys.postWatch(articleId);
      const replies = await redis.multi().hget(key, chat).hdel(key, chat).exec();
      const json = replies?.[0]?.[1];
      if (typeof json !== 'string') return undefined;
      const watch = JSON.parse(json) as PostWatch;
      return { ...watch, lang: watch.lang === 'en' ? 'en' : 'ar' };
    },
  };
}

export type PostWatches = ReturnType<typeof createPostWatches>;
