import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/text/tokenize.ts';

const FIXTURE = new URL('../../../shared/fixtures/scraped-article-iran-iraq.txt', import.meta.url);

describe('tokenize', () => {
  it.each([
    [
      'punctuation and Arabic marks split',
      'قال، ثم؛ لماذا؟ «نعم» “لا”',
      ['قال', 'ثم', 'لماذا', 'نعم', 'لا'],
    ],
    ['hyphens and slashes split', 'covid-19 طهران/بغداد', ['covid', '19', 'طهران', 'بغداد']],
    ['a decimal stays one token', 'ارتفع 3.5 بالمئة', ['ارتفع', '3.5', 'بالمئه']],
    ['Arabic-Indic decimal and percent', 'ارتفع ٣٫٥٪', ['ارتفع', '3.5']],
    [
      'a year and grouped thousands',
      'عام 2020 و1,000 و۱۴۰۲',
      ['عام', '2020', 'و', '1,000', 'و', '1402'],
    ],
    ['a sentence-final full stop is not part of the number', 'في 2020.', ['في', '2020']],
    ['ZWNJ becomes a space', 'می\u200Cخواهم', ['مي', 'خواهم']],
    ['ZWJ does not split a word', 'كتا\u200Dب', ['كتاب']],
    ['Latin is lowercased', 'IRNA Telegram', ['irna', 'telegram']],
    ['harakat and tatweel vanish', 'مُحَمَّـــد', ['محمد']],
    ['emoji, HTML and symbols are not tokens', '🔥 <b>خبر</b> & + =', ['b', 'خبر', 'b']],
    ['invisible characters do not split a word', 'وز\u200Bیر', ['وزير']],
    ['empty and blank input', ' \n\t ', []],
  ])('%s', (_name, input, expected) => {
    expect(tokenize(input)).toEqual(expected);
  });

  it('finds the Persian-spelled names in the scraped article under their Arabic forms', () => {
    const tokens = tokenize(readFileSync(FIXTURE, 'utf8'));
    // The fixture spells these with ی (U+06CC) and ک (U+06A9) in places.
    for (const word of ['وزير', 'شمخاني', 'كبار', 'امريكا', 'اليوم', 'واكد']) {
      expect(tokens).toContain(word);
    }
    const forbidden = /[\u06CC\u06A9\u0622\u0623\u0625\u0629\u0649]/;
    expect(tokens.filter((t) => forbidden.test(t))).toEqual([]);
  });
});
