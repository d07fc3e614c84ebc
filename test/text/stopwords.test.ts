import { describe, expect, it } from 'vitest';
import { normalizeForMatch } from '../../src/text/normalize.ts';
import { isStopword, STOPWORDS } from '../../src/text/stopwords.ts';
import { tokenize } from '../../src/text/tokenize.ts';

describe('STOPWORDS', () => {
  it('is stopwords-iso ar normalised and deduplicated (434), minus 3 non-tokens and 6 news words', () => {
    expect(STOPWORDS.size).toBe(425);
  });

  it('holds only normalised single tokens', () => {
    for (const word of STOPWORDS) {
      expect(normalizeForMatch(word)).toBe(word);
      expect(tokenize(word)).toEqual([word]);
    }
  });

  it.each(['قال', 'اليوم', 'امس', 'عام', 'مليون', 'مليار'])(
    'keeps the news word %s searchable',
    (word) => {
      expect(isStopword(word)).toBe(false);
    },
  );

  it.each([
    ['في', 'في'],
    ['على (alef maksura folds to ي)', 'علي'],
    ['إلى', 'الي'],
    ['الذي', 'الذي'],
    ['هذه', 'هذه'],
    ['أنَّ with harakat', 'ان'],
    ['ّأيّان with a leading shadda', 'ايان'],
    ['وقالت', 'وقالت'],
  ])('contains %s as %s', (_name, word) => {
    expect(isStopword(word)).toBe(true);
  });

  it.each(['وزير', 'ايران', 'العراق', 'شمخاني', 'الامن', '', '،', 'و6'])(
    'does not contain %s',
    (word) => {
      expect(isStopword(word)).toBe(false);
    },
  );
});
