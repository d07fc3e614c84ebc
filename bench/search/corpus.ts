// The search benchmark's articles and queries, all deterministic.
// Doc i < base.length is ANT article i as it is; a larger i is a variant of base article
// i % base.length made by a PRNG seeded with i alone, so any doc can be made again from its id
// (which is how phrase checks load a text) and 1M docs are streamed, never held in memory.
import type { IndexDoc } from '../../src/search/terms.ts';
import { isIndexable } from '../../src/text/query.ts';
import { splitSentences } from '../../src/text/sentences.ts';
import { tokenize } from '../../src/text/tokenize.ts';
import { antPaths, prng, readAnt } from '../../test/support/corpus.ts';

export interface BaseDoc {
  title: string;
  sentences: string[];
  text: string;
}

/** Posting times: one article a minute from 2017-01-01, so later ids are newer. */
const START = Date.UTC(2017, 0, 1);
const STEP = 60_000;

/** Every ANT article with a title and a text, in a stable order. */
export function loadBase(): BaseDoc[] {
  const docs: BaseDoc[] = [];
  for (const path of antPaths()) {
    const a = readAnt(path);
    if (!a.title || !a.text) continue;
    const sentences = a.text.split(/\n+/).flatMap((p) => splitSentences(p));
    if (sentences.length === 0) continue;
    docs.push({ title: a.title, sentences, text: sentences.join(' ') });
  }
  return docs;
}

// Words swapped for one another in variants: common news verbs and nouns.
const SYNONYM_GROUPS = [
  ['قال', 'أكد', 'أوضح', 'صرح', 'أفاد'],
  ['أعلن', 'كشف', 'ذكر'],
  ['الحكومة', 'السلطات'],
  ['المواطنين', 'السكان', 'الأهالي'],
  ['الجديد', 'الحديث'],
  ['مشروع', 'برنامج'],
  ['الشرطة', 'الأمن'],
  ['المنتخب', 'الفريق'],
  ['مباراة', 'مواجهة'],
  ['ارتفاع', 'زيادة'],
  ['انخفاض', 'تراجع'],
  ['اجتماع', 'لقاء'],
  ['كبير', 'هام'],
  ['الأطفال', 'الصغار'],
  ['مدينة', 'بلدة'],
];
const SYNONYMS = new Map<string, string[]>();
for (const group of SYNONYM_GROUPS) for (const w of group) SYNONYMS.set(w, group);

const WORD_G = /[\p{L}\p{M}\p{Nd}]+/gu;

function rewrite(text: string, rnd: () => number): string {
  return text.replace(WORD_G, (word) => {
    const group = SYNONYMS.get(word);
    if (group && rnd() < 0.6) return group[Math.floor(rnd() * group.length)] ?? word;
    if (/^\d+$/.test(word) && rnd() < 0.7) {
      // Another number of the same length: the number vocabulary stays bounded.
      const low = word.length === 1 ? 0 : 10 ** (word.length - 1);
      return String(low + Math.floor(rnd() * (10 ** word.length - low)));
    }
    return word;
  });
}

/** Doc number `i` of the benchmark corpus. */
export function makeDoc(base: BaseDoc[], i: number): IndexDoc {
  const sentAt = START + i * STEP;
  const b = base[i % base.length]!;
  if (i < base.length) return { id: `ant-${i}`, title: b.title, text: b.text, sentAt };
  const rnd = prng(i * 2654435761);
  const sentences = [...b.sentences];
  if (rnd() < 0.5) {
    for (let k = sentences.length - 1; k > 0; k--) {
      const j = Math.floor(rnd() * (k + 1));
      [sentences[k], sentences[j]] = [sentences[j]!, sentences[k]!];
    }
  } else if (sentences.length > 1) {
    // Rotate: the lead sentence moves, the rest keep their order.
    sentences.push(...sentences.splice(0, 1 + Math.floor(rnd() * (sentences.length - 1))));
  }
  if (sentences.length > 2 && rnd() < 0.4)
    sentences.splice(Math.floor(rnd() * sentences.length), 1);
  if (rnd() < 0.2) sentences.push(sentences[Math.floor(rnd() * sentences.length)]!);
  return {
    id: `v-${i}`,
    title: rewrite(b.title, rnd),
    text: rewrite(sentences.join(' '), rnd),
    sentAt,
  };
}

export function* corpus(base: BaseDoc[], size: number): Generator<IndexDoc> {
  for (let i = 0; i < size; i++) yield makeDoc(base, i);
}

/** Inverse of makeDoc's id, for loading a text back. */
export function docNumber(id: string): number | undefined {
  const m = /^(?:ant|v)-(\d+)$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

// ---- queries -----------------------------------------------------------------------------

/** Raw (as written) Arabic words of a text that are one indexable token of 3+ letters. */
function rawWords(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[\p{L}\p{M}]+/gu)) {
    const word = m[0];
    if (!/^[\u0600-\u06FF]+$/.test(word)) continue;
    const tokens = tokenize(word);
    const token = tokens[0];
    if (tokens.length === 1 && token !== undefined && token.length >= 3 && isIndexable(token)) {
      out.push(word);
    }
  }
  return out;
}

export interface QueryMix {
  /** One-, two- and three-word queries, in a fixed order. */
  queries: { q: string; words: number; band?: string }[];
  /** Title words holding ي ك ى ة, and the same words in Persian letter forms. */
  letterForms: { arabic: string; persian: string }[];
}

const BANDS: [string, number, number][] = [
  ['df ≥ 1000', 1000, Number.POSITIVE_INFINITY],
  ['df 100–999', 100, 1000],
  ['df 10–99', 10, 100],
  ['df 2–9', 2, 10],
];

/** ي → ی, ك → ک, ى → ی, ة → ه: how the same word is often typed with a Persian keyboard. */
export function toPersianForms(word: string): string {
  return word
    .replaceAll('\u064A', '\u06CC')
    .replaceAll('\u0643', '\u06A9')
    .replaceAll('\u0649', '\u06CC')
    .replaceAll('\u0629', '\u0647');
}

export function buildQueryMix(base: BaseDoc[], seed = 20240601, perKind = 100): QueryMix {
  const rnd = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  // Document frequency per normalised word, and one raw spelling of it.
  const df = new Map<string, number>();
  const spelling = new Map<string, string>();
  const docWords = base.map((d) => [...new Set(rawWords(`${d.title} ${d.text}`))]);
  for (const words of docWords) {
    const seen = new Set<string>();
    for (const w of words) {
      const n = tokenize(w)[0]!;
      if (seen.has(n)) continue;
      seen.add(n);
      df.set(n, (df.get(n) ?? 0) + 1);
      if (!spelling.has(n)) spelling.set(n, w);
    }
  }
  const vocab = [...df.keys()].sort();
  const queries: QueryMix['queries'] = [];
  for (const [band, low, high] of BANDS) {
    const inBand = vocab.filter((n) => df.get(n)! >= low && df.get(n)! < high);
    for (let k = 0; k < perKind / BANDS.length; k++) {
      queries.push({ q: spelling.get(pick(inBand))!, words: 1, band });
    }
  }
  // Several words: taken from one article, as a reader remembering a story would.
  for (const words of [2, 3]) {
    for (let k = 0; k < perKind; k++) {
      let choice: string[] = [];
      while (choice.length < words) {
        const candidates = [...new Set(pick(docWords))];
        if (candidates.length < words) continue;
        choice = [];
        while (choice.length < words) {
          const w = pick(candidates);
          if (!choice.includes(w)) choice.push(w);
        }
      }
      queries.push({ q: choice.join(' '), words });
    }
  }
  const letterWords = new Set<string>();
  for (const d of base) {
    for (const w of rawWords(d.title)) if (/[\u064A\u0643\u0649\u0629]/.test(w)) letterWords.add(w);
  }
  const sortedLetterWords = [...letterWords].sort();
  const letterForms: QueryMix['letterForms'] = [];
  const chosen = new Set<string>();
  while (letterForms.length < perKind && chosen.size < sortedLetterWords.length) {
    const arabic = pick(sortedLetterWords);
    if (chosen.has(arabic)) continue;
    chosen.add(arabic);
    letterForms.push({ arabic, persian: toPersianForms(arabic) });
  }
  return { queries, letterForms };
}
