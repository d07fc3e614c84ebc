import { beforeAll, describe, expect, it } from 'vitest';
import { createRateGate } from '../../src/store/rate-gate.ts';
import { useRedis } from '../support/redis.ts';

describe('rate gate', () => {
  const { redis, keys } = useRedis('gate');
  // One send a minute to a channel, one a second to a private chat, ten a second overall.
  const gate = createRateGate({
    redis,
    keys,
    limits: { globalPerSecond: 10, chatPerMinute: 1, privatePerMinute: 60 },
  });
  beforeAll(async () => {
    await redis.ping();
  });

  it('admits one send to a channel, then asks the next to wait about an interval', async () => {
    expect(await gate.admit('@one')).toEqual({ ok: true });
    const second = await gate.admit('@one');
    expect(second.ok).toBe(false);
    if (second.ok) return;
    expect(second.reason).toBe('rate');
    // 60 s × 1.04 safety, minus a quarter interval of tolerance.
    expect(second.waitMs).toBeGreaterThan(40_000);
    expect(second.waitMs).toBeLessThanOrEqual(62_400);
  });

  it('keeps chats apart but shares the global bucket', async () => {
    await redis.del(keys.rate('global'));
    expect((await gate.admit('@two')).ok).toBe(true);
    let refused = 0;
    for (let i = 0; i < 30; i++) if (!(await gate.admit(`@chat${i}`)).ok) refused++;
    // 30 different chats in one burst: the global bucket (10/s, no burst) refuses most.
    expect(refused).toBeGreaterThan(20);
  });

  it('lets only the head of a chat line through', async () => {
    await redis.zadd(keys.pending('@line'), 1, 'a', 2, 'b', 3, 'c');
    const c = await gate.admit('@line', 'c');
    expect(c).toMatchObject({ ok: false, reason: 'order' });
    await redis.del(keys.rate('global'));
    expect(await gate.admit('@line', 'a')).toEqual({ ok: true });
  });

  it('a 429 blocks the chat and the global bucket for retry_after', async () => {
    await redis.del(keys.rate('global'), keys.rate('chat:555'));
    await gate.penalize('555', 3000);
    const r = await gate.admit('555');
    expect(r).toMatchObject({ ok: false, reason: 'rate' });
    if (!r.ok) expect(r.waitMs).toBeGreaterThanOrEqual(2900);
    const other = await gate.admit('@elsewhere');
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.waitMs).toBeGreaterThanOrEqual(2900);
  });
});
