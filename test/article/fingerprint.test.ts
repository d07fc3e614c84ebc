import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  charShingles,
  contentHash,
  estimateSimilarity,
  lshBands,
  MINHASH_SIZE,
  minhashSignature,
  wordShingles,
} from '../../src/article/fingerprint.ts';
import { readAnt, antCategorySample as sampleAnt } from '../support/corpus.ts';

const FIXTURE = new URL('../../../shared/fixtures/scraped-article-iran-iraq.txt', import.meta.url);
// The story paragraphs of the scraped fixture (headline, boilerplate and short lines left out).
const STORY = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((line) => line.length > 80);
const ORIGINAL = STORY.join('\n');

const toPersianForms = (s: string): string => s.replace(/ي(?=\s|$)/g, 'ی').replace(/ك/g, 'ک');
// What a second site does to the same agency story: its own dateline, Persian letter forms,
// paragraphs in another order, a verb and a conjunction changed.
const REWORDED = [
  `طهران - إرنا: ${toPersianForms(STORY[4]!)}`,
  ...STORY.slice(5).reverse().map(toPersianForms),
  STORY[0]!,
  STORY[1]!,
  STORY[2]!.replace('استقبل', 'التقى'),
  STORY[3]!.replace('وأكد', 'أكد').replace('سيساهم', 'يساهم'),
].join('\n');

const jaccard = (a: Set<string>, b: Set<string>): number => {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
};

const ANT = [...sampleAnt('politic', 8), ...sampleAnt('sport', 8), ...sampleAnt('economy', 8)]
  .map(readAnt)
  .filter((doc) => doc.text.length > 300);

describe('contentHash', () => {
  it('is sha256 hex, equal across letter forms, marks and spacing', () => {
    const a = contentHash('وزير الدفاع  العراقي\nفي طهران');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(contentHash('وزیر الدفاع العراقی في طهران')).toBe(a);
    expect(contentHash('وَزِيرُ الدفاع العراقي في طهران')).toBe(a);
    expect(contentHash('وزير الدفاع العراقي في بغداد')).not.toBe(a);
  });
});

describe('minhashSignature', () => {
  it('is 128 uint32 values, deterministic', () => {
    const sig = minhashSignature(ORIGINAL);
    expect(sig).toHaveLength(MINHASH_SIZE);
    for (const value of sig) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(0xffffffff);
    }
    expect(minhashSignature(ORIGINAL)).toEqual(sig);
  });

  it('identical texts → 1', () => {
    expect(estimateSimilarity(minhashSignature(ORIGINAL), minhashSignature(ORIGINAL))).toBe(1);
  });

  it('a reworded copy → high', () => {
    const similarity = estimateSimilarity(minhashSignature(ORIGINAL), minhashSignature(REWORDED));
    expect(similarity).toBeGreaterThan(0.8);
  });

  it('different ANT articles → low', () => {
    expect(ANT.length).toBeGreaterThan(15);
    const sigs = ANT.map((doc) => minhashSignature(doc.text));
    for (let i = 0; i < sigs.length; i++) {
      for (let j = i + 1; j < sigs.length; j++) {
        expect(estimateSimilarity(sigs[i]!, sigs[j]!)).toBeLessThan(0.3);
      }
    }
  });

  it('the estimate tracks the true Jaccard similarity of the shingles', () => {
    const exact = jaccard(charShingles(ORIGINAL), charShingles(REWORDED));
    const estimate = estimateSimilarity(minhashSignature(ORIGINAL), minhashSignature(REWORDED));
    // Standard error of a 128-hash estimate is at most 0.045.
    expect(Math.abs(estimate - exact)).toBeLessThan(0.15);
  });

  it('empty text and mismatched signatures give 0, never NaN', () => {
    expect(estimateSimilarity(minhashSignature(''), minhashSignature(''))).toBe(0);
    expect(estimateSimilarity([1, 2], [1, 2, 3])).toBe(0);
    expect(estimateSimilarity([], [])).toBe(0);
  });
});

describe('character 5-grams versus word 3-grams', () => {
  // Arabic glues conjunctions and articles to words (و، ال، ب): one such edit breaks three word
  // 3-grams but only the character 5-grams around it. Character shingles keep reworded copies
  // far above unrelated articles; word shingles let them sink towards the unrelated ones.
  const prefixed = ORIGINAL.split(' ')
    .map((word, i) => (i % 10 === 5 ? `و${word}` : word))
    .join(' ');

  it('character 5-grams separate a reworded copy from unrelated articles better', () => {
    let unrelatedChar = 0;
    let unrelatedWord = 0;
    for (let i = 0; i < ANT.length; i++) {
      for (let j = i + 1; j < ANT.length; j++) {
        const a = ANT[i]!.text;
        const b = ANT[j]!.text;
        unrelatedChar = Math.max(unrelatedChar, jaccard(charShingles(a), charShingles(b)));
        unrelatedWord = Math.max(unrelatedWord, jaccard(wordShingles(a), wordShingles(b)));
      }
    }
    for (const copy of [REWORDED, prefixed]) {
      expect(jaccard(charShingles(ORIGINAL), charShingles(copy))).toBeGreaterThan(
        jaccard(wordShingles(ORIGINAL), wordShingles(copy)),
      );
    }
    // A light rewrite is caught either way; once a word in ten is edited, the margin over
    // unrelated articles is much wider with character shingles.
    const charMargin = jaccard(charShingles(ORIGINAL), charShingles(prefixed)) - unrelatedChar;
    const wordMargin = jaccard(wordShingles(ORIGINAL), wordShingles(prefixed)) - unrelatedWord;
    expect(charMargin).toBeGreaterThan(wordMargin + 0.1);
    // With a word in ten changed, word 3-grams keep barely half; character 5-grams most.
    expect(jaccard(wordShingles(ORIGINAL), wordShingles(prefixed))).toBeLessThan(0.65);
    expect(jaccard(charShingles(ORIGINAL), charShingles(prefixed))).toBeGreaterThan(0.8);
  });

  it('normalisation is what makes copies match: raw shingles would not', () => {
    const persian = toPersianForms(ORIGINAL);
    const raw = (text: string): Set<string> => {
      const out = new Set<string>();
      for (let i = 0; i + 5 <= text.length; i++) out.add(text.slice(i, i + 5));
      return out;
    };
    expect(jaccard(charShingles(ORIGINAL), charShingles(persian))).toBe(1);
    expect(jaccard(raw(ORIGINAL), raw(persian))).toBeLessThan(0.9);
  });
});

describe('lshBands', () => {
  it('32 keys like "07:ab12cd34", the same for the same signature', () => {
    const bands = lshBands(minhashSignature(ORIGINAL));
    expect(bands).toHaveLength(32);
    bands.forEach((band, i) => {
      expect(band).toMatch(/^\d{2}:[0-9a-f]{8}$/);
      expect(band.startsWith(String(i).padStart(2, '0'))).toBe(true);
    });
    expect(lshBands(minhashSignature(ORIGINAL))).toEqual(bands);
  });

  it('a reworded copy shares bands, unrelated articles share none', () => {
    const original = new Set(lshBands(minhashSignature(ORIGINAL)));
    const shared = lshBands(minhashSignature(REWORDED)).filter((b) => original.has(b));
    expect(shared.length).toBeGreaterThan(0);
    const antBands = ANT.map((doc) => new Set(lshBands(minhashSignature(doc.text))));
    for (let i = 0; i < antBands.length; i++) {
      for (let j = i + 1; j < antBands.length; j++) {
        expect([...antBands[i]!].some((b) => antBands[j]!.has(b))).toBe(false);
      }
    }
  });

  it('other band counts, and bad arguments', () => {
    const sig = minhashSignature(ORIGINAL);
    expect(lshBands(sig, 16)).toHaveLength(16);
    expect(lshBands(sig, 0)).toEqual([]);
    expect(lshBands(sig, 1.5)).toEqual([]);
    expect(lshBands([], 32)).toEqual([]);
  });
});
