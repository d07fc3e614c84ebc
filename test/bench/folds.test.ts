import { describe, expect, it } from 'vitest';
import { foldOf, pairedDifference } from '../../bench/summary/folds.ts';

describe('foldOf', () => {
  it('alternates over the odd topic numbers of the development half', () => {
    expect(['topic-001', 'topic-003', 'topic-005', 'topic-007', 'topic-153'].map(foldOf)).toEqual([
      'A',
      'B',
      'A',
      'B',
      'A',
    ]);
  });

  it('has no fold for anything else', () => {
    for (const id of ['topic-002', 'topic-', 'COPYRIGHT', 'topic-1x', ' topic-001']) {
      expect(foldOf(id)).toBeUndefined();
    }
  });
});

describe('pairedDifference', () => {
  it('mean, standard error and tally by hand', () => {
    // Differences +0.1, 0, −0.1, +0.3: mean 0.075, sample SD √(0.0875/3), SE = SD / 2.
    const result = pairedDifference([0.5, 0.4, 0.3, 0.6], [0.4, 0.4, 0.4, 0.3]);
    expect(result.mean).toBeCloseTo(0.075, 12);
    expect(result.se).toBeCloseTo(Math.sqrt(0.0875 / 3) / 2, 12);
    expect([result.wins, result.losses, result.ties]).toEqual([2, 1, 1]);
  });

  it('one pair has no standard error; no pairs give a zero mean; unpaired input throws', () => {
    expect(pairedDifference([0.5], [0.25]).se).toBeNaN();
    expect(pairedDifference([], []).mean).toBe(0);
    expect(() => pairedDifference([0.1, 0.2], [0.1])).toThrow(RangeError);
  });
});
