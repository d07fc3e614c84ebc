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
  'ج.م.ع.',
  'ش.م.م.',
  'ت.',
  'ه.',
  'U.S.',
  'U.K.',
  'U.N.',
  'Dr.',
  'Mr.',
  'Mrs.',
  'Ms.',
  'Jr.',
  'St.',
  // Latin letters as Arabic writes them in initials (جون إف. كينيدي, جورج دبليو. بوش).
  'إف.',
  'اف.',
  'دبليو.',
  'جي.',
  'دي.',
  'بي.',
  'سي.',
  'إس.',
  'إم.',
  'إتش.',
  'إل.',
  'إن.',
  'آر.',
  'كيه.',
  'تي.',
  'في.',
  'واي.',
  'زد.',
  'إي.',
  'كيو.',
];
// A single Latin capital with its full stop ("John F. Kennedy") is an initial, not an ending.
const LATIN_INITIAL = /(?:^|[\s(«"“])\p{Lu}\.$/u;
// "..." or "…" inside a sentence is a pause: the sentence goes on after it.
const ELLIPSIS = /(?:\.{2,}|…)$/u;
// Quotes and brackets that open and close a span; a sentence is not cut inside one.
const CLOSERS: Record<string, string> = { '«': '»', '(': ')', '[': ']' };
// Curly quotes come in both orders (“…” and the mirrored ”…“ of RTL keyboards).
const CURLY: Record<string, string> = { '“': '”', '”': '“' };
// An unclosed quote must not swallow the rest of a long text: joining stops at this length.
const MAX_JOINED_CHARS = 1200;
const MAX_ELLIPSIS_JOIN_CHARS = 200;

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

/** Whether a quote or bracket opened in `text` is still open at its end (” “ mirrored pairs count). */
function insideSpan(text: string): boolean {
  const stack: string[] = [];
  let straight = false;
  for (const char of text) {
    if (char === '"') {
      straight = !straight;
      continue;
    }
    const top = stack[stack.length - 1];
    // Scrapes also write one curly form for both ends (” محمد باقري ”): any curly quote closes one.
    if (
      char === top ||
      (CURLY[char] !== undefined && top !== undefined && CURLY[top] !== undefined)
    ) {
      stack.pop();
    } else if (CLOSERS[char] !== undefined) stack.push(CLOSERS[char]);
    else if (CURLY[char] !== undefined) stack.push(CURLY[char]);
  }
  return stack.length > 0 || straight;
}

function continuesAfter(current: string, next: string | undefined): boolean {
  if (next === undefined) return false;
  const tail = current.trimEnd();
  if (endsWithAbbreviation(current) || LATIN_INITIAL.test(tail)) return true;
  // An ellipsis at the very end of a paragraph still ends it; inside, the sentence goes on.
  // Arabic also writes "..." between whole sentences: past ~35 words, it ends one.
  if (ELLIPSIS.test(tail)) return current.length < MAX_ELLIPSIS_JOIN_CHARS;
  return current.length < MAX_JOINED_CHARS && insideSpan(current);
}

function splitLine(line: string): string[] {
  const sentences: string[] = [];
  const segments = Array.from(SEGMENTER.segment(line), (s) => s.segment);
  let current = '';
  for (let i = 0; i < segments.length; i++) {
    current += segments[i];
    if (!continuesAfter(current, segments[i + 1])) {
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
