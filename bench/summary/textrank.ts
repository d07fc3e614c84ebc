import { pageRank } from '../../src/article/summarize.ts';
import { isStopword } from '../../src/text/stopwords.ts';
import { tokenize } from '../../src/text/tokenize.ts';

/** Normalised, stopword-free tokens (classic TextRank: no stemming). */
export function textRankTokens(sentence: string): string[] {
  return tokenize(sentence).filter((token) => !isStopword(token));
}

/**
 * Mihalcea & Tarau's sentence similarity: shared words over log|Si| + log|Sj|
 * (TextRank, EMNLP 2004, section 4.1).
 */
export function overlapSimilarity(a: string[], b: string[]): number {
  if (a.length < 2 || b.length < 2) return 0;
  const setB = new Set(b);
  const shared = new Set(a.filter((word) => setB.has(word))).size;
  return shared / (Math.log(a.length) + Math.log(b.length));
}

/** TextRank scores of the sentences: PageRank (d = 0.85) over the word-overlap graph. */
export function textRankScores(sentences: string[]): number[] {
  const tokens = sentences.map(textRankTokens);
  const weights = tokens.map((a, i) =>
    tokens.map((b, j) => (i === j ? 0 : overlapSimilarity(a, b))),
  );
  return pageRank(weights, 0.85);
}

/** Indices by descending score (ties: earlier first). */
export function rankByScore(scores: number[]): number[] {
  return scores
    .map((score, index) => ({ score, index }))
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map(({ index }) => index);
}
