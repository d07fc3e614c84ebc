import { isIndexable, matchesWord } from '../text/query.ts';
import { stemLight10 } from '../text/stem.ts';
import { tokenize } from '../text/tokenize.ts';
import type { Postings } from './codec.ts';

// Ranking: by score, then closeness (how near the query words stand in the title), then
// sentAt, then doc number, best first. Doc numbers follow sentAt except for the few "late" docs
// (added out of time order, e.g. edits), so the n best can be chosen from scores and doc
// numbers alone, reading sentAt and titles only for the docs picked here.
//
// Closeness settles ties at one score: a known-item query (two words of a title) used to rank
// its story below every newer title holding both words apart (bench/known-item.ts).

export interface Candidate {
  doc: number;
  score: number;
}

export interface Ranked extends Candidate {
  sentAt: number;
  id: string;
  /** closeness() of the query to the doc's title; 0 when unknown. */
  closeness?: number;
}

/** Docs at the cut-off score whose titles are read to break the tie (the newest first). */
export const TIE_POOL = 200;

/**
 * A superset of the `n` best of `cands`: every doc scoring above the n-th best score, the
 * highest doc numbers at that score (at least `tiePool` of them, so closeness can reorder
 * them), and the late docs at that score (`late`: doc → sentAt).
 */
export function pickTop(
  cands: Postings,
  n: number,
  late: ReadonlyMap<number, number>,
  tiePool = 0,
): Candidate[] {
  const counts = new Uint32Array(256);
  for (const s of cands.scores) counts[s] = (counts[s] ?? 0) + 1;
  let threshold = 0;
  let above = 0;
  for (let s = 255; s > 0; s--) {
    const count = counts[s] ?? 0;
    if (above + count >= n) {
      threshold = s;
      break;
    }
    above += count;
  }
  const atMost = Math.max(n - above, tiePool);
  const picked: Candidate[] = [];
  let atThreshold = 0;
  for (let i = cands.docs.length - 1; i >= 0; i--) {
    const score = cands.scores[i] ?? 0;
    if (score < threshold) continue;
    const doc = cands.docs[i] ?? 0;
    if (score > threshold || late.has(doc)) picked.push({ doc, score });
    else if (atThreshold < atMost) {
      picked.push({ doc, score });
      atThreshold++;
    }
  }
  return picked;
}

/** Best first: higher score, then closer query words in the title, then newer, then later doc. */
export function byRank(a: Ranked, b: Ranked): number {
  return (
    b.score - a.score ||
    (b.closeness ?? 0) - (a.closeness ?? 0) ||
    b.sentAt - a.sentAt ||
    b.doc - a.doc
  );
}

/** The tie-break before closeness (score, then recency), kept for the benchmark's baseline. */
export function byRecency(a: Ranked, b: Ranked): number {
  return b.score - a.score || b.sentAt - a.sentAt || b.doc - a.doc;
}

/** The `n` best of `ranked`, in rank order. */
export function topRanked(
  ranked: readonly Ranked[],
  n: number,
  order: (a: Ranked, b: Ranked) => number = byRank,
): Ranked[] {
  return [...ranked].sort(order).slice(0, n);
}

const MAX_GAP = 90;

/**
 * How closely the query `words` stand together in `title` (higher is closer): 0 when some
 * word is not in the title; otherwise the shortest window of title tokens holding every word
 * scores higher the fewer tokens lie between them (adjacent best), plus a little when the
 * words stand in the query's order in it. Words match as in search (matchesWord).
 */
export function closeness(words: readonly string[], title: string): number {
  const qs = [...new Set(words.filter(isIndexable))];
  if (qs.length === 0) return 0;
  const tokens = tokenize(title).slice(0, 200);
  // Which query words each title token matches.
  const hits: number[][] = tokens.map((t) => {
    const one = new Set([t]);
    const stems = new Set([stemLight10(t)]);
    const out: number[] = [];
    qs.forEach((q, k) => {
      if (isIndexable(t) && matchesWord(q, one, stems)) out.push(k);
    });
    return out;
  });
  const k = qs.length;
  let best = Number.POSITIVE_INFINITY;
  let bestInOrder = false;
  // Shortest window ending at each token: the latest position of every word so far.
  const lastAt = new Array<number>(k).fill(-1);
  for (let i = 0; i < tokens.length; i++) {
    for (const q of hits[i] ?? []) lastAt[q] = i;
    if (lastAt.some((p) => p < 0)) continue;
    const start = Math.min(...lastAt);
    const span = i - start + 1;
    const inOrder = lastAt.every((p, j) => j === 0 || p > (lastAt[j - 1] ?? -1));
    if (span < best || (span === best && inOrder && !bestInOrder)) {
      best = span;
      bestInOrder = inOrder;
    }
  }
  if (!Number.isFinite(best)) return 0;
  const gap = Math.max(0, Math.min(MAX_GAP, best - k));
  return 1 + 2 * (MAX_GAP - gap) + (bestInOrder ? 1 : 0);
}
