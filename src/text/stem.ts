// Larkey's light10 stemmer, rule for rule as Lucene's ArabicStemmer (apache/lucene,
// analysis/common/.../ar/ArabicStemmer.java). Input is a normalizeForMatch token, so ة is
// already ه and the ية / ة suffixes never match; they stay for fidelity with Lucene.

const PREFIXES = ['ال', 'وال', 'بال', 'كال', 'فال', 'لل', 'و'] as const;
const SUFFIXES = ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ية', 'ه', 'ة', 'ي'] as const;

function stripPrefix(word: string): string {
  for (const prefix of PREFIXES) {
    // و needs a word of 4 letters; the others leave at least 2 letters behind.
    const minLength = prefix.length === 1 ? 4 : prefix.length + 2;
    if (word.length >= minLength && word.startsWith(prefix)) return word.slice(prefix.length);
  }
  return word;
}

function stripSuffixes(word: string): string {
  let stem = word;
  // One pass in order; each suffix that matches is removed if 2 letters remain.
  for (const suffix of SUFFIXES) {
    if (stem.length >= suffix.length + 2 && stem.endsWith(suffix)) {
      stem = stem.slice(0, -suffix.length);
    }
  }
  return stem;
}

/** light10 stem of a normalised token: first matching prefix, then one suffix pass. */
export function stemLight10(normalizedToken: string): string {
  return stripSuffixes(stripPrefix(normalizedToken));
}

/**
 * Terms to index for one normalised token: the surface form, then the stem when it differs.
 * light10 breaks proper nouns (ايران → اير), so callers rank surface matches above stems.
 */
export function indexTerms(normalizedToken: string): string[] {
  const stem = stemLight10(normalizedToken);
  return stem === normalizedToken ? [normalizedToken] : [normalizedToken, stem];
}
