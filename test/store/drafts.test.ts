import { describe, expect, it } from 'vitest';
import { createDraftStore } from '../../src/store/drafts.ts';
import { useRedis } from '../support/redis.ts';
import { makeArticle } from '../telegram/article.ts';

const { redis, keys } = useRedis('drafts');
const drafts = createDraftStore({ redis, keys, ttlSeconds: 60 });

describe('draft store', () => {
  it('creates, reads, changes and drops a draft, with a TTL', async () => {
    const article = makeArticle({ id: 'a-1', title: 'عنوان', summary: ['جملة.'] });
    const id = await drafts.create({ kind: 'new', article });
    expect(id).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(await drafts.get(id)).toEqual({ kind: 'new', article });
    const ttl = await redis.ttl(keys.draft(id));
    expect(ttl).toBeGreaterThan(50);
    expect(ttl).toBeLessThanOrEqual(60);

    expect(await drafts.update(id, { title: 'عنوان جديد' })).toBe(true);
    expect(await drafts.update(id, { summary: ['سطر أول.', 'سطر ثان.'] })).toBe(true);
    const changed = await drafts.get(id);
    expect(changed?.article.title).toBe('عنوان جديد');
    expect(changed?.article.summary).toEqual(['سطر أول.', 'سطر ثان.']);

    await drafts.drop(id);
    expect(await drafts.get(id)).toBeUndefined();
    expect(await drafts.update(id, { title: 'x' })).toBe(false);
  });

  it('reads a damaged draft as gone', async () => {
    await redis.set(keys.draft('broken'), '{not json');
    await redis.set(keys.draft('shape'), JSON.stringify({ kind: 'new', article: {} }));
    expect(await drafts.get('broken')).toBeUndefined();
    expect(await drafts.get('shape')).toBeUndefined();
  });
});
