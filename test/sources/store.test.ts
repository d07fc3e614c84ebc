import { beforeEach, describe, expect, it } from 'vitest';
import { SEEN_CAP, type Source, type SourceStore } from '../../src/store/sources.ts';
import { useRedis } from '../support/redis.ts';

// The source records, health counters, seen sets and poll locks, on a real Redis.

// A fresh key prefix for every test, deleted after it.
const db = useRedis('source-store', { each: true });
let store: SourceStore;

const source = (id: string, url: string): Source => ({
  id,
  url,
  kind: 'feed',
  publisher: 'p',
  intervalSec: 60,
  chats: [],
  mode: 'auto',
  fullText: false,
  paused: false,
  createdAt: new Date().toISOString(),
});

beforeEach(() => {
  store = db.stores.sourceStore;
});

describe('source store', () => {
  it('creates once per URL and per id, atomically', async () => {
    const results = await Promise.all([
      store.create(source('a', 'https://x.example/rss')),
      store.create(source('b', 'https://x.example/rss#frag')),
      store.create(source('a', 'https://y.example/rss')),
    ]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[1]).toEqual({ created: false, reason: 'url', existingId: 'a' });
    expect(results[2]).toEqual({ created: false, reason: 'id', existingId: 'a' });
    expect(await store.idForUrl('https://x.example/rss')).toBe('a');
    expect((await store.list()).map((s) => s.id)).toEqual(['a']);
  });

  it('update does not resurrect a removed source; remove frees the URL and clears history', async () => {
    const s = source('a', 'https://x.example/rss');
    await store.create(s);
    await store.markSeen('a', ['g:1'], 1);
    await store.recordFailure('a', { at: 1, error: 'x', nextPollAt: 2 });
    expect(await store.remove('a')).toMatchObject({ id: 'a' });
    expect(await store.update({ ...s, paused: true })).toBe(false);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.idForUrl(s.url)).toBeUndefined();
    expect(await store.seenCount('a')).toBe(0);
    expect(await store.health('a')).toEqual({ failures: 0, items: 0 });
    expect(await store.get('../../etc')).toBeUndefined();
  });

  it('counts failures and clears them on success, keeping validators only when sent', async () => {
    expect(
      await store.recordFailure('a', { at: 1000, error: 'timeout: slow', nextPollAt: 5000 }),
    ).toBe(1);
    expect(
      await store.recordFailure('a', { at: 2000, error: 'e'.repeat(900), nextPollAt: 9000 }),
    ).toBe(2);
    const failing = await store.health('a');
    expect(failing).toMatchObject({ failures: 2, nextPollAt: 9000, items: 0 });
    expect(failing.lastError).toHaveLength(500);
    await store.recordSuccess('a', { at: 3000, enqueued: 4, etag: '"e"', lastModified: 'lm' });
    await store.recordSuccess('a', { at: 4000, enqueued: 1, etag: '"f"' });
    expect(await store.health('a')).toMatchObject({
      failures: 0,
      items: 5,
      lastItems: 1,
      etag: '"f"',
      lastSuccessAt: new Date(4000).toISOString(),
    });
    expect((await store.health('a')).lastModified).toBeUndefined();
    expect((await store.health('a')).nextPollAt).toBeUndefined();
  });

  it('seen: any fingerprint matches; the set is capped, oldest out first', async () => {
    await store.markSeen('a', ['g:1', 'l:https://x/1'], 1);
    expect(await store.seen('a', [['g:2', 'l:https://x/1'], ['g:3'], []])).toEqual([
      true,
      false,
      false,
    ]);
    const many = Array.from({ length: SEEN_CAP }, (_, i) => `g:new-${i}`);
    await store.markSeen('a', many, 2);
    expect(await store.seenCount('a')).toBe(SEEN_CAP);
    expect(await store.seen('a', [['g:1'], ['g:new-0']])).toEqual([false, true]);
  });

  it('lock: one holder, extended and released only by its token', async () => {
    const token = await store.lock('a', 10_000);
    expect(token).toBeDefined();
    expect(await store.lock('a', 10_000)).toBeUndefined();
    expect(await store.extendLock('a', 'not-mine', 10_000)).toBe(false);
    expect(await store.extendLock('a', token!, 10_000)).toBe(true);
    await store.unlock('a', 'not-mine');
    expect(await store.lock('a', 10_000)).toBeUndefined();
    await store.unlock('a', token!);
    expect(await store.lock('a', 10_000)).toBeDefined();
  });
});
