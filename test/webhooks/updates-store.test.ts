import { describe, expect, it } from 'vitest';
import { createUpdateStore, UpdateWaitError } from '../../src/store/updates.ts';
import { useRedis } from '../support/redis.ts';

const r = useRedis('upd-store', { each: true });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two stores over one Redis stand for two bot instances. */
const instances = (leaseMs = 15_000) =>
  [0, 1].map(() => createUpdateStore({ redis: r.redis, keys: r.keys, options: { leaseMs } }));

describe('update claims', () => {
  it('one instance gets an update; the other sees it busy while it runs, done afterwards', async () => {
    const [a, b] = instances();
    expect(await a!.claim(7)).toBe('new');
    expect(await b!.claim(7)).toBe('busy');
    await a!.run(7, '42', async () => {
      expect(await b!.claim(7)).toBe('busy');
    });
    expect(await b!.claim(7)).toBe('done');
    expect(await a!.claim(7)).toBe('done');
  });

  it('a failed handler still marks the update done (it is not retried)', async () => {
    const [a, b] = instances();
    await a!.claim(8);
    await expect(
      a!.run(8, '42', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await b!.claim(8)).toBe('done');
  });

  it('a claim whose instance died runs out with its lease and can be claimed again', async () => {
    const [a, b] = instances(150);
    expect(await a!.claim(9)).toBe('new');
    expect(await b!.claim(9)).toBe('busy');
    await sleep(250);
    expect(await b!.claim(9)).toBe('new');
  });

  it('when waiting for the turn fails, the handler does not run and the claim is given back', async () => {
    const [a, b] = instances();
    // A key of the wrong type makes the turn script fail, as an unreachable Redis would.
    await r.redis.set(r.keys.chatTurn('broken'), 'x');
    await a!.claim(11);
    let ran = false;
    const handler = async () => {
      ran = true;
    };
    await expect(a!.run(11, 'broken', handler)).rejects.toBeInstanceOf(UpdateWaitError);
    expect(ran).toBe(false);
    expect(await b!.claim(11)).toBe('new');
  });

  it('the heartbeat keeps a long handler’s claim alive past its lease', async () => {
    const [a, b] = instances(150);
    await a!.claim(10);
    await a!.run(10, undefined, async () => {
      await sleep(400);
      expect(await b!.claim(10)).toBe('busy');
    });
    expect(await b!.claim(10)).toBe('done');
  });
});

describe('per-chat turns', () => {
  it('runs one chat’s updates by update id, even when a later one arrives first', async () => {
    const [a, b] = instances();
    const order: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    for (const id of [5, 6, 7, 8]) await a!.claim(id);

    const first = a!.run(5, 'chat', async () => {
      await held;
      order.push(5);
    });
    await sleep(30);
    // 7 reaches Redis before 6 (a re-delivery, another instance): it must still wait for 6.
    const later = b!.run(7, 'chat', async () => void order.push(7));
    await sleep(30);
    const earlier = a!.run(6, 'chat', async () => void order.push(6));
    // Another chat is not held up by this one.
    await b!.run(8, 'other', async () => void order.push(8));
    expect(order).toEqual([8]);
    release();
    await Promise.all([first, later, earlier]);
    expect(order).toEqual([8, 5, 6, 7]);
    expect(await r.redis.exists(r.keys.chatTurn('chat'))).toBe(0);
  });

  it('an earlier update left by a dead instance holds the chat only until its lease runs out', async () => {
    const [a] = instances(200);
    // Instance X joined the turn with update 3 and died.
    await r.redis.zadd(r.keys.chatTurn('chat'), Date.now() + 200, '3');
    await a!.claim(4);
    const started = Date.now();
    await a!.run(4, 'chat', async () => {});
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThan(2000);
  });
});
