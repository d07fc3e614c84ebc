import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeDigits, normalizeForMatch } from '../../src/text/normalize.ts';

const cp = (n: number): string => String.fromCodePoint(n);
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('normalizeForMatch, rule by rule', () => {
  it('1. NFC: a decomposed hamza and madda compose, then fold like the precomposed letter', () => {
    // ا + U+0654 is أ in NFD; NFC composes it so أمريكا and its NFD form both end as امريكا.
    expect(normalizeForMatch('ا\u0654مريكا')).toBe('امريكا');
    expect(normalizeForMatch('ا\u0653سيا')).toBe('اسيا');
    expect(normalizeForMatch('e\u0301lite')).toBe('élite'.normalize('NFC'));
    // Removing a character between a letter and its accent must still give the composed form.
    expect(normalizeForMatch('e\u200B\u0301')).toBe('\u00E9');
    expect(normalizeForMatch('e\u06D6\u0301')).toBe('\u00E9');
  });

  it('2. removes invisible format characters inside a word', () => {
    for (const n of [0x200b, 0x200e, 0x200f, 0x061c, 0x2060, 0xfeff, 0x202b, 0x2067, 0xe0041]) {
      expect(normalizeForMatch(`وز${cp(n)}ير`), n.toString(16)).toBe('وزير');
    }
  });

  it('3. turns ZWNJ into a space', () => {
    expect(normalizeForMatch('می\u200Cخواهم')).toBe('مي خواهم');
  });

  it.each([
    ['U+0622', 'آسيا', 'اسيا'],
    ['U+0623', 'أمين', 'امين'],
    ['U+0625', 'إيران', 'ايران'],
    ['U+0671', 'ٱلله', 'الله'],
  ])('4. folds alef %s to ا', (_n, input, expected) => {
    expect(normalizeForMatch(input)).toBe(expected);
  });

  it.each([
    ['U+0649', 'على', 'علي'],
    ['U+06CC', 'وزیر', 'وزير'],
    ['U+06D2', 'نے', 'ني'],
    ['U+06D0', 'دې', 'دي'],
  ])('5. folds %s to yeh ي', (_n, input, expected) => {
    expect(normalizeForMatch(input)).toBe(expected);
  });

  it('6. folds keheh ک to kaf ك', () => {
    expect(normalizeForMatch('کبار')).toBe('كبار');
  });

  it.each([
    ['U+06C0', 'خانۀ', 'خانه'],
    ['U+06C1', 'ہم', 'هم'],
    ['U+06D5', 'ئەو', 'ئهو'],
    ['U+0629', 'المنطقة', 'المنطقه'],
  ])('7. folds %s to heh ه', (_n, input, expected) => {
    expect(normalizeForMatch(input)).toBe(expected);
  });

  it('8. maps Arabic-Indic and Persian digits to ASCII', () => {
    expect(normalizeForMatch('٠١٢٣٤٥٦٧٨٩')).toBe('0123456789');
    expect(normalizeForMatch('۰۱۲۳۴۵۶۷۸۹')).toBe('0123456789');
    expect(normalizeDigits('عام ١٤٤٥ و۱۴۰۲')).toBe('عام 1445 و1402');
  });

  it('9. removes tatweel, every haraka and every Quranic mark', () => {
    const marks = [
      0x0640,
      ...range(0x0610, 0x061a),
      ...range(0x064b, 0x065f),
      0x0670,
      ...range(0x06d6, 0x06ed),
    ];
    for (const n of marks) {
      expect(normalizeForMatch(`ك${cp(n)}تب`), n.toString(16)).toBe('كتب');
    }
    expect(normalizeForMatch('مُحَمَّـــد')).toBe('محمد');
    expect(normalizeForMatch('الرَّحْمَٰنِ')).toBe('الرحمن');
  });

  it('lowercases Latin', () => {
    expect(normalizeForMatch('Telegram IRNA')).toBe('telegram irna');
  });

  it.each([
    ['وزیر', 'وزير'],
    ['شمخانی', 'شمخاني'],
    ['کبار', 'كبار'],
    ['أمریکا', 'امريكا'],
    ['الیوم', 'اليوم'],
    ['وأکد', 'واكد'],
  ])('seed pair from the article: %s → %s', (input, expected) => {
    expect(normalizeForMatch(input)).toBe(expected);
    expect(normalizeForMatch(expected)).toBe(expected);
  });

  it('keeps punctuation, spaces and newlines (display structure is not its job)', () => {
    expect(normalizeForMatch('قال: «نعم»، ثم.\nبعد')).toBe('قال: «نعم»، ثم.\nبعد');
  });

  it('is idempotent for arbitrary strings', () => {
    const arabicish = fc.string({
      unit: fc.oneof(
        fc.integer({ min: 0x0600, max: 0x06ff }).map(cp),
        fc.constantFrom('\u200B', '\u200C', '\u200D', 'a', 'İ', '\u0301', 'Ω', ' '),
      ),
    });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), arabicish), (s) => {
        const once = normalizeForMatch(s);
        expect(normalizeForMatch(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });
});
