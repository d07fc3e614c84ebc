export type Fold = 'A' | 'B';

/**
 * The fold of an EASC topic ("topic-001"). The development half holds only odd topic numbers
 * (001, 003, … 153), so odd/even is taken on the ordinal (n − 1) / 2: A = 001, 005, 009, …,
 * B = 003, 007, 011, … Anything else has no fold.
 */
export function foldOf(topicId: string): Fold | undefined {
  const match = /^topic-(\d{1,6})$/.exec(topicId);
  if (!match) return undefined;
  const n = Number(match[1]);
  if (n % 2 === 0) return undefined;
  return ((n - 1) / 2) % 2 === 0 ? 'A' : 'B';
}

export interface PairedDifference {
  /** Mean of a[i] − b[i]. */
  mean: number;
  /** Standard error of that mean (sample SD / √n); NaN below two pairs. */
  se: number;
  wins: number;
  losses: number;
  ties: number;
}

// Per-topic ROUGE values printed to four decimals: closer than this is the same summary.
const TIE = 1e-12;

/** Paired comparison of two methods' per-topic scores: mean difference, its SE, and the tally. */
export function pairedDifference(a: number[], b: number[]): PairedDifference {
  if (a.length !== b.length) throw new RangeError(`unpaired scores: ${a.length} vs ${b.length}`);
  const diffs = a.map((x, i) => x - b[i]!);
  const n = diffs.length;
  const mean = n === 0 ? 0 : diffs.reduce((sum, d) => sum + d, 0) / n;
  const variance =
    n < 2 ? Number.NaN : diffs.reduce((sum, d) => sum + (d - mean) ** 2, 0) / (n - 1);
  const wins = diffs.filter((d) => d > TIE).length;
  const losses = diffs.filter((d) => d < -TIE).length;
  return { mean, se: Math.sqrt(variance / n), wins, losses, ties: n - wins - losses };
}
