import { createHash } from 'node:crypto';
import { normalizeForMatch } from '../text/normalize.ts';

export const MINHASH_SIZE = 128;
const SHINGLE = 5;
const EMPTY = 0xffffffff;

/** The matching form: normalised letters and digits, single spaces. Persian forms, harakat, punctuation gone. */
function matchText(text: string): string {
  return normalizeForMatch(typeof text === 'string' ? text : '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** sha256 hex of the normalised text, whitespace collapsed: equal for copies that differ only in letter forms. */
export function contentHash(text: string): string {
  const normalized = normalizeForMatch(typeof text === 'string' ? text : '')
    .replace(/\s+/g, ' ')
    .trim();
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

/**
 * MinHash over normalised character 5-grams (128 values). Character shingles survive the small
 * edits of a rewrite (a prefix و, a changed word) that break every word 3-gram they touch; the
 * fingerprint test measures both. Hash i is fmix32(h1 + i·h2), all in 32-bit integer arithmetic.
 */
export function minhashSignature(text: string): number[] {
  const signature = new Array<number>(MINHASH_SIZE).fill(EMPTY);
  for (const shingle of charShingles(text)) {
    const h1 = fnv1a(shingle, 0x811c9dc5);
    const h2 = fnv1a(shingle, 0x01000193) | 1;
    for (let i = 0; i < MINHASH_SIZE; i++) {
      const h = fmix32((h1 + Math.imul(i, h2)) | 0);
      if (h < signature[i]!) signature[i] = h;
    }
  }
  return signature;
}

/** Distinct character 5-grams of the matching form (a shorter text is its own single shingle). */
export function charShingles(text: string, size = SHINGLE): Set<string> {
  const chars = Array.from(matchText(text));
  const out = new Set<string>();
  if (chars.length > 0 && chars.length <= size) out.add(chars.join(''));
  for (let i = 0; i + size <= chars.length; i++) out.add(chars.slice(i, i + size).join(''));
  return out;
}

/** Distinct word 3-grams of the matching form: the alternative the fingerprint test compares. */
export function wordShingles(text: string, size = 3): Set<string> {
  const words = matchText(text).split(' ').filter(Boolean);
  const out = new Set<string>();
  if (words.length > 0 && words.length <= size) out.add(words.join(' '));
  for (let i = 0; i + size <= words.length; i++) out.add(words.slice(i, i + size).join(' '));
  return out;
}

/** Estimated Jaccard similarity of the two shingle sets: the share of equal MinHash values. */
export function estimateSimilarity(a: number[], b: number[]): number {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length === 0 || a.length !== b.length) return 0;
  let equal = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i] && a[i] !== EMPTY) equal++;
  return equal / a.length;
}

/** LSH band keys ('07:ab12cd34'): two texts that share any key are candidate near-duplicates. */
export function lshBands(sig: number[], bands = 32): string[] {
  if (!Array.isArray(sig) || !Number.isInteger(bands) || bands < 1 || bands > sig.length) return [];
  const rows = Math.floor(sig.length / bands);
  const keys: string[] = [];
  for (let band = 0; band < bands; band++) {
    let h = 0x9e3779b9 ^ band;
    for (let r = 0; r < rows; r++) h = fmix32((h ^ (sig[band * rows + r]! >>> 0)) + 0x7f4a7c15);
    keys.push(`${String(band).padStart(2, '0')}:${(h >>> 0).toString(16).padStart(8, '0')}`);
  }
  return keys;
}

function fnv1a(text: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: spreads every input bit over the output. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
