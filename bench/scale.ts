import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Worker } from 'bullmq';
import { rawFromInput } from '../src/article/input.ts';
import { buildArticle } from '../src/article/pipeline.ts';
import { loadConfig } from '../src/config.ts';
import { antPaths, readAnt } from '../src/demo/corpus.ts';
import type { DmJob } from '../src/jobs/alerts.ts';
import { createQueues } from '../src/jobs/queues.ts';
import { createRedis } from '../src/redis.ts';
import type { StoredArticle } from '../src/store/articles.ts';
import { articleToIndexDoc } from '../src/store/search-index.ts';
import { createStores } from '../src/stores.ts';
import { RedisServer } from '../test/support/redis-server.ts';

// bench/scale: how Redis memory and CPU grow with channels, follows and articles, on a
// throwaway redis-server (random port, temp dir) that is stopped afterwards.
//   npm run bench:scale -- [--channels 50] [--follows 1000000] [--articles 100000] [--alerts 2000]
//   npm run bench:scale -- --quick      (5 channels, 2,000 follows, 200 articles: a smoke run)
// Reports: Redis bytes per follow and per article (INFO used_memory deltas, MEMORY USAGE samples),
// CPU per article through build → dedupe → store → post record → index → alert matching
// (process.cpuUsage in this process, INFO used_cpu_* for Redis), and the alert fan-out time at
// Telegram's limits, from the measured per-alert cost (a BullMQ DM job through the rate gate
// and the alerted-set, without the Telegram round trip).

const { values } = parseArgs({
  options: {
    channels: { type: 'string', default: '50' },
    follows: { type: 'string', default: '1000000' },
    articles: { type: 'string', default: '100000' },
    alerts: { type: 'string', default: '2000' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const CHANNELS = quick ? 5 : Number(values.channels);
const FOLLOWS = quick ? 2000 : Number(values.follows);
const ARTICLES = quick ? 200 : Number(values.articles);
const ALERTS = quick ? 300 : Number(values.alerts);
const FOLLOWS_PER_USER = 5;
const BATCH = 200;

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

async function main() {
  const server = await RedisServer.start();
  const redis = createRedis(server.url, 'worker');
  const config = loadConfig({
    REDIS_URL: server.url,
    REDIS_PREFIX: 'scale',
    PAID_BROADCAST_PER_SECOND: '1000',
    PRIVATE_RATE_PER_MINUTE: '10000',
  });
  const stores = createStores(config, { redis });
  const info = async (section: string, field: string) => {
    const text = await redis.info(section);
    return Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  };
  const usedMemory = () => info('memory', 'used_memory');
  const redisCpu = async () =>
    (await info('cpu', 'used_cpu_user')) + (await info('cpu', 'used_cpu_sys'));

  try {
    // The corpus: real Arabic articles; beyond its size, articles mix sentences of several.
    const paths = antPaths();
    const corpus = paths.slice(0, Math.min(paths.length, 3000)).map(readAnt);
    const rand = prng(13);
    const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)] as T;
    const vocabulary = [
      ...new Set(corpus.flatMap((a) => a.title.split(/\s+/).filter((w) => w.length >= 4))),
    ];
    const channels = Array.from({ length: CHANNELS }, (_, i) => `@scale_channel_${i}`);

    // ---- follows -------------------------------------------------------------------------
    const mem0 = await usedMemory();
    const followStart = performance.now();
    let added = 0;
    for (let i = 0; i < FOLLOWS; i += BATCH) {
      const batch = [];
      for (let j = i; j < Math.min(FOLLOWS, i + BATCH); j++) {
        const user = 1_000_000 + Math.floor(j / FOLLOWS_PER_USER);
        const query = rand() < 0.3 ? `${pick(vocabulary)} ${pick(vocabulary)}` : pick(vocabulary);
        batch.push(stores.follows.add(user, query, 'ar'));
      }
      for (const r of await Promise.all(batch)) if (r.ok) added++;
    }
    const followSec = (performance.now() - followStart) / 1000;
    const mem1 = await usedMemory();

    // ---- articles through the pipeline -----------------------------------------------------
    const cpu = { build: 0, dedupe: 0, store: 0, index: 0, match: 0 };
    const redisCpu0 = await redisCpu();
    let stored = 0;
    let dropped = 0;
    let matchedTotal = 0;
    const articleStart = performance.now();
    for (let i = 0; i < ARTICLES; i++) {
      const base = corpus[i % corpus.length];
      if (!base) throw new Error('empty corpus');
      const text =
        i < corpus.length
          ? `${base.title}\n\n${base.text}`
          : `${base.title} ${pick(vocabulary)}\n\n${[pick(corpus), pick(corpus), pick(corpus)]
              .map((a) => a.text.slice(0, 600))
              .join('\n')}`;
      let t = process.cpuUsage();
      const article = buildArticle(
        rawFromInput(text, { url: `https://scale.example/a/${i}`, sourceId: 'scale' }),
      );
      cpu.build += cpuMs(process.cpuUsage(t));
      t = process.cpuUsage();
      const dup = await stores.dedupe.check(article);
      cpu.dedupe += cpuMs(process.cpuUsage(t));
      if (dup) {
        dropped++;
        continue;
      }
      t = process.cpuUsage();
      const full: StoredArticle = { ...article, seq: i + 1 };
      await stores.articles.create(full);
      const chat = channels[i % channels.length] ?? '@scale_channel_0';
      await stores.posts.record({
        articleId: article.id,
        chat,
        chatId: -1001000000000 - (i % CHANNELS),
        messageId: i + 1,
        sentAt: new Date().toISOString(),
        kind: 'text',
      });
      cpu.store += cpuMs(process.cpuUsage(t));
      t = process.cpuUsage();
      const doc = articleToIndexDoc(full, Date.now());
      await stores.search.add(doc);
      cpu.index += cpuMs(process.cpuUsage(t));
      t = process.cpuUsage();
      matchedTotal += (await stores.follows.match(doc)).length;
      cpu.match += cpuMs(process.cpuUsage(t));
      stored++;
    }
    const articleSec = (performance.now() - articleStart) / 1000;
    const redisCpuArticles = (await redisCpu()) - redisCpu0;
    const mem2 = await usedMemory();
    const sampleId = (await stores.posts.timeline({ count: 1 }))[0]?.id ?? '';
    const articleKeyBytes = sampleId
      ? Number(await redis.memory('USAGE', stores.keys.article(sampleId)))
      : Number.NaN;

    // ---- alert fan-out cost -----------------------------------------------------------------
    // A DM job as jobs/alerts.ts runs it, minus Telegram: gate slot (paid bucket, high limit
    // so nothing waits) + the alerted set. BullMQ overhead (add, fetch, complete) included.
    const queues = createQueues({ connection: redis, keys: stores.keys });
    const articleId = sampleId || 'none';
    const cpuAlerts0 = process.cpuUsage();
    const redisCpu1 = await redisCpu();
    const alertStart = performance.now();
    let done = 0;
    let resolveDone: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const workerRedis = createRedis(server.url, 'worker');
    const worker = new Worker(
      'alerts',
      async (job) => {
        const chat = String(job.data.userId);
        await stores.gate.admit(chat, '', { paid: true });
        await redis
          .multi()
          .sadd(stores.keys.alerted(articleId), chat)
          .expire(stores.keys.alerted(articleId), 86_400)
          .exec();
        done++;
        if (done === ALERTS) resolveDone();
      },
      { connection: workerRedis, prefix: stores.keys.bull, concurrency: 16 },
    );
    for (let i = 0; i < ALERTS; i += 500) {
      const jobs: { name: string; data: DmJob }[] = [];
      for (let j = i; j < Math.min(ALERTS, i + 500); j++) {
        jobs.push({
          name: 'dm',
          data: { articleId, userId: 2_000_000 + j, title: 't', query: 'q', lang: 'ar' },
        });
      }
      await queues.alerts.addBulk(jobs);
    }
    await finished;
    await worker.close();
    workerRedis.disconnect();
    const alertSec = (performance.now() - alertStart) / 1000;
    const alertCpuMs = cpuMs(process.cpuUsage(cpuAlerts0)) / ALERTS;
    const alertRedisMs = (((await redisCpu()) - redisCpu1) * 1000) / ALERTS;
    await queues.close();

    const perArticleCpu = Object.fromEntries(
      Object.entries(cpu).map(([k, v]) => [
        k,
        v / Math.max(1, k === 'build' || k === 'dedupe' ? ARTICLES : stored),
      ]),
    );
    const pipelineMs = Object.values(perArticleCpu).reduce((a, b) => a + b, 0);
    const perAlertWallMs = (alertSec * 1000) / ALERTS;
    const fanout = (followers: number) => ({
      followers,
      at30: followers / 30,
      at1000: followers / 1000,
      // One worker process's own ceiling, from the measured per-alert cost.
      oneWorkerPerSecond: 1000 / perAlertWallMs,
    });
    const result = {
      sizes: {
        channels: CHANNELS,
        follows: FOLLOWS,
        followsStored: added,
        articles: ARTICLES,
        stored,
        dropped,
        alerts: ALERTS,
      },
      memory: {
        bytesPerFollow: (mem1 - mem0) / Math.max(1, added),
        bytesPerArticle: (mem2 - mem1) / Math.max(1, stored),
        articleRecordBytes: articleKeyBytes,
        usedMemoryMb: mem2 / 1048576,
      },
      cpuMsPerArticle: {
        ...perArticleCpu,
        pipeline: pipelineMs,
        redis: (redisCpuArticles * 1000) / Math.max(1, ARTICLES),
      },
      throughput: {
        followsPerSecond: FOLLOWS / followSec,
        articlesPerSecond: ARTICLES / articleSec,
      },
      matchesPerArticle: matchedTotal / Math.max(1, stored),
      alert: { wallMs: perAlertWallMs, nodeCpuMs: alertCpuMs, redisCpuMs: alertRedisMs },
      fanout: [1000, 10_000, 100_000, 1_000_000].map(fanout),
    };
    const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
    console.log(
      `bench/scale: ${CHANNELS} channels, ${added} follows, ${stored} articles stored (${dropped} dropped as duplicates), ${ALERTS} alerts`,
    );
    console.log('');
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| Redis bytes per follow | ${f(result.memory.bytesPerFollow, 0)} |`);
    console.log(
      `| Redis bytes per article (record, post, timeline, dedupe, index) | ${f(result.memory.bytesPerArticle, 0)} |`,
    );
    console.log(`| of which the article record (MEMORY USAGE) | ${f(articleKeyBytes, 0)} |`);
    console.log(`| Redis used_memory at the end | ${f(result.memory.usedMemoryMb, 1)} MB |`);
    for (const [k, v] of Object.entries(perArticleCpu))
      console.log(`| node CPU ms per article: ${k} | ${f(v, 3)} |`);
    console.log(`| node CPU ms per article: whole pipeline | ${f(pipelineMs, 3)} |`);
    console.log(`| Redis CPU ms per article | ${f(result.cpuMsPerArticle.redis, 3)} |`);
    console.log(`| follow matches per article | ${f(result.matchesPerArticle, 1)} |`);
    console.log(
      `| per alert DM job (no Telegram): wall ms / node CPU ms / Redis CPU ms | ${f(perAlertWallMs, 3)} / ${f(alertCpuMs, 3)} / ${f(alertRedisMs, 3)} |`,
    );
    console.log('');
    console.log('| followers matched | at 30/s | at 1000/s (paid) | one worker ceiling |');
    console.log('|---|---|---|---|');
    for (const r of result.fanout) {
      console.log(
        `| ${r.followers} | ${f(r.at30 / 60, 1)} min | ${f(r.at1000 / 60, 1)} min | ${f(r.oneWorkerPerSecond, 0)}/s |`,
      );
    }
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/scale.json', `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await stores.close();
    redis.disconnect();
    await server.stop();
  }
}

await main();
process.exit(0);
