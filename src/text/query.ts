import { stemLight10 } from './stem.ts';
import { isStopword } from './stopwords.ts';
import { tokenize } from './tokenize.ts';

// A search or keyword-alert query, parsed once. The search index (store/search-index.ts) and
// keyword alerts (matchesArticle) share these rules, so an alert fires exactly for the
// articles a search in all-words mode would return.

/** Normalised query: loose words (stopwords dropped) and quoted phrases (tokens in order). */
export interface ParsedQuery {
  words: string[];
  phrases: string[][];
}

/** Longest query text looked at; a Telegram message is at most 4096 characters anyway. */
export const MAX_QUERY_CHARS = 4096;
/** Most tokens (loose words plus phrase tokens) a query keeps. */
export const MAX_QUERY_WORDS = 16;
/** Longer tokens are neither indexed nor searched: no real word is this long, and term keys stay short. */
export const MAX_TERM_LENGTH = 64;

// Straight, guillemet and curly quotes; any of them closes a phrase opened by any other,
// because Arabic text mirrors them freely (”…“, »…«).
const QUOTES = new Set(['"', '«', '»', '“', '”', '„']);

/** True for a token the index keeps: not a stopword and not absurdly long. */
export function isIndexable(token: string): boolean {
  return token.length <= MAX_TERM_LENGTH && !isStopword(token);
}

// Splits the raw query into unquoted and quoted segments; an unclosed quote runs to the end.
function splitQuoted(q: string): { text: string; quoted: boolean }[] {
  const segments: { text: string; quoted: boolean }[] = [];
  let current = '';
  let quoted = false;
  for (const ch of q) {
    if (QUOTES.has(ch)) {
      segments.push({ text: current, quoted });
      current = '';
      quoted = !quoted;
    } else {
      current += ch;
    }
  }
  segments.push({ text: current, quoted });
  return segments;
}

/**
 * Parses a user's query: normalised tokens, stopwords dropped from loose words (unless the
 * query has nothing else), "…" and «…» phrases, at most MAX_QUERY_WORDS tokens. Never throws;
 * junk gives an empty query.
 */
export function parseQuery(q: string): ParsedQuery {
  if (typeof q !== 'string') return { words: [], phrases: [] };
  const loose: string[] = [];
  const phrases: string[][] = [];
  let budget = MAX_QUERY_WORDS;
  for (const segment of splitQuoted(q.slice(0, MAX_QUERY_CHARS))) {
    if (budget <= 0) break;
    const tokens = tokenize(segment.text).filter((t) => t.length <= MAX_TERM_LENGTH);
    if (!segment.quoted) {
      const taken = tokens.slice(0, budget);
      loose.push(...taken);
      budget -= taken.length;
      continue;
    }
    const phrase = tokens.slice(0, budget);
    budget -= phrase.length;
    // A one-word phrase is just a word; a phrase of stopwords alone could never be found in
    // the index (stopwords are not indexed), so its words are treated as loose words too.
    if (phrase.length === 1 || (phrase.length > 1 && !phrase.some((t) => !isStopword(t)))) {
      loose.push(...phrase);
    } else if (phrase.length > 1 && !phrases.some((p) => sameTokens(p, phrase))) {
      phrases.push(phrase);
    }
  }
  const unique = [...new Set(loose)];
  const content = unique.filter((w) => !isStopword(w));
  // A query of stopwords alone keeps them, so the caller can say "no results" rather than
  // "empty query"; the index holds no stopwords, so it finds nothing for them.
  const words = content.length > 0 || phrases.length > 0 ? content : unique;
  return { words, phrases };
}

function sameTokens(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

/** True when the query has nothing to search for. */
export function isEmptyQuery(p: ParsedQuery): boolean {
  return p.words.length === 0 && p.phrases.length === 0;
}

/** True when `phrase` occurs in `tokens` as consecutive tokens. */
export function containsPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  const first = phrase[0];
  if (first === undefined) return true;
  for (let i = tokens.indexOf(first); i !== -1; i = tokens.indexOf(first, i + 1)) {
    if (i + phrase.length > tokens.length) return false;
    let j = 1;
    while (j < phrase.length && tokens[i + j] === phrase[j]) j++;
    if (j === phrase.length) return true;
  }
  return false;
}

/** Every phrase occurs in order in the title or in the text (a phrase does not span both). */
export function matchesPhrases(
  phrases: readonly string[][],
  titleTokens: readonly string[],
  textTokens: readonly string[],
): boolean {
  return phrases.every((ph) => containsPhrase(titleTokens, ph) || containsPhrase(textTokens, ph));
}

/**
 * True when query word `w` matches a doc with these (indexable) tokens and their stems: the
 * light10 stems are equal, or one word is the other's stem. light10 strips و from وزير (→ زير)
 * but only ال from الوزير (→ وزير), so equal stems alone would not let وزير find الوزير.
 */
export function matchesWord(
  w: string,
  tokens: ReadonlySet<string>,
  stems: ReadonlySet<string>,
): boolean {
  // Stopwords are not indexed: a query of stopwords alone finds nothing (not "وفيها" for في).
  if (!isIndexable(w)) return false;
  const stem = stemLight10(w);
  // A surface match (tokens has w) implies stems has stem(w).
  return stems.has(stem) || stems.has(w) || tokens.has(stem);
}

/**
 * The index's all-words semantics on one document: every word matches a token of the title or
 * text (matchesWord; stopword tokens do not count, as they are not indexed), and every phrase
 * occurs in order. Used for keyword alerts.
 */
export function matchesArticle(p: ParsedQuery, doc: { title: string; text: string }): boolean {
  return matchesPrepared(p, prepareDoc(doc));
}

/** A doc tokenized once, for checking many follows against it. */
export interface PreparedDoc {
  tokens: ReadonlySet<string>;
  stems: ReadonlySet<string>;
  titleTokens: readonly string[];
  textTokens: readonly string[];
}

export function prepareDoc(doc: { title: string; text: string }): PreparedDoc {
  const titleTokens = tokenize(typeof doc.title === 'string' ? doc.title : '');
  const textTokens = tokenize(typeof doc.text === 'string' ? doc.text : '');
  const tokens = new Set<string>();
  const stems = new Set<string>();
  for (const token of [...titleTokens, ...textTokens]) {
    if (!isIndexable(token)) continue;
    tokens.add(token);
    stems.add(stemLight10(token));
  }
  return { tokens, stems, titleTokens, textTokens };
}

/** matchesArticle on a prepared doc: the same rules, without re-tokenizing (keyword alerts check many queries against one doc). */
export function matchesPrepared(p: ParsedQuery, doc: PreparedDoc): boolean {
  if (isEmptyQuery(p)) return false;
  if (!p.words.every((w) => matchesWord(w, doc.tokens, doc.stems))) return false;
  return matchesPhrases(p.phrases, doc.titleTokens, doc.textTokens);
}
