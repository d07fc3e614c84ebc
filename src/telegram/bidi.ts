import { stripUnsafeChars } from '../text/sanitize.ts';

/** RIGHT-TO-LEFT MARK: a strong RTL character that shows nothing. */
export const RLM = '\u200F';
/** FIRST STRONG ISOLATE: the enclosed text takes the direction of its own first letter. */
export const FSI = '\u2068';
/** POP DIRECTIONAL ISOLATE: closes the FSI. */
export const PDI = '\u2069';

/**
 * Wraps an untrusted field (title, publisher, source) as FSI … PDI, the way Telegram's own
 * clients wrap names. Inside the isolate a Latin- or digit-led title keeps its own order, and
 * outside it the neighbours are not reordered by it. The field's own bidi controls are removed
 * first, so it cannot close our isolate early or open an override that leaks past it.
 */
export function isolate(s: string): string {
  return FSI + stripUnsafeChars(s) + PDI;
}

/** LEFT-TO-RIGHT MARK: leads the lines of English texts, as RLM leads Arabic ones. */
export const LRM = '\u200E';

/**
 * Starts each non-empty line with the direction mark of its language (see arabic.md, bidi), so
 * a line that begins with a Latin word, a digit or an emoji still lays out in that direction.
 */
export function markLines(lang: 'ar' | 'en', lines: readonly string[]): string {
  const mark = lang === 'en' ? LRM : RLM;
  return lines.map((line) => (line === '' ? '' : mark + line)).join('\n');
}
