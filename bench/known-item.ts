// Known-item search: can a reader find the story they remember by two words of its title?
// Over every ANT article (bench/search/corpus.ts, one a minute, so later ids are newer), 500
// queries of two distinct title words (kept in title order), fixed seed. Prints MRR@10 and
// success@1 for the old tie-break (score, then recency) and the new one (score, then how
// closely the words stand in the title, then recency), both run here on the same index.
// Run: npm run bench:known-item [-- --redis-url URL --queries 500 --seed 14]
//   (writes bench/results/known-item.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRedis, deletePrefix } from '../src/redis.ts';
import { createKeys } from '../src/store/keys.ts';
import { createSearchIndex } from '../src/store/search-index.ts';
import { isIndexable } from '../src/text/query.ts';
import { tokenize } from '../src/text/tokenize.ts';
import { prng } from '../test/support/corpus.ts';
import { corpus, loadBase } from './search/corpus.ts';

const RESULTS = resolve(process.cwd(), 'bench/results/known-item.json');
const PREFIX = 'bench-known-item';
const K = 10;

const { values } = parseArgs({
  options: {
    'redis-url': { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
    queries: { type: 'string', default: '500' },
    seed: { type: 'string', default: '14' },
    misses: { type: 'boolean', default: false },
  },
});

interface Query {
  id: string;
  q: string;
}

/**
 * `count` queries: a random article, two distinct indexable words of its title in title
 * order: next to each other (`adjacent`, as people recall a headline: «حجز سيارة») or any two.
 */
function knownItemQueries(
  titles: readonly string[],
  count: number,
  seed: number,
  pairs: 'adjacent' | 'any',
): Query[] {
  const rnd = prng(seed);
  const out: Query[] = [];
  const seen = new Set<number>();
  for (let tries = 0; out.length < count && tries < count * 50; tries++) {
    const i = Math.floor(rnd() * titles.length);
    if (seen.has(i)) continue;
    // Stopwords are not searched; digits alone are not what people remember of a headline.
    const usable = tokenize(titles[i] ?? '').filter((t) => isIndexable(t) && !/^\d/.test(t));
    if (new Set(usable).size < 2) continue;
    let x: number;
    let y: number;
    if (pairs === 'adjacent') {
      x = Math.floor(rnd() * (usable.length - 1));
      y = x + 1;
    } else {
      const a = Math.floor(rnd() * usable.length);
      let b = Math.floor(rnd() * (usable.length - 1));
      if (b >= a) b++;
      [x, y] = a < b ? [a, b] : [b, a];
    }
    if (usable[x] === usable[y]) continue;
    seen.add(i);
    out.push({ id: `ant-${i}`, q: `${usable[x]} ${usable[y]}` });
  }
  return out;
}

interface Scores {
  mrr10: number;
  success1: number;
  found10: number;
}

async function main(): Promise<void> {
  const count = Number(values.queries);
  const seed = Number(values.seed);
  const base = loadBase();
  const redis = createRedis(values['redis-url'] ?? '', 'worker');
  const keys = createKeys(PREFIX);
  await deletePrefix(redis, PREFIX);
  try {
    const index = createSearchIndex({ redis, keys });
    const t0 = performance.now();
    const { indexed } = await index.rebuild(corpus(base, base.length));
    const indexMs = performance.now() - t0;
    const titles = base.map((b) => b.title);
    const title = (id: string) => base[Number(id.slice(4))]?.title ?? '?';

    const run = async (queries: Query[], closeness: boolean): Promise<Scores & { ms: number }> => {
      let rr = 0;
      let first = 0;
      let found = 0;
      const t = performance.now();
      for (const { id, q } of queries) {
        const { hits } = await index.search(q, { limit: K, closeness });
        const rank = hits.findIndex((h) => h.id === id) + 1;
        if (rank > 0) {
          rr += 1 / rank;
          found++;
        }
        if (rank === 1) first++;
        else if (values.misses && closeness) {
          console.log(`miss «${q}» → ${rank || '>10'}: ${title(id)}`);
          for (const h of hits.slice(0, 3)) console.log(`   ${h.score} ${title(h.id)}`);
        }
      }
      const n = queries.length;
      return {
        mrr10: rr / n,
        success1: first / n,
        found10: found / n,
        ms: (performance.now() - t) / n,
      };
    };

    const f = (x: number) => x.toFixed(3);
    console.log(`known-item search: ${indexed} ANT articles, ${count} queries each, seed ${seed}`);
    console.log(
      'queries        tie-break                           MRR@10  success@1  found@10  ms/query',
    );
    const rows: Record<string, unknown>[] = [];
    for (const pairs of ['adjacent', 'any'] as const) {
      const queries = knownItemQueries(titles, count, seed, pairs);
      const before = await run(queries, false);
      const after = await run(queries, true);
      rows.push({ pairs, queries: queries.length, before, after });
      for (const [name, r] of [
        ['before: score, recency', before],
        ['after:  score, closeness, recency', after],
      ] as const) {
        console.log(
          `${pairs.padEnd(15)}${name.padEnd(34)}${f(r.mrr10).padStart(8)}${f(r.success1).padStart(11)}${f(r.found10).padStart(10)}${r.ms.toFixed(2).padStart(10)}`,
        );
      }
    }
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(
      RESULTS,
      `${JSON.stringify({ articles: indexed, seed, indexMs, runs: rows }, null, 2)}\n`,
    );
  } finally {
    await deletePrefix(redis, PREFIX);
    redis.disconnect();
  }
}

await main();
