import { describe, expect, it } from 'vitest';
import { createReviewStore, type ReviewDecision } from '../../src/store/reviews.ts';
import { useRedis } from '../support/redis.ts';

const { redis, keys } = useRedis('reviews');
const reviews = createReviewStore({ redis, keys });

const decision = (by: number, action: ReviewDecision['action'] = 'approve'): ReviewDecision => ({
  action,
  by,
  name: `editor ${by}`,
  at: '2025-06-01T10:00:00.000Z',
});

describe('review store', () => {
  it('lets the first of many simultaneous decisions win', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((by) => reviews.decide('a-race', decision(by))),
    );
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    const stored = await reviews.decision('a-race');
    for (const r of results) if (!r.ok) expect(r.decision).toEqual(stored);
    expect(await redis.ttl(keys.reviewDecision('a-race'))).toBeGreaterThan(29 * 86_400);
  });

  it('undoes only its own decision', async () => {
    const mine = decision(1);
    expect(await reviews.decide('a-undo', mine)).toEqual({ ok: true });
    // Another editor's decision is not taken back by an undo of ours.
    await reviews.undo('a-undo', decision(2, 'reject'));
    expect(await reviews.decision('a-undo')).toEqual(mine);
    await reviews.undo('a-undo', mine);
    expect(await reviews.decision('a-undo')).toBeUndefined();
    expect((await reviews.decide('a-undo', decision(2, 'reject'))).ok).toBe(true);
  });

  it('keeps where the previews went', async () => {
    expect(await reviews.sent('a-msg')).toBe(false);
    expect(await reviews.messages('a-msg')).toEqual([]);
    const refs = [
      { chat: -100123, messageId: 7 },
      { chat: 501, messageId: 3 },
    ];
    await reviews.saveMessages('a-msg', refs);
    expect(await reviews.sent('a-msg')).toBe(true);
    expect(await reviews.messages('a-msg')).toEqual(refs);
    await redis.set(keys.reviewMessage('a-bad'), 'nope');
    expect(await reviews.messages('a-bad')).toEqual([]);
  });
});
