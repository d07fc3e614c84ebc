import type { Section } from '../article/types.ts';
import { isIndexable } from '../text/query.ts';
import { stemLight10 } from '../text/stem.ts';
import { tokenize } from '../text/tokenize.ts';
import { BODY, TITLE } from './codec.ts';
import { isSection, sectionTerm } from './sections.ts';

// What the index keeps of a doc: per term, whether it is in the title and/or the body. A term
// is the normalised surface form `s:<token>`, or the light10 stem `m:<stem>` when it differs
// from the surface. Stopwords are not indexed.

export interface IndexDoc {
  id: string;
  title: string;
  text: string;
  /** When it was posted, ms since the epoch. */
  sentAt: number;
  /** Its section, indexed as the posting list c:<section> so a section filter is cheap. */
  section?: Section;
}

/** Longest doc id the index takes. */
export const MAX_ID_LENGTH = 256;
/** Distinct terms indexed per doc (title first); a news story has a few hundred. */
export const MAX_DOC_TERMS = 10_000;
/** Latest sentAt taken (about year 6429): keeps "sentAt:id" records and sums exact. */
const MAX_SENT_AT = 2 ** 47;
/** Tokens a term cache holds before it starts over. */
export const TERM_CACHE_SIZE = 200_000;

export const surfaceTerm = (token: string): string => `s:${token}`;
export const stemTerm = (stem: string): string => `m:${stem}`;

/**
 * A doc as the index takes it: id and sentAt checked, title and text strings (missing ones
 * empty), sentAt whole. Throws a TypeError naming the search index for anything else.
 */
export function checkDoc(doc: IndexDoc): IndexDoc {
  if (typeof doc !== 'object' || doc === null) throw new TypeError('search index: not a doc');
  const { id, sentAt } = doc;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) {
    throw new TypeError(`search index: id must be a string of 1–${MAX_ID_LENGTH} characters`);
  }
  if (
    typeof sentAt !== 'number' ||
    !Number.isFinite(sentAt) ||
    sentAt < 0 ||
    sentAt > MAX_SENT_AT
  ) {
    throw new TypeError('search index: sentAt must be a time in ms since the epoch');
  }
  const title = typeof doc.title === 'string' ? doc.title : '';
  const text = typeof doc.text === 'string' ? doc.text : '';
  const section = isSection(doc.section) ? doc.section : undefined;
  return { id, title, text, sentAt: Math.floor(sentAt), ...(section ? { section } : {}) };
}

/** Maps a token to its index terms (none for a stopword), remembering recent tokens. */
export interface TermCache {
  termsOf(token: string): readonly string[];
  readonly size: number;
}

/**
 * A token → terms cache. News reuses a small vocabulary, so this saves most stemming and
 * string building; it starts over when full so a worker's memory stays flat. One per index.
 */
export function createTermCache(maxSize = TERM_CACHE_SIZE): TermCache {
  const cache = new Map<string, readonly string[]>();
  return {
    termsOf(token) {
      let terms = cache.get(token);
      if (terms === undefined) {
        terms = tokenTerms(token);
        if (cache.size >= maxSize) cache.clear();
        cache.set(token, terms);
      }
      return terms;
    },
    get size() {
      return cache.size;
    },
  };
}

/** The index terms of one token, uncached. */
export function tokenTerms(token: string): readonly string[] {
  if (!isIndexable(token)) return [];
  const stem = stemLight10(token);
  return stem === token ? [surfaceTerm(token)] : [surfaceTerm(token), stemTerm(stem)];
}

/** The terms of one doc with their TITLE/BODY flags, at most MAX_DOC_TERMS of them. */
export function docTerms(
  doc: { title: string; text: string; section?: Section },
  cache: TermCache,
): Map<string, number> {
  const terms = new Map<string, number>();
  if (isSection(doc.section)) terms.set(sectionTerm(doc.section), TITLE);
  const add = (text: string, flag: number): void => {
    for (const token of tokenize(text)) {
      for (const term of cache.termsOf(token)) {
        const flags = terms.get(term);
        if (flags !== undefined) terms.set(term, flags | flag);
        else if (terms.size < MAX_DOC_TERMS) terms.set(term, flag);
      }
    }
  };
  add(doc.title, TITLE);
  add(doc.text, BODY);
  return terms;
}
