import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendPosting,
  BODY,
  createListBuilder,
  decodePostings,
  decodeRecord,
  encodePostings,
  encodeRecord,
  finishList,
  lastDoc,
  TITLE,
} from '../../src/search/codec.ts';

/** Strictly ascending doc numbers (1 … 2^32 − 1) with TITLE/BODY flags. */
const postingsArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 2 ** 32 - 1 }), { maxLength: 300 })
  .chain((docs) =>
    fc.tuple(
      fc.constant([...docs].sort((a, b) => a - b)),
      fc.array(fc.constantFrom(TITLE, BODY, TITLE | BODY), {
        minLength: docs.length,
        maxLength: docs.length,
      }),
    ),
  )
  .map(([docs, flags]) => docs.map((doc, i) => ({ doc, flags: flags[i] ?? BODY })));

const score = (flags: number, surface: boolean): number =>
  flags & TITLE ? (surface ? 4 : 2) : surface ? 3 : 1;

describe('posting-list codec', () => {
  it('decode(encode(x)) gives back every doc, with its score from its flags', () => {
    fc.assert(
      fc.property(postingsArb, fc.boolean(), (postings, surface) => {
        const decoded = decodePostings(encodePostings(postings), surface);
        expect([...decoded.docs]).toEqual(postings.map((p) => p.doc));
        expect([...decoded.scores]).toEqual(postings.map((p) => score(p.flags, surface)));
      }),
    );
  });

  it('keeps the last doc number in the 4-byte header', () => {
    fc.assert(
      fc.property(postingsArb, (postings) => {
        expect(lastDoc(encodePostings(postings))).toBe(postings.at(-1)?.doc ?? 0);
      }),
    );
  });

  it('encodes in known bytes: one byte for a small gap, more for a large one', () => {
    // doc 1 in the title: (1 << 2) | 1 = 5; doc 200 in the body: (199 << 2) | 2 = 798 = 0x31e.
    expect([...encodePostings([{ doc: 1, flags: TITLE }])]).toEqual([0, 0, 0, 1, 5]);
    expect([
      ...encodePostings([
        { doc: 1, flags: TITLE },
        { doc: 200, flags: BODY },
      ]),
    ]).toEqual([0, 0, 0, 200, 5, 0x9e, 0x06]);
  });

  it('appending to a builder equals encoding the whole list, past its first growth', () => {
    const postings = Array.from({ length: 50 }, (_, i) => ({ doc: (i + 1) * 1000, flags: BODY }));
    const list = createListBuilder();
    for (const p of postings) appendPosting(list, p.doc, p.flags);
    expect(finishList(list).equals(encodePostings(postings))).toBe(true);
  });

  it('reads an empty, missing or header-only list as no postings', () => {
    for (const buf of [null, undefined, new Uint8Array(0), encodePostings([])]) {
      expect(decodePostings(buf, true).docs.length).toBe(0);
    }
    expect(lastDoc(null)).toBe(0);
  });

  it('never throws on corrupt bytes, and yields at most one doc per byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, surface) => {
        const p = decodePostings(bytes, surface);
        expect(p.docs.length).toBe(p.scores.length);
        expect(p.docs.length).toBeLessThanOrEqual(Math.max(0, bytes.length - 4));
      }),
    );
  });

  it('reads a truncated last varint as far as it goes', () => {
    const whole = encodePostings([
      { doc: 1, flags: TITLE },
      { doc: 200, flags: BODY },
    ]);
    const cut = decodePostings(whole.subarray(0, whole.length - 1), true);
    expect([...cut.docs]).toEqual([1, 1 + Math.floor(0x1e / 4)]);
  });
});

describe('doc records', () => {
  it('decodeRecord(encodeRecord(t, id)) = { t, id }, colons in the id included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.string({ minLength: 1 }), (t, id) => {
        expect(decodeRecord(encodeRecord(t, id))).toEqual({ sentAt: t, id });
      }),
    );
    expect(decodeRecord(encodeRecord(5, 'a:b:c'))).toEqual({ sentAt: 5, id: 'a:b:c' });
  });
});
