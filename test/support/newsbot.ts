import { type ChildProcess, spawn } from 'node:child_process';
import { rawFromInput } from '../../src/article/input.ts';
import type { RawArticle } from '../../src/article/types.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import {
  type BotApiFake,
  type BotApiFakeOptions,
  type FakeMessage,
  startBotApiFake,
  type UserSpec,
} from '../../src/demo/bot-api-fake.ts';
import { enqueueArticle } from '../../src/jobs/enqueue.ts';
import { createQueues, type Queues } from '../../src/jobs/queues.ts';
import { createLogger } from '../../src/logger.ts';
import { type Newsbot, startNewsbot } from '../../src/main.ts';
import { deletePrefix, type RedisClient } from '../../src/redis.ts';
import type { ArticleStore } from '../../src/store/articles.ts';
import type { Keys } from '../../src/store/keys.ts';
import type { PostStore } from '../../src/store/posts.ts';
import { createStores, type Stores } from '../../src/stores.ts';
import { testPrefix } from './redis.ts';

export const CHANNEL = { id: -1001234567890, username: 'akhbar_test', title: 'أخبار' };

/** Every key under a prefix; src/redis.ts deletePrefix, under the name bench/ imports. */
export { deletePrefix as deleteKeys } from '../../src/redis.ts';

export interface TestBot {
  fake: BotApiFake;
  env: Record<string, string>;
  config: Config;
  keys: Keys;
  /** A producer-side connection for the test's own reads and enqueues (a Cluster when env sets REDIS_CLUSTER_NODES). */
  redis: RedisClient;
  /** Every store at the bot's prefix, on that connection (src/stores.ts). */
  stores: Stores;
  queues: Queues;
  articles: ArticleStore;
  posts: PostStore;
  enqueue(raw: RawArticle, opts?: { chats?: string[] }): Promise<number>;
  enqueueText(text: string, opts?: { url?: string; publisher?: string }): Promise<number>;
  /** Sends `text` as `user` in a private chat and returns the bot's next message there. */
  ask(user: UserSpec, text: string): Promise<FakeMessage>;
  /** Starts the bot and workers in this process. */
  start(overrides?: Record<string, string>): Promise<Newsbot>;
  /** Starts `src/main.ts` as a child process (workers by default). */
  spawn(overrides?: Record<string, string>): ChildProcess;
  close(): Promise<void>;
}

/**
 * A Bot API fake with one channel, a Redis prefix of its own, and the environment that points
 * newsbot at both. Limits default to Telegram's shape at a faster tempo: 20 posts per second to
 * a channel instead of per minute, 30 per second overall.
 */
export async function createTestBot(
  opts: {
    name: string;
    fake?: BotApiFakeOptions;
    env?: Record<string, string>;
    redisUrl?: string;
  } = {
    name: 'bot',
  },
): Promise<TestBot> {
  const fake = await startBotApiFake({
    chatRate: { max: 20, windowMs: 1000 },
    globalRate: { max: 30, windowMs: 1000 },
    ...opts.fake,
  });
  fake.addChannel({ ...CHANNEL });
  const prefix = testPrefix(opts.name);
  const env: Record<string, string> = {
    BOT_TOKEN: fake.token,
    CHANNEL_ID: `@${CHANNEL.username}`,
    TELEGRAM_API_ROOT: fake.apiRoot,
    REDIS_URL: opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    ROLE: 'worker',
    SEND_RATE_PER_SECOND: '30',
    CHANNEL_RATE_PER_MINUTE: String(20 * 60),
    JOB_LOCK_MS: '2000',
    ...opts.env,
  };
  const config = loadConfig(env);
  const stores = createStores(config);
  const { redis, keys, articles, posts } = stores;
  const queues = createQueues({ connection: redis, keys });
  const apps: Newsbot[] = [];
  const children = new Set<ChildProcess>();

  const bot: TestBot = {
    fake,
    env,
    config,
    keys,
    redis,
    stores,
    queues,
    articles,
    posts,
    enqueue: async (raw, o) => (await enqueueArticle({ articles, queues }, raw, o)).seq,
    enqueueText: (text, o = {}) => bot.enqueue(rawFromInput(text, { ...o, sourceId: 'test' })),
    async ask(user, text) {
      const before = fake.messages(user.id).length;
      fake.userSends(user, text);
      const all = await fake.waitForMessages(user.id, before + 1);
      return all[before]!;
    },
    async start(overrides = {}) {
      const logger = createLogger({ level: overrides.LOG_LEVEL ?? env.LOG_LEVEL ?? 'silent' });
      const app = await startNewsbot(loadConfig({ ...env, ...overrides }), logger, {
        botInfo: fake.botInfo,
      });
      apps.push(app);
      return app;
    },
    spawn(overrides = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { ...process.env, ...env, ...overrides },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async close() {
      for (const child of children) child.kill('SIGKILL');
      for (const app of apps) await app.stop();
      await queues.close();
      await deletePrefix(redis, prefix);
      redis.disconnect();
      await fake.close();
    },
  };
  return bot;
}

/** Polls an async condition until it returns a truthy value, which it returns. */
export async function until<T>(
  fn: () => Promise<T> | T,
  { timeoutMs = 20_000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`until: ${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
