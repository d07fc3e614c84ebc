import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/redis.ts';
import { createDraftStore } from '../../src/store/drafts.ts';
import { createKeys } from '../../src/store/keys.ts';
import { deleteKeys, testPrefix } from '../support/newsbot.ts';
import { makeArticle } from '../telegram/article.ts';

const prefix = testPrefix('drafts');
const keys = createKeys(prefix);
const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 'worker');
const drafts = createDraftStore({ redis, keys, ttlSeconds: 60 });

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

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
