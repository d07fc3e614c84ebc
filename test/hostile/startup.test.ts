import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startNewsbot } from '../../src/main.ts';
import { createTestBot, type TestBot } from '../support/newsbot.ts';
import { freePort, RedisServer } from '../support/redis-server.ts';
import { startNewsbotChild } from './newsbot-child.ts';

// Attack: start the bot where its dependencies are missing or unsafe. It must say what it waits
// for, give up at the time limit with code 1, and warn about a Redis that may lose jobs.

describe('start-up without Redis', () => {
  it('logs each wait for Redis and exits 1 at STARTUP_TIMEOUT_SECONDS', async () => {
    const t = await createTestBot({ name: 'hostile-no-redis' });
    try {
      const closed = await freePort();
      const started = Date.now();
      const child = startNewsbotChild({
        ...t.env,
        LOG_LEVEL: 'info',
        REDIS_URL: `redis://127.0.0.1:${closed}`,
        STARTUP_TIMEOUT_SECONDS: '2',
      });
      expect(await child.exited).toBe(1);
      // tsx start-up included; far below the default two minutes.
      expect(Date.now() - started).toBeLessThan(30_000);
      const waits = child.lines().filter((l) => l.msg === 'waiting for Redis');
      expect(waits.length).toBeGreaterThanOrEqual(2);
      expect(waits[0]).toMatchObject({ what: 'Redis', tries: 1, retryInMs: 1000 });
      const fatal = child.lines().find((l) => l.level === 60);
      expect(String(fatal?.msg)).toMatch(/^start-up failed: Redis did not answer/);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe('start-up with a wrong token', () => {
  it('stops at once with code 1 instead of waiting, and never prints either token', async () => {
    const t = await createTestBot({ name: 'hostile-bad-token' });
    const wrong = `${'9'.repeat(9)}:${'W'.repeat(35)}`;
    try {
      const started = Date.now();
      const child = startNewsbotChild({
        ...t.env,
        ROLE: 'all',
        LOG_LEVEL: 'info',
        BOT_TOKEN: wrong,
        STARTUP_TIMEOUT_SECONDS: '120',
      });
      expect(await child.exited).toBe(1);
      expect(Date.now() - started).toBeLessThan(60_000);
      const fatal = child.lines().find((l) => l.level === 60);
      expect(fatal?.msg).toBe('start-up failed');
      expect(JSON.stringify(fatal?.err)).toContain('401');
      expect(child.lines().filter((l) => l.msg === 'waiting for Telegram')).toEqual([]);
      for (const secret of [wrong, 'W'.repeat(35), t.fake.token]) {
        expect(child.output()).not.toContain(secret);
      }
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe("start-up checks Redis's durability settings", () => {
  let server: RedisServer;
  let admin: Redis;
  let t: TestBot;
  beforeAll(async () => {
    server = await RedisServer.start({ aof: true });
    admin = new Redis(server.url);
    t = await createTestBot({ name: 'hostile-redis-config', redisUrl: server.url });
  });
  afterAll(async () => {
    await t.close();
    admin.disconnect();
    await server.destroy();
  });

  /** Starts and stops the bot in this process; returns its log lines. */
  async function startLines(): Promise<{ msg: string; level: number }[]> {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', write: (l) => lines.push(l) });
    const app = await startNewsbot(loadConfig(t.env), logger, { botInfo: t.fake.botInfo });
    await app.stop();
    return lines.map((l) => JSON.parse(l) as { msg: string; level: number });
  }
  const warnings = (lines: { msg: string; level: number }[]) =>
    lines.filter((l) => l.level === 40 && /^Redis /.test(l.msg)).map((l) => l.msg);

  it('says nothing with noeviction and AOF on', async () => {
    expect(warnings(await startLines())).toEqual([]);
  });

  it('warns when the eviction policy may drop jobs and when AOF is off', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await admin.config('SET', 'appendonly', 'no');
    const found = warnings(await startLines());
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/maxmemory-policy is not noeviction/);
    expect(found[1]).toMatch(/AOF is off/);
  });

  it('starts anyway when CONFIG is disabled, and says it could not check', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.call('ACL', 'SETUSER', 'default', '-config');
    try {
      const lines = await startLines();
      expect(lines.map((l) => l.msg)).toContain(
        'could not read the Redis configuration (CONFIG GET); check maxmemory-policy noeviction and appendonly yes yourself',
      );
      expect(lines.map((l) => l.msg)).toContain('workers started');
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+config');
    }
  });
});
