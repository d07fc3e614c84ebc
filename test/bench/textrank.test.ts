import { describe, expect, it } from 'vitest';
import {
  overlapSimilarity,
  rankByScore,
  textRankScores,
  textRankTokens,
} from '../../bench/summary/textrank.ts';

describe('TextRank baseline', () => {
  it('tokens are normalised and stopword-free, not stemmed', () => {
    expect(textRankTokens('وقال وزیر الدفاع في طهران إن التعاون مستمر')).toEqual([
      'وزير',
      'الدفاع',
      'طهران',
      'التعاون',
      'مستمر',
    ]);
  });

  it('similarity: shared words over log|Si| + log|Sj|', () => {
    expect(overlapSimilarity(['a', 'b', 'c'], ['a', 'b', 'd'])).toBeCloseTo(
      2 / (2 * Math.log(3)),
      10,
    );
    expect(overlapSimilarity(['a'], ['a', 'b'])).toBe(0);
    expect(overlapSimilarity(['a', 'b'], ['c', 'd'])).toBe(0);
  });

  it('the sentence that shares most with the others ranks first', () => {
    const sentences = [
      'الطقس حار اليوم في المدينة الساحلية الجميلة.',
      'اتفق الأردن والعراق على مد خط النفط بين البصرة والعقبة.',
      'خط النفط بين البصرة والعقبة ينقل مليون برميل.',
      'الأردن والعراق وقعا اتفاق خط النفط.',
    ];
    const scores = textRankScores(sentences);
    expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const order = rankByScore(scores);
    expect(order.at(-1)).toBe(0);
  });

  it('rankByScore breaks ties by position', () => {
    expect(rankByScore([0.2, 0.5, 0.2, 0.1])).toEqual([1, 0, 2, 3]);
  });
});
