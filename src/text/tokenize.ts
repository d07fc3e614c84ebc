import { normalizeForMatch } from './normalize.ts';

// A token is a number (3.5, ٣٫٥ → 3.5, 1,000, 2020) or a run of letters (any script, with
// combining marks). Letters and digits split from each other (2020م → 2020 + م, g20 → g + 20)
// the same way on the query and the document side, so matches still line up.
const TOKEN_G = /\p{Nd}+(?:[.,\u066B\u066C]\p{Nd}+)*|[\p{L}\p{M}]+/gu;

/** Normalises `s` (normalizeForMatch) and splits it into word tokens. */
export function tokenize(s: string): string[] {
  // ZWJ only shapes letters; dropping it keeps a word in one piece (ZWNJ is a space already).
  const text = normalizeForMatch(s).replaceAll('\u200D', '');
  const tokens: string[] = [];
  for (const match of text.matchAll(TOKEN_G)) {
    tokens.push(match[0].replaceAll('\u066B', '.').replaceAll('\u066C', ','));
  }
  return tokens;
}
