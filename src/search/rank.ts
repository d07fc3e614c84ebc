import type { Postings } from './codec.ts';

// Ranking: by score, then sentAt, then doc number, best first. Doc numbers follow sentAt
// except for the few "late" docs (added out of time order, e.g. edits), so the n best can be
// chosen from scores and doc numbers alone, reading sentAt only for the docs picked here.

export interface Candidate {
  doc: number;
  score: number;
}

export interface Ranked extends Candidate {
  sentAt: number;
  id: string;
}

/**
 * A superset of the `n` best of `cands`: every doc scoring above the n-th best score, the
 * highest doc numbers at that score, and the late docs at that score (`late`: doc → sentAt).
 */
export function pickTop(
  cands: Postings,
  n: number,
  late: ReadonlyMap<number, number>,
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
  const picked: Candidate[] = [];
  let atThreshold = 0;
  for (let i = cands.docs.length - 1; i >= 0; i--) {
    const score = cands.scores[i] ?? 0;
    if (score < threshold) continue;
    const doc = cands.docs[i] ?? 0;
    if (score > threshold || late.has(doc)) picked.push({ doc, score });
    else if (atThreshold < n - above) {
      picked.push({ doc, score });
      atThreshold++;
    }
  }
  return picked;
}

/** Best first: higher score, then newer, then the later doc number. */
export function byRank(a: Ranked, b: Ranked): number {
  return b.score - a.score || b.sentAt - a.sentAt || b.doc - a.doc;
}

/** The `n` best of `ranked`, in rank order. */
export function topRanked(ranked: readonly Ranked[], n: number): Ranked[] {
  return [...ranked].sort(byRank).slice(0, n);
}
