import { isIndexable, MAX_QUERY_WORDS, MAX_TERM_LENGTH, type ParsedQuery } from '../text/query.ts';
import { stemLight10 } from '../text/stem.ts';
import { decodePostings, type Postings } from './codec.ts';
import { dropDead, intersectAll, maxScore, sumScore, uniteAll } from './sets.ts';
import { stemTerm, surfaceTerm } from './terms.ts';

// Query planning: which posting lists a query reads, and how they combine into candidates.
//
// A query word w matches a doc token when their light10 stems are equal or one is the other's
// stem (matchesWord in text/query.ts): the lists s:w (the surface form), s:<stem(w)>,
// m:<stem(w)> and m:w together hold exactly those docs. Score per word, summed over words:
// surface in title 4 > surface in body 3 > stem only in title 2 > stem only in body 1.
// Phrase words must be there as written (their surface list); the phrase order itself is
// checked on the text, after ranking.

/** One posting list to read, and whether its postings score as surface matches. */
export interface TermList {
  term: string;
  surface: boolean;
}

export interface QueryPlan {
  /** Per loose word, the lists that together hold every doc it matches (none for a stopword). */
  words: TermList[][];
  /** Indexable phrase words, once each: every candidate has all of them as written. */
  phraseWords: string[];
  /** The phrases, checked on each candidate's text. */
  phrases: string[][];
  /** Every term the plan reads, once each. */
  terms: string[];
}

/** Candidates for a query: docs with every word, and, on demand, the any-word fallback. */
export interface Candidates {
  all: Postings;
  /** Docs with any loose word (and every phrase word); undefined with fewer than two words. */
  any(): Postings | undefined;
}

/** A whole number in [min, max], or `fallback` for anything that is not a finite number. */
export function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.floor(value)));
}

/** A ParsedQuery handed in by a caller is untrusted too: keeps only well-formed tokens. */
export function cleanQuery(p: ParsedQuery): ParsedQuery {
  const ok = (t: unknown): t is string =>
    typeof t === 'string' && t !== '' && t.length <= MAX_TERM_LENGTH;
  if (typeof p !== 'object' || p === null) return { words: [], phrases: [] };
  const words = Array.isArray(p.words) ? p.words.filter(ok).slice(0, MAX_QUERY_WORDS) : [];
  const phrases = Array.isArray(p.phrases)
    ? p.phrases
        .filter((ph): ph is string[] => Array.isArray(ph))
        .map((ph) => ph.filter(ok).slice(0, MAX_QUERY_WORDS))
        .filter((ph) => ph.length > 0)
        .slice(0, MAX_QUERY_WORDS)
    : [];
  return { words, phrases };
}

/** The posting lists that together hold every doc matching `word` (see the top comment). */
export function wordLists(word: string): TermList[] {
  if (!isIndexable(word)) return []; // as matchesWord: a stopword matches nothing
  const stem = stemLight10(word);
  const lists = [
    { term: surfaceTerm(word), surface: true },
    { term: stemTerm(stem), surface: false },
  ];
  if (stem !== word) {
    lists.push(
      { term: surfaceTerm(stem), surface: false },
      { term: stemTerm(word), surface: false },
    );
  }
  return lists;
}

/** The lists a query reads; undefined when the index cannot hold a match. */
export function planQuery(p: ParsedQuery): QueryPlan | undefined {
  // A phrase with no indexable word cannot be found in the index.
  if (p.phrases.some((ph) => !ph.some(isIndexable))) return undefined;
  const words = p.words.map(wordLists);
  // Stopwords in a phrase are only checked in the text.
  const phraseWords = [...new Set(p.phrases.flat().filter(isIndexable))];
  const terms = [...new Set([...words.flat().map((l) => l.term), ...phraseWords.map(surfaceTerm)])];
  if (terms.length === 0) return undefined;
  return { words, phraseWords, phrases: p.phrases, terms };
}

/**
 * Combines the encoded lists read for `plan` (term → bytes; a missing term is an empty list)
 * into candidates, without the docs marked in the `dead` bitmap.
 */
export function findCandidates(
  plan: QueryPlan,
  lists: ReadonlyMap<string, Uint8Array | null>,
  dead: Uint8Array | null,
): Candidates {
  const wordPostings = plan.words.map((word) =>
    uniteAll(
      word.map((l) => decodePostings(lists.get(l.term), l.surface)),
      maxScore,
    ),
  );
  const phrasePostings = plan.phraseWords.map((w) =>
    decodePostings(lists.get(surfaceTerm(w)), true),
  );
  return {
    all: dropDead(intersectAll([...wordPostings, ...phrasePostings]), dead),
    any() {
      if (wordPostings.length < 2) return undefined;
      // Loose words become alternatives; phrase words stay required.
      const anyWord = uniteAll(wordPostings, sumScore);
      return dropDead(intersectAll([anyWord, ...phrasePostings]), dead);
    },
  };
}
