// Strips the invisible, bidi and control characters that arabic.md ("Bidi and invisible
// characters") lists for untrusted text. Trojan Source (CVE-2021-42574) overrides, our own
// direction marks (we add them later), zero-width and tag characters, and C0/C1 controls.
// ZWNJ U+200C (Persian words) and ZWJ U+200D (emoji sequences) are kept.

const UNSAFE_CLASS =
  '[\\u202A-\\u202E\\u2066-\\u2069\\u200E\\u200F\\u061C\\u200B\\u2060-\\u2064\\uFEFF' +
  '\\uFFF9-\\uFFFB\\u{E0000}-\\u{E007F}\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F' +
  '\\u007F-\\u009F]';

/** Matches one character that stripUnsafeChars removes (no `g` flag, safe to reuse in `test`). */
export const UNSAFE_CHAR_RE = new RegExp(UNSAFE_CLASS, 'u');

const UNSAFE_CHARS_G = new RegExp(UNSAFE_CLASS, 'gu');
// Without the `u` flag a regex sees UTF-16 code units, which is what a lone surrogate is.
const LONE_SURROGATE_G = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LINE_BREAK_G = /\r\n|[\r\u2028\u2029]/g;

// Characters that show nothing: ZWJ/ZWNJ and the other format characters, soft hyphen, the
// Hangul and braille blanks. One between two letters can matter (Persian ZWNJ, emoji ZWJ); a
// run of them never does, yet 5,000 of them fill a post's length budget. Combining marks
// (harakat, variation selectors, the grapheme joiner) stack on a letter: Arabic puts three at
// most, "Zalgo" text thousands. A cluster is a run of both kinds, interleaved or not.
const INVISIBLE_CLASS =
  '\\u00AD\\u115F\\u1160\\u180E\\u200B-\\u200F\\u2060-\\u206F\\u2800\\u3164\\uFEFF\\uFFA0\\u{1D173}-\\u{1D17A}';
const INVISIBLE_RE = new RegExp(`[${INVISIBLE_CLASS}]`, 'u');
const CLUSTER_G = new RegExp(`[${INVISIBLE_CLASS}\\p{M}]+`, 'gu');
/** Invisible characters kept in one cluster (❤️‍🔥 has VS16, a mark, then one ZWJ). */
const MAX_INVISIBLE_RUN = 2;
const MAX_MARK_RUN = 8;
const WHITESPACE = /\s/;

/** True when `s` holds a character that stripUnsafeChars would remove. */
export function hasUnsafeChars(s: string): boolean {
  return UNSAFE_CHAR_RE.test(s);
}

/**
 * Makes untrusted text safe to store and display: lone surrogates become U+FFFD, line
 * separators and CR/CRLF become \n, every unsafe character is removed, and runs of invisible
 * characters and of combining marks collapse (so length is measured on what shows).
 */
export function stripUnsafeChars(s: string): string {
  // Surrogates first, so that removing a character can never pair two halves into a new one.
  return collapseInvisible(
    s.replace(LONE_SURROGATE_G, '\uFFFD').replace(LINE_BREAK_G, '\n').replace(UNSAFE_CHARS_G, ''),
  );
}

/**
 * Clusters of invisible characters and combining marks: the invisible ones are removed where
 * there is nothing on one side to join (start or end of the text, a space), else cut to two
 * with repeats dropped; the marks are cut to eight. Idempotent.
 */
export function collapseInvisible(s: string): string {
  return s.replace(CLUSTER_G, (run: string, at: number, whole: string) => {
    const before = whole[at - 1] ?? ' ';
    const after = whole[at + run.length] ?? ' ';
    const joins = !WHITESPACE.test(before) && !WHITESPACE.test(after);
    let out = '';
    let invisibles = 0;
    let marks = 0;
    let lastInvisible = '';
    for (const ch of run) {
      if (INVISIBLE_RE.test(ch)) {
        if (!joins || invisibles === MAX_INVISIBLE_RUN || ch === lastInvisible) continue;
        invisibles++;
        lastInvisible = ch;
      } else if (++marks > MAX_MARK_RUN) continue;
      out += ch;
    }
    return out;
  });
}

/** Untrusted text as one safe line: unsafe characters removed, every run of whitespace one space. */
export function safeLine(s: string): string {
  return stripUnsafeChars(s).replace(/\s+/g, ' ').trim();
}
