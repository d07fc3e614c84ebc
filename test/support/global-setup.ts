import { execFileSync } from 'node:child_process';
import { pingRedis, RedisServer } from './redis-server.ts';

// Tests need a real Redis. Use the one at REDIS_URL (CI has one at 127.0.0.1:6379); when none
// answers, start a private redis-server if it is installed, so `npm test` works on a fresh machine.
let own: RedisServer | undefined;

export async function setup(): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await pingRedis(url)) {
    process.env.REDIS_URL = url;
    return;
  }
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      `No Redis answers at ${url} and redis-server is not installed: start a Redis 7 or set REDIS_URL.`,
    );
  }
  own = await RedisServer.start({ aof: false });
  process.env.REDIS_URL = own.url;
}

export async function teardown(): Promise<void> {
  await own?.destroy();
}
