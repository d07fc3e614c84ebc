import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createRateGate } from '../../src/store/rate-gate.ts';
import { useRedis } from '../support/redis.ts';

describe('rate gate: paid broadcasts', () => {
  const r = useRedis('paid', { each: true });
  const limits = { globalPerSecond: 30, chatPerMinute: 20, privatePerMinute: 60 };

  it('puts paid sends in a bucket of their own at the paid rate', async () => {
    const gate = createRateGate({
      redis: r.redis,
      keys: r.keys,
      limits: { ...limits, paidPerSecond: 1000 },
    });
    expect(gate.paidBroadcast).toBe(true);
    // 60 alerts to 60 users: at 30/s the free bucket would need 2 s; the paid one takes ~60 ms.
    for (let i = 0; i < 60; i++) {
      // Under load admitSoon may hand back a short wait instead of sleeping it: wait and ask again.
      for (;;) {
        const res = await gate.admitSoon(String(1000 + i), '', { paid: true });
        if (res.ok) break;
        expect(res.waitMs).toBeLessThan(50);
        await new Promise((resolve) => setTimeout(resolve, res.waitMs));
      }
    }
    const [paidTat, freeTat, now] = await Promise.all([
      r.redis.get(r.keys.rate('paid')),
      r.redis.get(r.keys.rate('global')),
      r.redis.time(),
    ]);
    expect(freeTat).toBeNull();
    const nowMs = Number(now[0]) * 1000 + Math.floor(Number(now[1]) / 1000);
    // The paid bucket's next slot is at most a few paid intervals ahead, not ~2 s.
    expect(Number(paidTat) - nowMs).toBeLessThan(200);
    // A channel post still takes the free bucket.
    expect((await gate.admit('@channel')).ok).toBe(true);
    expect(await r.redis.get(r.keys.rate('global'))).not.toBeNull();
  });

  it('keeps every send on the free bucket when paid broadcasts are off', async () => {
    const gate = createRateGate({ redis: r.redis, keys: r.keys, limits });
    expect(gate.paidBroadcast).toBe(false);
    expect((await gate.admit('42', '', { paid: true })).ok).toBe(true);
    expect(await r.redis.get(r.keys.rate('paid'))).toBeNull();
    expect(await r.redis.get(r.keys.rate('global'))).not.toBeNull();
    // The free bucket refuses the next send to another user right away (30/s spacing).
    const next = await gate.admit('43', '', { paid: true });
    expect(next.ok).toBe(false);
  });

  it('reads PAID_BROADCAST_PER_SECOND (0 by default, at most 1000)', () => {
    expect(loadConfig({}).PAID_BROADCAST_PER_SECOND).toBe(0);
    expect(loadConfig({ PAID_BROADCAST_PER_SECOND: '1000' }).PAID_BROADCAST_PER_SECOND).toBe(1000);
    expect(() => loadConfig({ PAID_BROADCAST_PER_SECOND: '1001' })).toThrow(
      /PAID_BROADCAST_PER_SECOND/,
    );
  });
});
