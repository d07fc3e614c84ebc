import { randomBytes } from 'node:crypto';
import type { Article } from '../article/types.ts';
import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';

/**
 * new: built from a link or text, not stored yet. review: a stored article waiting for an
 * editor's decision. post: a posted article whose channel posts an edit will change.
 */
export type DraftKind = 'new' | 'review' | 'post';

export interface Draft {
  kind: DraftKind;
  article: Article & { seq?: number };
}

/** Editors' drafts: JSON under a random id, gone after `ttlSeconds` without a write. */
export function createDraftStore({
  redis,
  keys,
  ttlSeconds,
}: {
  redis: RedisClient;
  keys: Keys;
  ttlSeconds: number;
}) {
  async function save(id: string, draft: Draft): Promise<void> {
    await redis.set(keys.draft(id), JSON.stringify(draft), 'EX', ttlSeconds);
  }

  async function get(id: string): Promise<Draft | undefined> {
    const json = await redis.get(keys.draft(id));
    if (json === null) return undefined;
    try {
      const draft = JSON.parse(json) as Draft;
      return typeof draft.article?.id === 'string' ? draft : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    get,
    save,

    /** Stores a new draft and returns its id. */
    async create(draft: Draft): Promise<string> {
      const id = randomBytes(9).toString('base64url');
      await save(id, draft);
      return id;
    },

    /** Changes the headline and/or summary; false when the draft is gone. */
    async update(id: string, change: { title?: string; summary?: string[] }): Promise<boolean> {
      const draft = await get(id);
      if (!draft) return false;
      if (change.title !== undefined) draft.article.title = change.title;
      if (change.summary !== undefined) draft.article.summary = change.summary;
      await save(id, draft);
      return true;
    },

    async drop(id: string): Promise<void> {
      await redis.del(keys.draft(id));
    },
  };
}

export type DraftStore = ReturnType<typeof createDraftStore>;
