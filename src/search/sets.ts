import { NO_POSTINGS, type Postings } from './codec.ts';

// Set algebra over decoded posting lists: linear merges of ascending doc numbers, scores kept
// per doc. Scores fit a byte: sums are capped at 255.

/** Combines the scores of a doc found in two lists. */
export type Combine = (x: number, y: number) => number;

/** The better of two scores: the lists of one query word are alternatives. */
export const maxScore: Combine = (x, y) => Math.max(x, y);
/** Both scores, capped at 255: each word a doc matches adds to its rank. */
export const sumScore: Combine = (x, y) => Math.min(255, x + y);

/** Docs in either list; the score of a doc in both is combined by `combine`. */
export function unite(a: Postings, b: Postings, combine: Combine): Postings {
  if (a.docs.length === 0) return b;
  if (b.docs.length === 0) return a;
  const docs = new Uint32Array(a.docs.length + b.docs.length);
  const scores = new Uint8Array(docs.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.docs.length && j < b.docs.length) {
    const x = a.docs[i] ?? 0;
    const y = b.docs[j] ?? 0;
    if (x < y) {
      docs[n] = x;
      scores[n++] = a.scores[i++] ?? 0;
    } else if (y < x) {
      docs[n] = y;
      scores[n++] = b.scores[j++] ?? 0;
    } else {
      docs[n] = x;
      scores[n++] = combine(a.scores[i++] ?? 0, b.scores[j++] ?? 0);
    }
  }
  docs.set(a.docs.subarray(i), n);
  scores.set(a.scores.subarray(i), n);
  n += a.docs.length - i;
  docs.set(b.docs.subarray(j), n);
  scores.set(b.scores.subarray(j), n);
  n += b.docs.length - j;
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/** Every list united, scores combined by `combine`. */
export function uniteAll(lists: readonly Postings[], combine: Combine): Postings {
  return lists.reduce((a, b) => unite(a, b, combine), NO_POSTINGS);
}

/** `a`'s score alone: `b` only filters (a section filter is no match). */
export const firstScore: Combine = (x) => x;

/** Docs in both lists; their scores combined by `combine` (summed, capped at 255, by default). */
export function intersect(a: Postings, b: Postings, combine: Combine = sumScore): Postings {
  const size = Math.min(a.docs.length, b.docs.length);
  const docs = new Uint32Array(size);
  const scores = new Uint8Array(size);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.docs.length && j < b.docs.length) {
    const x = a.docs[i] ?? 0;
    const y = b.docs[j] ?? 0;
    if (x < y) i++;
    else if (y < x) j++;
    else {
      docs[n] = x;
      scores[n++] = combine(a.scores[i++] ?? 0, b.scores[j++] ?? 0);
    }
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/** Docs in every list (none for no lists), shortest list first so the work stays small. */
export function intersectAll(lists: readonly Postings[]): Postings {
  const sorted = [...lists].sort((a, b) => a.docs.length - b.docs.length);
  let result = sorted[0] ?? NO_POSTINGS;
  for (const list of sorted.slice(1)) {
    if (result.docs.length === 0) break;
    result = intersect(result, list);
  }
  return result;
}

/** Drops docs whose bit is set in `dead`, a Redis bitmap (most significant bit first). */
export function dropDead(p: Postings, dead: Uint8Array | null | undefined): Postings {
  if (!dead || dead.length === 0) return p;
  const docs = new Uint32Array(p.docs.length);
  const scores = new Uint8Array(p.docs.length);
  let n = 0;
  for (let i = 0; i < p.docs.length; i++) {
    const doc = p.docs[i] ?? 0;
    const byte = dead[doc >>> 3] ?? 0;
    if ((byte >> (7 - (doc & 7))) & 1) continue;
    docs[n] = doc;
    scores[n++] = p.scores[i] ?? 0;
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/** `p` without the docs in `drop`. */
export function withoutDocs(p: Postings, drop: ReadonlySet<number>): Postings {
  if (drop.size === 0) return p;
  const keep: number[] = [];
  for (let i = 0; i < p.docs.length; i++) if (!drop.has(p.docs[i] ?? 0)) keep.push(i);
  return {
    docs: Uint32Array.from(keep, (i) => p.docs[i] ?? 0),
    scores: Uint8Array.from(keep, (i) => p.scores[i] ?? 0),
  };
}
