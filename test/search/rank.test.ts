import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickTop, type Ranked, topRanked } from '../../src/search/rank.ts';

// An index as add() builds it: doc numbers in order; a doc is "late" when its sentAt is below
// the newest seen so far (an edit re-added with its old time), and only then is it in `late`.
const indexArb = fc
  .array(
    fc.record({
      score: fc.integer({ min: 1, max: 6 }),
      late: fc.boolean(),
      gap: fc.integer({ min: 0, max: 3 }),
      back: fc.integer({ min: 1, max: 20 }),
      candidate: fc.boolean(),
    }),
    { maxLength: 120 },
  )
  .map((rows) => {
    let max = 0;
    const all: Ranked[] = [];
    const late = new Map<number, number>();
    rows.forEach((r, i) => {
      const doc = i + 1;
      let sentAt: number;
      if (r.late && max > 0) {
        sentAt = Math.max(0, max - r.back);
        if (sentAt < max) late.set(doc, sentAt);
        else max = sentAt;
      } else {
        sentAt = max + r.gap;
        max = sentAt;
      }
      if (r.candidate) all.push({ doc, score: r.score, sentAt, id: `d${doc}` });
    });
    return { all, late };
  });

describe('ranking', () => {
  it('the n best of pickTop are the n best of all candidates', () => {
    fc.assert(
      fc.property(indexArb, fc.integer({ min: 1, max: 40 }), ({ all, late }, n) => {
        const cands = {
          docs: Uint32Array.from(all, (r) => r.doc),
          scores: Uint8Array.from(all, (r) => r.score),
        };
        const byDoc = new Map(all.map((r) => [r.doc, r]));
        const picked = pickTop(cands, n, late).map(({ doc }) => byDoc.get(doc));
        const known = picked.filter((r): r is Ranked => r !== undefined);
        expect(known).toHaveLength(picked.length);
        expect(topRanked(known, n)).toEqual(topRanked(all, n));
      }),
    );
  });

  it('reads few records: above the cut, n at the cut, and the late ones there', () => {
    const docs = Uint32Array.from({ length: 100 }, (_, i) => i + 1);
    const scores = new Uint8Array(100).fill(3);
    scores[10] = 4;
    const picked = pickTop({ docs, scores }, 5, new Map([[2, 0]]));
    expect(picked.map((c) => c.doc).sort((a, b) => a - b)).toEqual([2, 11, 97, 98, 99, 100]);
  });

  it('orders by score, then newer, then the later doc', () => {
    const r = (doc: number, score: number, sentAt: number): Ranked => ({
      doc,
      score,
      sentAt,
      id: String(doc),
    });
    const ranked = topRanked([r(1, 3, 5), r(2, 4, 1), r(3, 3, 5), r(4, 3, 9)], 3);
    expect(ranked.map((x) => x.doc)).toEqual([2, 4, 3]);
  });
});
