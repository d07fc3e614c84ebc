import type { Article } from '../article/types.ts';
import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';

/** An Article as kept in Redis: with its arrival number, which orders posts per channel. */
export interface StoredArticle extends Article {
  seq: number;
}

export function createArticleStore({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  return {
    /** Next arrival number; taken once, when an article enters the queue. */
    nextSeq: async (): Promise<number> => redis.incr(keys.arrival),

    /** Stores a new article; false when one with this id is already there. */
    create: async (article: StoredArticle): Promise<boolean> =>
      (await redis.set(keys.article(article.id), JSON.stringify(article), 'NX')) === 'OK',

    save: async (article: StoredArticle): Promise<void> => {
      await redis.set(keys.article(article.id), JSON.stringify(article));
    },

    get: async (id: string): Promise<StoredArticle | undefined> => {
      const json = await redis.get(keys.article(id));
      return json === null ? undefined : (JSON.parse(json) as StoredArticle);
    },

    getMany: async (ids: string[]): Promise<(StoredArticle | undefined)[]> => {
      if (ids.length === 0) return [];
      const rows = await redis.mget(ids.map((id) => keys.article(id)));
      return rows.map((json) => (json === null ? undefined : (JSON.parse(json) as StoredArticle)));
    },
  };
}

export type ArticleStore = ReturnType<typeof createArticleStore>;
