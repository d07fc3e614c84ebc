import { normalizeForMatch } from '../../src/text/normalize.ts';
import { tokenize } from '../../src/text/tokenize.ts';

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

/** Tokens for ROUGE: both sides normalised (the human summaries often drop hamzas), no stemming. */
export function rougeTokens(text: string): string[] {
  return tokenize(normalizeForMatch(text));
}

/** Counts of each n-gram. */
export function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** ROUGE-N against one reference: clipped (count-based) n-gram overlap. */
export function rougeN(candidate: string, reference: string, n: number): RougeScore {
  const cand = ngramCounts(rougeTokens(candidate), n);
  const ref = ngramCounts(rougeTokens(reference), n);
  let overlap = 0;
  let candTotal = 0;
  let refTotal = 0;
  for (const [gram, count] of cand) {
    candTotal += count;
    overlap += Math.min(count, ref.get(gram) ?? 0);
  }
  for (const count of ref.values()) refTotal += count;
  const precision = candTotal === 0 ? 0 : overlap / candTotal;
  const recall = refTotal === 0 ? 0 : overlap / refTotal;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** Mean ROUGE-N F1 over several references (EASC has five human summaries per article). */
export function meanRougeF1(candidate: string, references: string[], n: number): number {
  if (references.length === 0) return 0;
  const total = references.reduce((sum, ref) => sum + rougeN(candidate, ref, n).f1, 0);
  return total / references.length;
}
