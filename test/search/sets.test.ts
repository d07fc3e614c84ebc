import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_POSTINGS, type Postings } from '../../src/search/codec.ts';
import {
  type Combine,
  dropDead,
  firstScore,
  intersect,
  intersectAll,
  maxScore,
  sumScore,
  unite,
  uniteAll,
  withoutDocs,
} from '../../src/search/sets.ts';

// The model: a posting list is a Map doc → score; the code must agree with plain Set algebra.
type Model = Map<number, number>;

const modelArb: fc.Arbitrary<Model> = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 200 })), {
    maxLength: 80,
  })
  .map((pairs) => new Map(pairs));

function toPostings(m: Model): Postings {
  const docs = [...m.keys()].sort((a, b) => a - b);
  return {
    docs: Uint32Array.from(docs),
    scores: Uint8Array.from(docs, (d) => m.get(d) ?? 0),
  };
}

function toModel(p: Postings): [number, number][] {
  return [...p.docs].map((d, i) => [d, p.scores[i] ?? -1]);
}

const sorted = (m: Model): [number, number][] => [...m].sort((a, b) => a[0] - b[0]);

function modelUnion(a: Model, b: Model, combine: Combine): Model {
  const out = new Map(a);
  for (const [d, s] of b) {
    const x = out.get(d);
    out.set(d, x === undefined ? s : combine(x, s));
  }
  return out;
}

function modelIntersection(a: Model, b: Model): Model {
  const out: Model = new Map();
  for (const [d, s] of a) {
    const t = b.get(d);
    if (t !== undefined) out.set(d, Math.min(255, s + t));
  }
  return out;
}

describe('posting set algebra against a Set model', () => {
  it('unite = union, scores combined where a doc is in both', () => {
    fc.assert(
      fc.property(modelArb, modelArb, fc.constantFrom(maxScore, sumScore), (a, b, combine) => {
        const got = unite(toPostings(a), toPostings(b), combine);
        expect(toModel(got)).toEqual(sorted(modelUnion(a, b, combine)));
      }),
    );
  });

  it('intersect = intersection, scores summed and capped at 255', () => {
    fc.assert(
      fc.property(modelArb, modelArb, (a, b) => {
        expect(toModel(intersect(toPostings(a), toPostings(b)))).toEqual(
          sorted(modelIntersection(a, b)),
        );
      }),
    );
  });

  it("intersect with firstScore filters: the docs of both, each with the first list's score", () => {
    fc.assert(
      fc.property(modelArb, modelArb, (a, b) => {
        const kept: Model = new Map([...a].filter(([doc]) => b.has(doc)));
        expect(toModel(intersect(toPostings(a), toPostings(b), firstScore))).toEqual(sorted(kept));
      }),
    );
  });

  it('intersectAll and uniteAll fold over any number of lists, in any order', () => {
    fc.assert(
      fc.property(fc.array(modelArb, { maxLength: 5 }), (models) => {
        const lists = models.map(toPostings);
        const all = models.length === 0 ? new Map() : models.reduce(modelIntersection);
        expect(toModel(intersectAll(lists))).toEqual(sorted(all));
        expect(toModel(intersectAll([...lists].reverse()))).toEqual(sorted(all));
        const any = models.reduce((x, y) => modelUnion(x, y, sumScore), new Map());
        expect(toModel(uniteAll(lists, sumScore))).toEqual(sorted(any));
      }),
    );
    expect(intersectAll([])).toBe(NO_POSTINGS);
  });

  it('dropDead drops exactly the docs whose bit is set (Redis bit order)', () => {
    fc.assert(
      fc.property(modelArb, fc.uniqueArray(fc.integer({ min: 0, max: 450 })), (m, deadDocs) => {
        // As SETBIT writes it: bit 0 is the most significant bit of byte 0.
        const bitmap = new Uint8Array(Math.ceil(451 / 8));
        for (const d of deadDocs) bitmap[d >>> 3] = (bitmap[d >>> 3] ?? 0) | (0x80 >> (d & 7));
        const dead = new Set(deadDocs);
        const expected = sorted(m).filter(([d]) => !dead.has(d));
        expect(toModel(dropDead(toPostings(m), bitmap))).toEqual(expected);
        expect(toModel(withoutDocs(toPostings(m), dead))).toEqual(expected);
      }),
    );
  });

  it('a short dead bitmap keeps the docs past its end', () => {
    const p = toPostings(
      new Map([
        [3, 1],
        [9, 2],
        [100, 3],
      ]),
    );
    expect(toModel(dropDead(p, Uint8Array.of(0b0001_0000)))).toEqual([
      [9, 2],
      [100, 3],
    ]);
    expect(dropDead(p, null)).toBe(p);
  });
});
