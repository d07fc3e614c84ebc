import { countWords } from '../../src/article/summarize.ts';

/**
 * Takes sentences in the given preference order until the word budget is reached (the last
 * one may overshoot: every method is cut the same way), then returns them in story order.
 */
export function pickWithinBudget(sentences: string[], order: number[], budget: number): string[] {
  const chosen: number[] = [];
  let words = 0;
  for (const index of order) {
    if (words >= budget) break;
    const sentence = sentences[index];
    if (sentence === undefined) continue;
    chosen.push(index);
    words += countWords(sentence);
  }
  return chosen.sort((a, b) => a - b).map((i) => sentences[i]!);
}

/** Lead-N by words: the first sentences until the budget is reached. */
export function leadByWords(sentences: string[], budget: number): string[] {
  return pickWithinBudget(
    sentences,
    sentences.map((_, i) => i),
    budget,
  );
}

/** Lead with the default summary rule: three sentences, or two when the third would pass maxWords. */
export function leadDefault(sentences: string[], maxWords = 60): string[] {
  const two = sentences.slice(0, 2);
  const third = sentences[2];
  const words = two.reduce((sum, s) => sum + countWords(s), 0);
  return third === undefined || words + countWords(third) > maxWords ? two : [...two, third];
}
