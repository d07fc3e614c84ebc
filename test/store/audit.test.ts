import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_MAX_ENTRIES } from '../../src/store/audit.ts';
import { useRedis } from '../support/redis.ts';

const { redis, keys, stores } = useRedis('audit');
const audit = stores.audit;

beforeAll(async () => {
  await redis.ping();
});

describe('audit log', () => {
  it('keeps entries newest first, capped, and skips rows that are not entries', async () => {
    await audit.record({
      action: 'publish',
      by: 1,
      name: 'هدى',
      articleId: 'a-1',
      at: '2025-01-01T00:00:00Z',
    });
    await audit.record({
      action: 'edit',
      by: 2,
      name: 'Sam'.repeat(200),
      articleId: 'a-1',
      detail: 'x',
    });
    await redis.lpush(
      keys.audit,
      'not json',
      JSON.stringify({ action: 'explode', by: 1, at: 'x' }),
    );
    const entries = await audit.recent(20);
    expect(entries.map((e) => e.action)).toEqual(['edit', 'publish']);
    expect(entries[0]?.name).toHaveLength(300);
    expect(entries[1]).toEqual({
      action: 'publish',
      by: 1,
      name: 'هدى',
      articleId: 'a-1',
      at: '2025-01-01T00:00:00Z',
    });
    expect(await audit.recent(1)).toHaveLength(0);
    expect((await audit.recent(Number.NaN)).map((e) => e.action)).toEqual(['edit', 'publish']);
  });

  it('trims to the newest AUDIT_MAX_ENTRIES', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < AUDIT_MAX_ENTRIES; i++) {
      pipeline.lpush(keys.audit, JSON.stringify({ action: 'retry', by: i, name: '', at: 'x' }));
    }
    await pipeline.exec();
    await audit.record({ action: 'reject', by: 9, name: 'n' });
    expect(await redis.llen(keys.audit)).toBe(AUDIT_MAX_ENTRIES);
    expect((await audit.recent(1))[0]?.action).toBe('reject');
  });
});
