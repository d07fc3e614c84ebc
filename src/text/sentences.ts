import { normalizeForMatch } from './normalize.ts';

// Intl.Segmenter (ICU) handles ؟ ? ! ۔, keeps ، and ؛ inside a sentence and leaves 3.5 and
// ٣٫٥٪ alone, but it breaks after any full stop followed by an Arabic letter (أ.|ف.|ب, د. |علي)
// and after "U.S. " before Arabic. We re-join after the abbreviations below.
const SEGMENTER = new Intl.Segmenter('ar', { granularity: 'sentence' });

const ABBREVIATIONS = [
  'د.',
  'أ.',
  'م.',
  'ق.م.',
  'هـ.',
  'ص.',
  'ج.',
  'ص.ب.',
  'أ.ف.ب.',
  'و.م.ع.',
  'U.S.',
  'U.K.',
  'U.N.',
  'Dr.',
  'Mr.',
  'Mrs.',
  'Ms.',
];

// Every dotted prefix of each abbreviation (أ. أ.ف. أ.ف.ب.) in matching form, because the
// segmenter cuts inside them: a segment ending in one of these continues into the next.
const JOIN_AFTER: ReadonlySet<string> = new Set(
  ABBREVIATIONS.flatMap((abbr) => {
    const parts = abbr.split('.').slice(0, -1);
    return parts.map((_, i) => normalizeForMatch(`${parts.slice(0, i + 1).join('.')}.`));
  }),
);
const LONGEST_ABBREVIATION_WORDS = 3;
// Only the tail matters; looking at a bounded slice keeps a hostile "د. د. د. …" line linear.
const TAIL_CHARS = 64;
const OPENING_PUNCTUATION = /^[\p{Ps}\p{Pi}\p{Pf}"']+/u;
const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;

/** Splits text into paragraphs at newlines: trimmed, inner whitespace collapsed, empties dropped. */
export function splitParagraphs(text: string): string[] {
  return text
    .split(LINE_BREAK)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
}

// True when `text` ends in an abbreviation (or a dotted part of one), written with or
// without spaces between its letters: "د." "أ.ف." "أ. ف. ب.".
function endsWithAbbreviation(text: string): boolean {
  const words = text.slice(-TAIL_CHARS).trim().split(/\s+/);
  for (let n = 1; n <= LONGEST_ABBREVIATION_WORDS && n <= words.length; n++) {
    const tail = words.slice(-n).join('').replace(OPENING_PUNCTUATION, '');
    if (JOIN_AFTER.has(normalizeForMatch(tail))) return true;
  }
  return false;
}

function splitLine(line: string): string[] {
  const sentences: string[] = [];
  let current = '';
  for (const { segment } of SEGMENTER.segment(line)) {
    current += segment;
    if (!endsWithAbbreviation(current)) {
      sentences.push(current);
      current = '';
    }
  }
  sentences.push(current);
  return sentences;
}

/** Splits a paragraph into trimmed, non-empty sentences; a newline always ends a sentence. */
export function splitSentences(paragraph: string): string[] {
  return paragraph
    .split(LINE_BREAK)
    .flatMap(splitLine)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}
