import { beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '../../src/store/posts.ts';
import { useRedis } from '../support/redis.ts';

const db = useRedis('posts');
const { posts } = db.stores;

const post = (articleId: string, chat: string, sentAt: number, messageId: number): Post => ({
  articleId,
  chat,
  chatId: -100 - chat.length,
  messageId,
  sentAt: new Date(sentAt).toISOString(),
  kind: 'text',
});

beforeAll(async () => {
  // Recorded out of time order; 'b' goes to two chats and is counted once.
  await posts.record(post('c', '@news', 3000, 3));
  await posts.record(post('a', '@news', 1000, 1));
  await posts.record(post('b', '@news', 2000, 2));
  await posts.record(post('b', '@other', 2000, 7));
});

describe('post store: timeline', () => {
  it('lists posted articles newest first by default, with their send time', async () => {
    expect(await posts.timeline({ count: 10 })).toEqual([
      { id: 'c', sentAt: 3000 },
      { id: 'b', sentAt: 2000 },
      { id: 'a', sentAt: 1000 },
    ]);
    expect(await posts.postedCount()).toBe(3);
  });

  it('pages with offset and count, in either order', async () => {
    expect(await posts.timeline({ count: 1, offset: 1 })).toEqual([{ id: 'b', sentAt: 2000 }]);
    expect(await posts.timeline({ count: 2, order: 'oldest' })).toEqual([
      { id: 'a', sentAt: 1000 },
      { id: 'b', sentAt: 2000 },
    ]);
    expect(await posts.timeline({ count: 5, offset: 2, order: 'oldest' })).toEqual([
      { id: 'c', sentAt: 3000 },
    ]);
    expect(await posts.timeline({ count: 5, offset: 3 })).toEqual([]);
    // Not "to the end", as a Redis stop index of -1 would be.
    expect(await posts.timeline({ count: 0 })).toEqual([]);
  });

  it('keeps an article in the timeline until its last post is removed', async () => {
    const [first, second] = await posts.list('b');
    if (!first || !second) throw new Error('b has two posts');
    await posts.remove(first);
    expect((await posts.timeline({ count: 10 })).map((e) => e.id)).toEqual(['c', 'b', 'a']);
    await posts.remove(second);
    expect((await posts.timeline({ count: 10 })).map((e) => e.id)).toEqual(['c', 'a']);
    expect(await posts.postedCount()).toBe(2);
  });

  it('counts the ambiguous sends', async () => {
    expect(await posts.ambiguousCount()).toBe(0);
    expect(await posts.markInflight('x', '@news')).toBe(false);
    expect(await posts.markInflight('x', '@news')).toBe(true);
    expect(await posts.ambiguousCount()).toBe(1);
  });
});
