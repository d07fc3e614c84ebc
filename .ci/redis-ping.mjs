// Exits 0 when a Redis answers PING at the given URL within two seconds.
import { Redis } from 'ioredis';

const redis = new Redis(process.argv[2], {
  lazyConnect: true,
  maxRetriesPerRequest: 0,
  retryStrategy: () => null,
  connectTimeout: 2000,
});
redis.on('error', () => {});
try {
  await redis.connect();
  process.exitCode = (await redis.ping()) === 'PONG' ? 0 : 1;
} catch {
  process.exitCode = 1;
} finally {
  redis.disconnect();
}
