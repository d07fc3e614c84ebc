import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Api } from 'grammy';
import type { Redis } from 'ioredis';
import { rawFromInput } from '../src/article/input.ts';
import { loadConfig } from '../src/config.ts';
import { type BotApiFake, type RateLimit, startBotApiFake } from '../src/demo/bot-api-fake.ts';
import { enqueueArticle } from '../src/jobs/enqueue.ts';
import { createQueues } from '../src/jobs/queues.ts';
import { createRedis } from '../src/redis.ts';
import { createArticleStore } from '../src/store/articles.ts';
import { createKeys } from '../src/store/keys.ts';
import { antAsText, antSample } from '../test/support/corpus.ts';
import { deleteKeys } from '../test/support/newsbot.ts';

// bench/delivery: end-to-end latency (enqueue → message received by the Bot API fake) with no
// rate pressure, against a direct sendMessage round trip as the baseline; and the drain rate of
// a backlog against the fake's limits, as a share of the allowed rate. Workers run as two child
// processes (ROLE=worker), as they would in production.
//   npx tsx bench/delivery.ts [--articles 2000] [--samples 200] [--workers 2]

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '2000' },
    samples: { type: 'string', default: '200' },
    workers: { type: 'string', default: '2' },
  },
});
const BACKLOG = Number(values.articles);
const SAMPLES = Number(values.samples);
const WORKERS = Number(values.workers);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CHANNEL = { id: -1001000000042, username: 'bench_channel', title: 'bench' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

interface Run {
  fake: BotApiFake;
  redis: Redis;
  prefix: string;
  enqueue: (text: string, url: string) => Promise<void>;
  close: () => Promise<void>;
}

/** A fake with the given limits, a fresh key prefix, and `workers` worker processes configured to match. */
async function setup(
  name: string,
  limits: { global: RateLimit; chat: RateLimit },
  env: Record<string, string>,
  startWorkers: boolean,
): Promise<Run & { spawnWorkers: () => void }> {
  const fake = await startBotApiFake({ globalRate: limits.global, chatRate: limits.chat });
  fake.addChannel(CHANNEL);
  const prefix = `bench-${name}-${process.pid}`;
  const fullEnv = {
    ...process.env,
    BOT_TOKEN: fake.token,
    CHANNEL_ID: `@${CHANNEL.username}`,
    TELEGRAM_API_ROOT: fake.apiRoot,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    ROLE: 'worker',
    LOG_LEVEL: 'silent',
    ...env,
  };
  const config = loadConfig(fullEnv);
  const keys = createKeys(prefix);
  const redis = createRedis(REDIS_URL, 'worker');
  const queues = createQueues({ connection: redis, keys });
  const articles = createArticleStore({ redis, keys });
  const children: ChildProcess[] = [];
  const spawnWorkers = () => {
    for (let i = 0; i < WORKERS; i++) {
      children.push(
        spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
          env: fullEnv,
          stdio: 'inherit',
        }),
      );
    }
  };
  if (startWorkers) spawnWorkers();
  void config;
  return {
    fake,
    redis,
    prefix,
    spawnWorkers,
    enqueue: async (text, url) => {
      await enqueueArticle({ articles, queues }, rawFromInput(text, { url, sourceId: 'bench' }));
    },
    close: async () => {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => new Promise((r) => c.once('exit', r))));
      await queues.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await fake.close();
    },
  };
}

const corpus = antSample(Math.max(BACKLOG, SAMPLES + 20));
const text = (i: number) => antAsText(corpus[i % corpus.length]!);
const url = (i: number) => `https://bench.example/a/${i}`;

async function latency() {
  const open = { max: 100_000, windowMs: 1000 };
  const run = await setup(
    'latency',
    { global: open, chat: open },
    {
      SEND_RATE_PER_SECOND: '1000',
      CHANNEL_RATE_PER_MINUTE: '10000',
    },
    true,
  );
  // Baseline: the same HTTP round trip with no queue in between.
  const api = new Api(run.fake.token, { apiRoot: run.fake.apiRoot });
  const direct: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    await api.sendMessage(CHANNEL.id, `<b>${i}</b> مرحبا`, { parse_mode: 'HTML' });
    direct.push(performance.now() - t0);
  }
  run.fake.reset();
  // Latency ends when the fake receives the sendMessage request (its own clock, Date.now). An
  // article the dedupe drops (the corpus has near-identical weather reports) gives no sample.
  const received = () =>
    run.fake.requests.filter((r) => r.method === 'sendMessage' && r.status === 200);
  const dropped = () => run.redis.xlen(createKeys(run.prefix).dropped);
  const piped: number[] = [];
  // The first 20 warm up the worker processes (module loading, connections) and are not kept.
  for (let i = 0; piped.length < SAMPLES && i < corpus.length; i++) {
    const [sent, gone] = [received().length, await dropped()];
    const t0 = Date.now();
    await run.enqueue(text(i), url(i));
    for (let waited = 0; received().length === sent && (await dropped()) === gone; waited += 2) {
      if (waited > 30_000) throw new Error('latency: an article neither arrived nor was dropped');
      await sleep(2);
    }
    const at = received()[sent]?.at;
    if (i >= 20 && at !== undefined) piped.push(at - t0);
    await sleep(5);
  }
  await run.close();
  return { direct, piped };
}

async function drain(
  name: string,
  limits: { global: RateLimit; chat: RateLimit },
  env: Record<string, string>,
) {
  const run = await setup(name, limits, env, false);
  for (let i = 0; i < BACKLOG; i++) await run.enqueue(text(i), url(100_000 + i));
  run.spawnWorkers();
  const keys = createKeys(run.prefix);
  const done = async () => {
    const dropped = await run.redis.xlen(keys.dropped);
    return run.fake.messages(CHANNEL.id).length + dropped >= BACKLOG;
  };
  const deadline = Date.now() + 30 * 60_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${name}: backlog not drained in 30 minutes`);
    await sleep(200);
  }
  const sends = run.fake.requests.filter((r) => r.method === 'sendMessage' && r.status === 200);
  const first = sends[0]?.at ?? 0;
  const last = sends.at(-1)?.at ?? 0;
  const rate = (sends.length - 1) / ((last - first) / 1000);
  const allowed = Math.min(
    (limits.global.max * 1000) / limits.global.windowMs,
    (limits.chat.max * 1000) / limits.chat.windowMs,
  );
  const result = {
    posts: sends.length,
    seconds: (last - first) / 1000,
    rate,
    allowed,
    ratio: rate / allowed,
    tooMany: run.fake.stats.tooManyRequests.chat + run.fake.stats.tooManyRequests.global,
    earlyRetries: run.fake.earlyRetries,
  };
  await run.close();
  return result;
}

const lat = await latency();
// Global-bound: one channel allowed 40/s, the bot 30/s overall. Channel-bound: Telegram's
// 20 per minute, sped up 60× to 20 per second, under the 30/s global limit.
const globalBound = await drain(
  'global',
  { global: { max: 30, windowMs: 1000 }, chat: { max: 40, windowMs: 1000 } },
  { SEND_RATE_PER_SECOND: '30', CHANNEL_RATE_PER_MINUTE: String(40 * 60) },
);
const channelBound = await drain(
  'channel',
  { global: { max: 30, windowMs: 1000 }, chat: { max: 20, windowMs: 1000 } },
  { SEND_RATE_PER_SECOND: '30', CHANNEL_RATE_PER_MINUTE: String(20 * 60) },
);

const ms = (x: number) => `${x.toFixed(1)} ms`;
const lines = [
  '| measure | baseline: direct sendMessage | pipeline: enqueue → channel | ratio |',
  '|---|---:|---:|---:|',
  `| latency p50 (${SAMPLES} articles, no rate pressure) | ${ms(quantile(lat.direct, 0.5))} | ${ms(quantile(lat.piped, 0.5))} | ${(quantile(lat.piped, 0.5) / quantile(lat.direct, 0.5)).toFixed(1)}× |`,
  `| latency p99 | ${ms(quantile(lat.direct, 0.99))} | ${ms(quantile(lat.piped, 0.99))} | ${(quantile(lat.piped, 0.99) / quantile(lat.direct, 0.99)).toFixed(1)}× |`,
  '',
  `| drain (${BACKLOG}-article backlog, ${WORKERS} worker processes) | posts | seconds | rate/s | allowed/s | ratio | 429s | early retries |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...(
    [
      ['global-bound (30/s overall, channel 40/s)', globalBound],
      ['channel-bound (channel 20/s, 30/s overall)', channelBound],
    ] as const
  ).map(
    ([label, r]) =>
      `| ${label} | ${r.posts} | ${r.seconds.toFixed(1)} | ${r.rate.toFixed(2)} | ${r.allowed} | ${(r.ratio * 100).toFixed(1)}% | ${r.tooMany} | ${r.earlyRetries} |`,
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/delivery.json',
  JSON.stringify(
    {
      latency: {
        directP50: quantile(lat.direct, 0.5),
        directP99: quantile(lat.direct, 0.99),
        p50: quantile(lat.piped, 0.5),
        p99: quantile(lat.piped, 0.99),
      },
      globalBound,
      channelBound,
    },
    null,
    2,
  ),
);
