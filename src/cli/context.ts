import { type Config, loadConfig } from '../config.ts';
import { createQueues } from '../jobs/queues.ts';
import { createSources, type Sources } from '../jobs/sources.ts';
import { assertRedisMode, describeTarget } from '../redis.ts';
import { createStores, type Stores } from '../stores.ts';
import type { CliIo } from './io.ts';

/** What a command gets besides its arguments. */
export interface CliContext {
  io: CliIo;
  /** The configuration, read from io.env on first use and kept: loaded once per run. */
  config(): Config;
  /** Runs `fn` with the stores over a fail-fast (producer) connection; Redis down is one clear error. */
  withStores(fn: (stores: Stores, config: Config) => Promise<number>): Promise<number>;
}

export function createCliContext(io: CliIo): CliContext {
  let config: Config | undefined;
  const ctx: CliContext = {
    io,
    config() {
      config ??= loadConfig(io.env ?? process.env);
      return config;
    },
    async withStores(fn) {
      const config = ctx.config();
      // Name the server without any password the URL may carry.
      const where = describeTarget(config);
      const stores = createStores(config, {
        role: 'producer',
        redisOptions: { lazyConnect: true, retryStrategy: () => null, connectTimeout: 5000 },
      });
      try {
        try {
          await stores.redis.connect();
        } catch (err) {
          throw new Error(
            `cannot reach Redis at ${where}: ${err instanceof Error ? err.message : err}`,
          );
        }
        await assertRedisMode(stores.redis);
        return await fn(stores, config);
      } finally {
        stores.redis.disconnect();
      }
    },
  };
  return ctx;
}

/** One command of `newsbot`: its lines of the usage text and what it does. */
export interface Command {
  usage: readonly string[];
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** Runs `fn` with the sources service (records and their poll schedules) over the stores. */
export function withSources(
  ctx: CliContext,
  fn: (sources: Sources, config: Config) => Promise<number>,
): Promise<number> {
  return ctx.withStores(async ({ redis, keys }, config) => {
    const queues = createQueues({ connection: redis, keys });
    try {
      return await fn(createSources({ redis, keys, config, queue: queues.sources }), config);
    } finally {
      await queues.close();
    }
  });
}
