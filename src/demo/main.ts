import { readFileSync } from 'node:fs';
import { rawFromInput } from '../article/input.ts';
import { loadConfig } from '../config.ts';
import { enqueueArticle } from '../jobs/enqueue.ts';
import { createLogger } from '../logger.ts';
import { startNewsbot } from '../main.ts';
import { createRedisClient, deletePrefix, pingRedis } from '../redis.ts';
import { startBotApiFake } from './bot-api-fake.ts';
import { antAsText, antSample, FIXTURE_PATH } from './corpus.ts';

// `npm run demo`: the whole bot on this machine with no Telegram token. A local Bot API fake
// (./bot-api-fake.ts, which the tests use too) stands in for Telegram; the bot and its workers
// run against the Redis at REDIS_URL under a throwaway key prefix, post a few real articles, and
// the channel is printed as a subscriber would read it.

const CHANNEL = { id: -1001000000001, username: 'akhbar_demo', title: 'أخبار — عرض' };
const ARTICLES = 5;

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!process.env.REDIS_CLUSTER_NODES && !(await pingRedis(redisUrl))) {
    throw new Error(
      `no Redis answers at ${redisUrl}: start one (redis-server, or 'docker compose up -d redis') or set REDIS_URL`,
    );
  }
  // One post a second to the channel, as Telegram would allow a busy channel for a short burst.
  const fake = await startBotApiFake({ chatRate: { max: 60, windowMs: 60_000 } });
  fake.addChannel(CHANNEL);
  const prefix = `demo-${process.pid}`;
  const config = loadConfig({
    ...process.env,
    BOT_TOKEN: fake.token,
    CHANNEL_ID: `@${CHANNEL.username}`,
    TELEGRAM_API_ROOT: fake.apiRoot,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    ROLE: 'all',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    CHANNEL_RATE_PER_MINUTE: '60',
  });
  const logger = createLogger({ level: config.LOG_LEVEL });
  // Refused at start (a cluster node without REDIS_CLUSTER_NODES, say): close the fake, exit.
  const app = await startNewsbot(config, logger, { botInfo: fake.botInfo }).catch(
    async (err: unknown) => {
      await fake.close();
      throw err;
    },
  );
  const { services } = app;
  try {
    const fixture = readFileSync(FIXTURE_PATH);
    const inputs = [
      rawFromInput(fixture, { sourceId: 'demo' }),
      ...antSample(ARTICLES).map((a) =>
        rawFromInput(antAsText(a), { url: a.url, publisher: a.source, sourceId: 'demo' }),
      ),
    ];
    process.stdout.write(
      `Posting ${inputs.length} articles to @${CHANNEL.username} through the Bot API fake…\n\n`,
    );
    for (const raw of inputs) await enqueueArticle(services, raw);
    const messages = await fake.waitForMessages(CHANNEL.id, inputs.length, { timeoutMs: 60_000 });
    for (const m of messages) {
      const body = m.text ?? m.caption ?? '';
      process.stdout.write(
        `─── @${CHANNEL.username} · message ${m.message_id} ${'─'.repeat(40)}\n${body}\n\n`,
      );
    }
    process.stdout.write(
      `${messages.length} posts, ${fake.stats.tooManyRequests.chat + fake.stats.tooManyRequests.global} rate-limit answers. ` +
        'With BOT_TOKEN and CHANNEL_ID set, `npm start` runs the real bot.\n',
    );
  } finally {
    await app.stop();
    const redis = createRedisClient(config, 'worker');
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await fake.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`newsbot demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
