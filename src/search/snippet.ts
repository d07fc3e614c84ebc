import { isIndexable, matchesWord } from '../text/query.ts';
import { stripUnsafeChars } from '../text/sanitize.ts';
import { stemLight10 } from '../text/stem.ts';
import { tokenize } from '../text/tokenize.ts';

// One line of a story around the words a search matched, for result lists and alerts. Pure:
// it returns plain-text pieces marked bold or not; the caller escapes and wraps them (so the
// words are matched as the index matches them, and no HTML is built here).

export interface SnippetPart {
  text: string;
  bold: boolean;
}

/** Characters a snippet line holds at most (about two lines on a phone). */
export const SNIPPET_MAX = 160;

const WORD_G = /[\p{L}\p{M}\p{Nd}]+(?:[.,\u066B\u066C]\p{Nd}+)*/gu;
const SENTENCE_END_G = /[.!?؟…]+\s+|\n+/gu;

/** The sentences of `text`, display form, whitespace folded; empty ones dropped. */
function sentencesOf(text: string): string[] {
  return stripUnsafeChars(text)
    .split(SENTENCE_END_G)
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
}

/** Where each word of `sentence` stands, and whether it matches one of `words`. */
function markWords(
  sentence: string,
  words: readonly string[],
): { start: number; end: number; hit: number }[] {
  const out: { start: number; end: number; hit: number }[] = [];
  for (const m of sentence.matchAll(WORD_G)) {
    let hit = -1;
    for (const token of tokenize(m[0])) {
      if (!isIndexable(token)) continue;
      const k = words.findIndex((w) =>
        matchesWord(w, new Set([token]), new Set([stemLight10(token)])),
      );
      if (k >= 0) {
        hit = k;
        break;
      }
    }
    out.push({ start: m.index, end: m.index + m[0].length, hit });
  }
  return out;
}

/**
 * The line of `text` showing the most of the query `words` (matched as search matches them),
 * cut to `max` characters around the first of them, at word boundaries, with "…" where cut.
 * Without words (or with none found) it is the story's first sentence.
 */
export function makeSnippet(
  text: string,
  words: readonly string[],
  max = SNIPPET_MAX,
): SnippetPart[] {
  const sentences = sentencesOf(typeof text === 'string' ? text.slice(0, 20_000) : '');
  if (sentences.length === 0) return [];
  const qs = words.filter((w) => typeof w === 'string' && isIndexable(w));
  let best = { sentence: sentences[0] ?? '', marks: [] as ReturnType<typeof markWords>, n: 0 };
  if (qs.length > 0) {
    for (const sentence of sentences.slice(0, 200)) {
      const marks = markWords(sentence, qs);
      const n = new Set(marks.filter((m) => m.hit >= 0).map((m) => m.hit)).size;
      if (n > best.n) best = { sentence, marks, n };
      if (n === qs.length) break;
    }
  }
  const { sentence, marks } = best;
  const first = marks.find((m) => m.hit >= 0);
  // A window of `max` characters: a little context before the first match, the rest after.
  let from = 0;
  if (first && sentence.length > max) from = Math.max(0, first.start - Math.floor(max / 4));
  let to = Math.min(sentence.length, from + max);
  if (to === sentence.length) from = Math.max(0, to - max);
  // Never cut inside a word.
  const inWord = (i: number) => marks.find((m) => m.start < i && i < m.end);
  from = inWord(from)?.end ?? from;
  to = inWord(to)?.start ?? to;
  const parts: SnippetPart[] = [];
  const push = (t: string, bold: boolean) => {
    if (t === '') return;
    const last = parts.at(-1);
    if (last && last.bold === bold) last.text += t;
    else parts.push({ text: t, bold });
  };
  if (from > 0) push('… ', false);
  let at = from;
  for (const m of marks) {
    if (m.hit < 0 || m.start < from || m.end > to) continue;
    push(sentence.slice(at, m.start), false);
    push(sentence.slice(m.start, m.end), true);
    at = m.end;
  }
  push(sentence.slice(at, to), false);
  if (to < sentence.length) push(' …', false);
  for (const p of parts) p.text = p.text.replace(/\s+/g, ' ');
  const head = parts[0];
  if (head && !head.bold) head.text = head.text.trimStart();
  return parts.filter((p) => p.text !== '');
}

/** A story's text for snippets: summary first (what readers saw), then the paragraphs. */
export function storyText(a: { summary?: unknown; paragraphs?: unknown }): string {
  const lines = (x: unknown): string[] =>
    Array.isArray(x) ? x.filter((l): l is string => typeof l === 'string') : [];
  return [...lines(a.summary), ...lines(a.paragraphs)].join('\n');
}
