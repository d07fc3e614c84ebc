// Search: our Redis index against PostgreSQL full-text search, on the ANT corpus (10k) and
// deterministic variants of it (100k, 1M). Indexing throughput, memory per article, query
// latency p50/p99 on a fixed mix of one-, two- and three-word queries, and recall when the
// same words are typed in Persian letter forms.
// Run: npx tsx bench/search.ts [--sizes 10k,100k,1m] [--redis-url URL] [--warmup N]
//   (writes bench/results/search.json, merged by size)
// Without --redis-url it starts its own redis-server (no persistence, no maxmemory) so that
// INFO used_memory counts only the index and the shared server is left alone.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { createRedis } from '../src/redis.ts';
import { createKeys } from '../src/store/keys.ts';
import { createSearchIndex, type SearchIndex } from '../src/store/search-index.ts';
import { RedisServer } from '../test/support/redis-server.ts';
import {
  type BaseDoc,
  buildQueryMix,
  corpus,
  docNumber,
  loadBase,
  makeDoc,
} from './search/corpus.ts';
import { connectPg, dropPg, loadPg, pgSizes, pgVersion, searchPg } from './search/pg.ts';

const RESULTS = resolve(process.cwd(), 'bench/results/search.json');
const PREFIX = 'bench-search';
const LIMIT = 10;

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10k,100k' },
    'redis-url': { type: 'string' },
    warmup: { type: 'string', default: '1' },
  },
});

function parseSize(label: string, base: BaseDoc[]): number {
  if (label === '10k') return base.length; // the ANT corpus itself
  const m = /^(\d+)(k|m)?$/i.exec(label.trim());
  if (!m) throw new Error(`bad size '${label}': use e.g. 10k, 100k, 1m`);
  return Number(m[1]) * (m[2]?.toLowerCase() === 'm' ? 1e6 : m[2] ? 1e3 : 1);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

async function deletePrefix(redis: Redis): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `{${PREFIX}}*`, 'COUNT', 5000);
    cursor = next;
    if (batch.length > 0) await redis.unlink(...batch);
  } while (cursor !== '0');
}

interface Latency {
  p50: number;
  p99: number;
  mean: number;
  max: number;
  /** Queries with at least one result. */
  answered: number;
}

/** Runs every query `warmup` times unmeasured, then once measured. */
async function measure(
  queries: string[],
  run: (q: string) => Promise<number>,
  warmup: number,
): Promise<Latency> {
  for (let w = 0; w < warmup; w++) for (const q of queries) await run(q);
  const times: number[] = [];
  let answered = 0;
  for (const q of queries) {
    const t0 = performance.now();
    const found = await run(q);
    times.push(performance.now() - t0);
    if (found > 0) answered++;
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  return {
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    mean,
    max: times.at(-1)!,
    answered,
  };
}

/** Mean share of the Arabic-form top 10 that the Persian-form query also returns. */
async function letterFormRecall(
  pairs: { arabic: string; persian: string }[],
  top: (q: string) => Promise<string[]>,
): Promise<{ recall: number; pairs: number }> {
  let sum = 0;
  let counted = 0;
  for (const { arabic, persian } of pairs) {
    const expected = await top(arabic);
    if (expected.length === 0) continue;
    const got = new Set(await top(persian));
    sum += expected.filter((id) => got.has(id)).length / expected.length;
    counted++;
  }
  return { recall: counted === 0 ? Number.NaN : sum / counted, pairs: counted };
}

interface EngineRow {
  engine: string;
  docs: number;
  indexMs: number;
  articlesPerSecond: number;
  indexBytesPerArticle: number;
  totalBytesPerArticle: number;
  latency: Latency;
  letterForms: { recall: number; pairs: number };
  notes: Record<string, number | string>;
}

async function benchRedis(
  redis: Redis,
  base: BaseDoc[],
  size: number,
  queries: string[],
  pairs: { arabic: string; persian: string }[],
  warmup: number,
): Promise<EngineRow> {
  await deletePrefix(redis);
  const keys = createKeys(PREFIX);
  const index: SearchIndex = createSearchIndex({
    redis,
    keys,
    // Phrase checks (none in this mix) would regenerate the text from the id.
    loadText: async (id) => {
      const n = docNumber(id);
      return n === undefined ? undefined : makeDoc(base, n);
    },
  });
  const before = await usedMemory(redis);
  const t0 = performance.now();
  const { indexed } = await index.rebuild(corpus(base, size));
  const indexMs = performance.now() - t0;
  const after = await usedMemory(redis);
  const stats = await index.stats();
  let anyMode = 0;
  const latency = await measure(
    queries,
    async (q) => {
      const r = await index.search(q, { limit: LIMIT });
      if (r.mode === 'any') anyMode++;
      return r.hits.length;
    },
    warmup,
  );
  const letterForms = await letterFormRecall(pairs, async (q) =>
    (await index.search(q, { limit: LIMIT })).hits.map((h) => h.id),
  );
  const keyCount = await redis.dbsize();
  await deletePrefix(redis);
  return {
    engine: 'Redis (ours)',
    docs: indexed,
    indexMs,
    articlesPerSecond: indexed / (indexMs / 1000),
    indexBytesPerArticle: stats.bytes / indexed,
    totalBytesPerArticle: (after - before) / indexed,
    latency,
    letterForms,
    notes: {
      'MEMORY USAGE bytes': stats.bytes,
      'used_memory delta': after - before,
      keys: keyCount,
      'any-word fallbacks (all passes)': anyMode,
    },
  };
}

async function benchPg(
  base: BaseDoc[],
  size: number,
  queries: string[],
  pairs: { arabic: string; persian: string }[],
  warmup: number,
): Promise<EngineRow & { version: string }> {
  const { client, database } = await connectPg();
  try {
    await client.query(`SET statement_timeout = '300s'`);
    const load = await loadPg(client, corpus(base, size));
    const sizes = await pgSizes(client);
    const latency = await measure(
      queries,
      async (q) => (await searchPg(client, q, LIMIT)).length,
      warmup,
    );
    const letterForms = await letterFormRecall(pairs, (q) => searchPg(client, q, LIMIT));
    const indexMs = load.loadMs + load.indexMs;
    const version = await pgVersion(client);
    await dropPg(client);
    return {
      engine: `PostgreSQL ${version}`,
      version,
      docs: load.docs,
      indexMs,
      articlesPerSecond: load.docs / (indexMs / 1000),
      indexBytesPerArticle: sizes.indexBytes / load.docs,
      totalBytesPerArticle: sizes.totalBytes / load.docs,
      latency,
      letterForms,
      notes: {
        database,
        'load ms (INSERT + to_tsvector)': Math.round(load.loadMs),
        'GIN build + ANALYZE ms': Math.round(load.indexMs),
        'GIN index bytes': sizes.indexBytes,
        'table + index bytes (texts included)': sizes.totalBytes,
      },
    };
  } finally {
    await client.end();
  }
}

const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function printTable(label: string, size: number, genMs: number, rows: EngineRow[]): void {
  const redis = rows[0]!;
  console.log(`\n### ${label}: ${size.toLocaleString('en')} articles`);
  console.log(
    `(generating the articles alone takes ${fmt(genMs / 1000, 1)} s; both engines' index times include it)\n`,
  );
  console.log(
    '| engine | index s | articles/s | index bytes/article | total bytes/article | p50 ms | p99 ms | p99 ratio (÷ Redis) | queries answered | letter-form recall (top 10) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.engine} | ${fmt(r.indexMs / 1000, 1)} | ${fmt(r.articlesPerSecond, 0)} | ${fmt(r.indexBytesPerArticle, 0)} | ${fmt(r.totalBytesPerArticle, 0)} | ${fmt(r.latency.p50)} | ${fmt(r.latency.p99)} | ${fmt(r.latency.p99 / redis.latency.p99)} | ${r.latency.answered} | ${fmt(r.letterForms.recall, 3)} (${r.letterForms.pairs} words) |`,
    );
  }
  for (const r of rows) {
    const notes = Object.entries(r.notes).map(
      ([k, v]) => `${k}: ${typeof v === 'number' ? Math.round(v).toLocaleString('en') : v}`,
    );
    console.log(
      `\n${r.engine}: ${notes.join('; ')}; mean ${fmt(r.latency.mean)} ms, max ${fmt(r.latency.max)} ms`,
    );
  }
}

async function main(): Promise<void> {
  const warmup = Number(values.warmup);
  if (!Number.isInteger(warmup) || warmup < 0) throw new Error('--warmup must be 0 or more');
  const base = loadBase();
  const mix = buildQueryMix(base);
  const queries = mix.queries.map((q) => q.q);
  const labels = (values.sizes ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const sizes = labels.map((label) => ({ label, size: parseSize(label, base) }));

  const server = values['redis-url'] ? undefined : await RedisServer.start({ aof: false });
  const redisUrl = values['redis-url'] ?? server!.url;
  const redis = createRedis(redisUrl, 'worker');
  const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
  console.log(
    `ANT base: ${base.length} articles; queries: ${queries.length} (${mix.queries.filter((q) => q.words === 1).length} one-word across 4 document-frequency bands, ${mix.queries.filter((q) => q.words === 2).length} two-word, ${mix.queries.filter((q) => q.words === 3).length} three-word); letter-form words: ${mix.letterForms.length}`,
  );
  console.log(
    `Redis ${redisVersion} (${server ? 'bench-owned redis-server' : redisUrl}), warm-up passes: ${warmup}`,
  );

  const results: Record<string, unknown>[] = [];
  try {
    for (const { label, size } of sizes) {
      const startedAt = performance.now();
      const g0 = performance.now();
      let chars = 0;
      for (const doc of corpus(base, size)) chars += doc.title.length + doc.text.length;
      const genMs = performance.now() - g0;
      const redisRow = await benchRedis(redis, base, size, queries, mix.letterForms, warmup);
      const pgRow = await benchPg(base, size, queries, mix.letterForms, warmup);
      printTable(label, size, genMs, [redisRow, pgRow]);
      const wallS = (performance.now() - startedAt) / 1000;
      console.log(`\n${label} took ${fmt(wallS / 60, 1)} min in all`);
      results.push({
        label,
        articles: size,
        meanChars: chars / size,
        generateMs: genMs,
        wallSeconds: wallS,
        redis: redisRow,
        postgres: pgRow,
        p50Ratio: pgRow.latency.p50 / redisRow.latency.p50,
        p99Ratio: pgRow.latency.p99 / redisRow.latency.p99,
      });
    }
  } finally {
    redis.disconnect();
    await server?.destroy();
  }

  // Merge by size label, so a later 1M run adds to the 10k/100k numbers.
  const previous = existsSync(RESULTS)
    ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { sizes?: { label: string }[] })
    : {};
  const merged = [
    ...(previous.sizes ?? []).filter((s) => !results.some((r) => r.label === s.label)),
    ...results,
  ];
  mkdirSync(resolve(RESULTS, '..'), { recursive: true });
  writeFileSync(
    RESULTS,
    `${JSON.stringify(
      {
        machine: {
          cpus: cpus().length,
          memGiB: Math.round(totalmem() / 2 ** 30),
          node: process.version,
        },
        redis: { version: redisVersion, server: server ? 'bench-owned' : 'external' },
        queries: mix.queries,
        letterForms: mix.letterForms,
        recallDefinition:
          'mean over words of |top10(Persian form) ∩ top10(Arabic form)| / |top10(Arabic form)|, words whose Arabic form finds nothing are skipped',
        sizes: merged,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${RESULTS}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
