import { splitSentences } from '../text/sentences.ts';
import { stemLight10 } from '../text/stem.ts';
import { isStopword } from '../text/stopwords.ts';
import { tokenize } from '../text/tokenize.ts';

export interface SummarizeOptions {
  /** The headline: sentences close to it are preferred. */
  title?: string;
  /** How many sentences (default 3, or 2 when a third would pass ~60 words). */
  sentences?: number;
  /** A word budget instead: whole sentences are added until it is reached. */
  words?: number;
}

const DEFAULT_SENTENCES = 3;
const DEFAULT_MAX_WORDS = 60;
const MIN_WORDS = 6;
const MIN_TERMS = 3;
const DAMPING = 0.85;
const MAX_CANDIDATES = 300;
const MIN_WRAPPED_LINE_WORDS = 6;
// Sentence-final punctuation, possibly followed by closing quotes or brackets.
const ENDS_SENTENCE = /[.!?؟…۔:][\p{Pe}\p{Pf}"'»”]*$/u;
const CONTINUES = /[،,؛;\-–—]$/u;
// A candidate sharing this much of its vocabulary (Jaccard of term sets) with a chosen sentence
// restates it, as a standfirst and the lead that repeats it do (about 0.4 in the fixture); it is
// never added. Only 1% of sentence pairs in EASC articles reach 0.2 (MEAD-style cut-off).
const MAX_OVERLAP = 0.3;
// MMR trade-off: 1 is pure relevance, 0 pure novelty.
const LAMBDA = 0.7;

interface Sentence {
  text: string;
  words: number;
  vector: Map<string, number>;
}

/**
 * Extractive summary: whole sentences of the story, in story order.
 *
 * Score = position prior × centrality. The prior is 1/(position+1) (news puts the facts first,
 * which is why Lead-N is hard to beat), raised by similarity to the title. Centrality is
 * LexRank: PageRank over the TF-IDF cosine graph of the sentences (normalised, stopword-free,
 * light10-stemmed terms), so among early sentences the ones the story keeps coming back to
 * win. Selection is MMR per word; a sentence that restates a chosen one (a standfirst and the
 * lead that repeats it) is skipped. Sentences under six words are not candidates.
 */
export function summarize(paragraphs: string[], opts: SummarizeOptions = {}): string[] {
  const all = toSentences(paragraphs);
  if (all.length === 0) return [];
  const eligible = all.filter((s) => s.words >= MIN_WORDS && s.vector.size >= MIN_TERMS);
  // The lead matters most and the graph is quadratic: a huge page is judged on its beginning.
  const pool = (eligible.length > 0 ? eligible : all).slice(0, MAX_CANDIDATES);

  const idf = inverseFrequencies(pool);
  const weighted = pool.map((s) => tfidf(s.vector, idf));
  const similarity = weighted.map((a) => weighted.map((b) => cosine(a, b)));
  const title = opts.title ? tfidf(termVector(opts.title), idf) : undefined;
  const centrality = normalizeMax(pageRank(similarity, DAMPING));
  const scores = normalizeMax(
    pool.map((_, i) => {
      const prior = (1 / (i + 1)) * (1 + (title ? cosine(weighted[i]!, title) : 0));
      return prior * centrality[i]!;
    }),
  );

  const budget = positiveInt(opts.words);
  const count = positiveInt(opts.sentences);
  const chosen: number[] = [];
  let words = 0;
  while (chosen.length < pool.length) {
    const next = bestByMmr(pool, scores, similarity, chosen);
    if (next === undefined) break;
    if (budget !== undefined) {
      if (words >= budget || (count !== undefined && chosen.length >= count)) break;
    } else if (count !== undefined) {
      if (chosen.length >= count) break;
    } else if (
      chosen.length >= DEFAULT_SENTENCES ||
      (chosen.length === 2 && words + pool[next]!.words > DEFAULT_MAX_WORDS)
    ) {
      break;
    }
    chosen.push(next);
    words += pool[next]!.words;
  }
  return chosen.sort((a, b) => a - b).map((i) => pool[i]!.text);
}

/** Whitespace-separated words of the display text: the unit of every word budget. */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
}

/** Normalised, stopword-free, light10-stemmed term counts of a text. */
export function termVector(text: string): Map<string, number> {
  const vector = new Map<string, number>();
  for (const token of tokenize(text)) {
    if (token.length < 2 || isStopword(token)) continue;
    const stem = stemLight10(token);
    vector.set(stem, (vector.get(stem) ?? 0) + 1);
  }
  return vector;
}

/**
 * Weighted PageRank by power iteration. `prior` (any non-negative weights) is where the random
 * surfer jumps; uniform when absent. A sentence with no edges spreads its rank like a jump.
 */
export function pageRank(weights: number[][], damping = DAMPING, prior?: number[]): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const jump = toDistribution(prior ?? new Array<number>(n).fill(1));
  const outSum = weights.map((row, i) => row.reduce((sum, w, j) => (i === j ? sum : sum + w), 0));
  let rank = jump.slice();
  for (let iteration = 0; iteration < 100; iteration++) {
    let dangling = 0;
    for (let i = 0; i < n; i++) if (outSum[i] === 0) dangling += rank[i]!;
    const next = jump.map((p) => (1 - damping + damping * dangling) * p);
    for (let i = 0; i < n; i++) {
      if (outSum[i] === 0) continue;
      const share = (damping * rank[i]!) / outSum[i]!;
      const row = weights[i]!;
      for (let j = 0; j < n; j++) if (j !== i) next[j]! += share * row[j]!;
    }
    const change = next.reduce((sum, value, i) => sum + Math.abs(value - rank[i]!), 0);
    rank = next;
    if (change < 1e-9) break;
  }
  return rank;
}

function toSentences(paragraphs: string[]): Sentence[] {
  // Vectors for the first sentences only: a 5 MB page has tens of thousands.
  return storySentences(paragraphs)
    .slice(0, MAX_CANDIDATES * 4)
    .map((text) => ({
      text,
      words: countWords(text),
      vector: termVector(text),
    }));
}

/**
 * The sentences of a story. Newspaper text often arrives hard-wrapped, one line per paragraph
 * (a third of EASC does): a paragraph of several words that ends without sentence punctuation,
 * or ends in a comma, continues on the next one, so no sentence is cut in half. A short
 * unpunctuated line (a subheading) stays on its own.
 */
export function storySentences(paragraphs: string[]): string[] {
  if (!Array.isArray(paragraphs)) return [];
  const blocks: string[] = [];
  let open = false;
  for (const paragraph of paragraphs) {
    if (typeof paragraph !== 'string') continue;
    const text = paragraph.replace(/\s+/g, ' ').trim();
    if (text === '') continue;
    if (open && blocks.length > 0) blocks[blocks.length - 1] += ` ${text}`;
    else blocks.push(text);
    open =
      CONTINUES.test(text) ||
      (!ENDS_SENTENCE.test(text) && countWords(text) >= MIN_WRAPPED_LINE_WORDS);
  }
  return blocks.flatMap((block) => splitSentences(block));
}

function inverseFrequencies(sentences: Sentence[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const s of sentences)
    for (const term of s.vector.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = sentences.length;
  const idf = new Map<string, number>();
  for (const [term, count] of df) idf.set(term, Math.log((n + 1) / count));
  return idf;
}

function tfidf(vector: Map<string, number>, idf: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  // A term the document never uses elsewhere (title-only) still counts, as a rare term.
  const unseen = Math.log(2 + idf.size);
  for (const [term, count] of vector) out.set(term, count * (idf.get(term) ?? unseen));
  return out;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [term, weight] of a) {
    na += weight * weight;
    const other = b.get(term);
    if (other !== undefined) dot += weight * other;
  }
  for (const weight of b.values()) nb += weight * weight;
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * Maximal marginal relevance per word: the sentence whose score, less what it repeats of the
 * chosen ones, is highest for the words it costs (budgeted selection, as in Lin & Bilmes 2010).
 * Dividing by length also cancels PageRank's bias towards long sentences, which have more edges.
 */
function bestByMmr(
  pool: Sentence[],
  scores: number[],
  similarity: number[][],
  chosen: number[],
): number | undefined {
  let best: number | undefined;
  let bestValue = Number.NEGATIVE_INFINITY;
  let bestPositive = false;
  for (let i = 0; i < scores.length; i++) {
    if (chosen.includes(i)) continue;
    if (chosen.some((j) => termJaccard(pool[i]!.vector, pool[j]!.vector) >= MAX_OVERLAP)) continue;
    const redundancy = chosen.reduce((max, j) => Math.max(max, similarity[i]![j]!), 0);
    const gain = LAMBDA * scores[i]! - (1 - LAMBDA) * redundancy;
    const positive = gain > 0;
    // Per word only while the gain is positive: a loss must not look smaller when spread thin.
    const value = positive ? gain / Math.max(1, pool[i]!.words) : gain;
    if ((positive && !bestPositive) || (positive === bestPositive && value > bestValue)) {
      best = i;
      bestValue = value;
      bestPositive = positive;
    }
  }
  return best;
}

function termJaccard(a: Map<string, number>, b: Map<string, number>): number {
  let shared = 0;
  for (const term of a.keys()) if (b.has(term)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

function toDistribution(weights: number[]): number[] {
  const clean = weights.map((w) => (Number.isFinite(w) && w > 0 ? w : 0));
  const total = clean.reduce((sum, w) => sum + w, 0);
  return total === 0 ? clean.map(() => 1 / clean.length) : clean.map((w) => w / total);
}

function normalizeMax(values: number[]): number[] {
  const max = Math.max(...values);
  return max > 0 ? values.map((v) => v / max) : values;
}

function positiveInt(value: number | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1
    ? Math.floor(value)
    : undefined;
}
