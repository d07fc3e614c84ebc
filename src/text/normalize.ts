import { collapseInvisible, stripUnsafeChars } from './sanitize.ts';

// The matching form of Arabic/Persian text: rules 1–9 of arabic.md "Normalisation for
// matching" (Lucene's ArabicNormalizer + PersianNormalizer + DecimalDigitFilter, widened).
// Only for search, dedupe and similarity; subscribers always see the original text.

const FOLD: Readonly<Record<string, string>> = {
  // Rule 4: alef with madda, hamza above/below, wasla → bare alef.
  '\u0622': '\u0627',
  '\u0623': '\u0627',
  '\u0625': '\u0627',
  '\u0671': '\u0627',
  // Rule 5: alef maksura, Persian yeh, yeh barree, Pashto/Uyghur e → yeh.
  '\u0649': '\u064A',
  '\u06CC': '\u064A',
  '\u06D2': '\u064A',
  '\u06D0': '\u064A',
  // Rule 6: keheh → kaf.
  '\u06A9': '\u0643',
  // Rule 7: heh with yeh, heh goal, ae, teh marbuta → heh.
  '\u06C0': '\u0647',
  '\u06C1': '\u0647',
  '\u06D5': '\u0647',
  '\u0629': '\u0647',
};
const FOLD_G = /[\u0622\u0623\u0625\u0671\u0649\u06CC\u06D2\u06D0\u06A9\u06C0\u06C1\u06D5\u0629]/g;

const ARABIC_INDIC_DIGITS_G = /[\u0660-\u0669]/g;
const PERSIAN_DIGITS_G = /[\u06F0-\u06F9]/g;

// Rule 9: tatweel, harakat (incl. hamza/madda above and below) and Quranic marks.
const MARKS_G = /[\u0640\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED]/g;

/** Rule 8 alone: Arabic-Indic (٠–٩) and Persian (۰–۹) digits → ASCII 0–9. */
export function normalizeDigits(s: string): string {
  return s
    .replace(ARABIC_INDIC_DIGITS_G, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(PERSIAN_DIGITS_G, (d) => String(d.charCodeAt(0) - 0x06f0));
}

/** Rules 4–7: fold Arabic and Persian letter variants to one form. */
export function foldLetters(s: string): string {
  return s.replace(FOLD_G, (c) => FOLD[c] ?? c);
}

/** The matching form of `s`: rules 1–9 in order, then Latin (and any cased script) lowercased. */
export function normalizeForMatch(s: string): string {
  let text = s.normalize('NFC'); // 1
  text = stripUnsafeChars(text); // 2 (also CR/CRLF → \n, lone surrogates → U+FFFD)
  text = text.replaceAll('\u200C', ' '); // 3
  text = foldLetters(text); // 4–7
  text = normalizeDigits(text); // 8
  text = text.replace(MARKS_G, ''); // 9
  // Removing marks can leave a joiner with nothing to join: collapse again (a fixed point).
  text = collapseInvisible(text);
  // Removing characters can leave a base letter next to a combining mark it composes with
  // (e + U+200B + U+0301); a second NFC keeps the result a fixed point.
  return text.toLowerCase().normalize('NFC');
}
