import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED } from '../../src/demo/corpus.ts';

// The corpus reader lives in src/demo/corpus.ts (the demo posts from it); the samplers only tests use stay here.
export {
  type AntArticle,
  antAsText,
  antPaths,
  antSample,
  FIXTURE_PATH,
  readAnt,
  SHARED,
} from '../../src/demo/corpus.ts';

/** Every `step`-th file of one category, sorted by name: a fixed, spread-out sample of paths. */
export function antCategorySample(category: string, count: number, step = 37): string[] {
  const dir = join(SHARED, 'corpus/ant', category);
  const files = readdirSync(dir).sort();
  const out: string[] = [];
  for (let i = 0; i < files.length && out.length < count; i += step) out.push(join(dir, files[i]!));
  return out;
}

/** mulberry32: a small, fast, seedable PRNG, so a random run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
