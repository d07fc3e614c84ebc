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

/** True when `s` holds a character that stripUnsafeChars would remove. */
export function hasUnsafeChars(s: string): boolean {
  return UNSAFE_CHAR_RE.test(s);
}

/**
 * Makes untrusted text safe to store and display: lone surrogates become U+FFFD, line
 * separators and CR/CRLF become \n, and every unsafe character is removed.
 */
export function stripUnsafeChars(s: string): string {
  // Surrogates first, so that removing a character can never pair two halves into a new one.
  return s
    .replace(LONE_SURROGATE_G, '\uFFFD')
    .replace(LINE_BREAK_G, '\n')
    .replace(UNSAFE_CHARS_G, '');
}
