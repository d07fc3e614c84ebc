import { describe, expect, it } from 'vitest';
import { meanRougeF1, ngramCounts, rougeN, rougeTokens } from '../../bench/summary/rouge.ts';

describe('ROUGE', () => {
  it('identical texts score 1', () => {
    const text = 'له الفضل الأعظم في تطوير الموسيقى الكلاسيكية.';
    expect(rougeN(text, text, 1).f1).toBe(1);
    expect(rougeN(text, text, 2).f1).toBe(1);
  });

  it('normalises both sides: dropped hamzas still match (the EASC summaries drop them)', () => {
    expect(rougeN('له الفضل الأعظم', 'له الفضل الاعظم', 2).f1).toBe(1);
    expect(rougeTokens('وزیر الدفاع')).toEqual(['وزير', 'الدفاع']);
  });

  it('counts clipped overlaps: precision and recall by hand', () => {
    // candidate bigrams: a b, b a, a b (a b twice); reference bigrams: a b, b c.
    const score = rougeN('a b a b', 'a b c', 2);
    expect(score.precision).toBeCloseTo(1 / 3, 10);
    expect(score.recall).toBeCloseTo(1 / 2, 10);
    expect(score.f1).toBeCloseTo((2 * (1 / 3) * (1 / 2)) / (1 / 3 + 1 / 2), 10);
    // Unigrams: a×2 b×2 against a b c → overlap 2 of 4 and 2 of 3.
    expect(rougeN('a b a b', 'a b c', 1).f1).toBeCloseTo((2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3), 10);
  });

  it('no overlap or empty text scores 0, never NaN', () => {
    expect(rougeN('a b', 'c d', 1).f1).toBe(0);
    expect(rougeN('', 'c d', 1).f1).toBe(0);
    expect(rougeN('a', 'a', 2).f1).toBe(0);
  });

  it('averages F1 over references', () => {
    expect(meanRougeF1('a b c', ['a b c', 'x y z'], 1)).toBeCloseTo(0.5, 10);
    expect(meanRougeF1('a b c', [], 1)).toBe(0);
  });

  it('ngramCounts', () => {
    expect(ngramCounts(['a', 'b', 'a', 'b'], 2)).toEqual(
      new Map([
        ['a b', 2],
        ['b a', 1],
      ]),
    );
  });
});
