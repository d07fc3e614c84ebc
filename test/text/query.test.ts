import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  containsPhrase,
  isEmptyQuery,
  isIndexable,
  MAX_QUERY_WORDS,
  matchesArticle,
  parseQuery,
} from '../../src/text/query.ts';
import { hasUnsafeChars } from '../../src/text/sanitize.ts';
import { tokenize } from '../../src/text/tokenize.ts';

const FIXTURE = new URL('../../../shared/fixtures/scraped-article-iran-iraq.txt', import.meta.url);
const fixtureText = readFileSync(FIXTURE, 'utf8');
const fixtureDoc = {
  title: fixtureText.split('\n')[0] ?? '',
  text: fixtureText.split('\n').slice(1).join('\n'),
};

describe('parseQuery', () => {
  it('normalises words and drops stopwords', () => {
    expect(parseQuery('وزیر الدفاع في طهران')).toEqual({
      words: ['وزير', 'الدفاع', 'طهران'],
      phrases: [],
    });
    expect(parseQuery('أمریکا ٢٠١٧ ۲۰۱۷')).toEqual({ words: ['امريكا', '2017'], phrases: [] });
  });

  it('keeps the stopwords of a query that has nothing else', () => {
    expect(parseQuery('في من')).toEqual({ words: ['في', 'من'], phrases: [] });
    expect(isEmptyQuery(parseQuery('في من'))).toBe(false);
  });

  it.each([
    ['straight quotes', '"وزير الدفاع" طهران'],
    ['guillemets', '«وزير الدفاع» طهران'],
    ['mirrored guillemets', '»وزير الدفاع« طهران'],
    ['curly quotes', '“وزير الدفاع” طهران'],
  ])('reads a phrase in %s', (_name, q) => {
    expect(parseQuery(q)).toEqual({ words: ['طهران'], phrases: [['وزير', 'الدفاع']] });
  });

  it('keeps stopwords inside a phrase, where order matters', () => {
    expect(parseQuery('"الأمن في المنطقة"').phrases).toEqual([['الامن', 'في', 'المنطقه']]);
  });

  it('runs an unclosed quote to the end of the query', () => {
    expect(parseQuery('طهران "وزير الدفاع العراقي')).toEqual({
      words: ['طهران'],
      phrases: [['وزير', 'الدفاع', 'العراقي']],
    });
  });

  it('turns a one-word phrase, and a phrase of stopwords only, into loose words', () => {
    expect(parseQuery('"طهران" بغداد')).toEqual({ words: ['طهران', 'بغداد'], phrases: [] });
    expect(parseQuery('"من هو"')).toEqual({ words: ['من', 'هو'], phrases: [] });
  });

  it('drops repeated words and phrases', () => {
    expect(parseQuery('طهران طهران "وزير الدفاع" «وزیر الدفاع»')).toEqual({
      words: ['طهران'],
      phrases: [['وزير', 'الدفاع']],
    });
  });

  it(`keeps at most ${MAX_QUERY_WORDS} words`, () => {
    const many = Array.from({ length: 40 }, (_, i) => `كلمة${'ب'.repeat(i + 1)}`).join(' ');
    expect(parseQuery(many).words).toHaveLength(MAX_QUERY_WORDS);
    const phrase = parseQuery(`"${many}"`);
    expect(phrase.phrases[0]).toHaveLength(MAX_QUERY_WORDS);
  });

  it.each([
    ['empty', ''],
    ['blank', ' \n\t '],
    ['punctuation', '!!! ... ؟؟ ،،'],
    ['empty quotes', '"" «»'],
    ['bidi controls only', '\u202E\u2066\u200F'],
  ])('gives an empty query for %s', (_name, q) => {
    expect(isEmptyQuery(parseQuery(q))).toBe(true);
  });

  it('returns an empty query for a non-string (a hostile caller)', () => {
    expect(parseQuery(42 as unknown as string)).toEqual({ words: [], phrases: [] });
    expect(parseQuery(null as unknown as string)).toEqual({ words: [], phrases: [] });
  });

  it('strips HTML-ish noise and bidi controls to plain words', () => {
    expect(parseQuery('<b>وزير</b> \u202Eطهران\u202C').words).toEqual(['b', 'وزير', 'طهران']);
  });

  it('never throws, and returns at most 16 clean tokens (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (q) => {
        const p = parseQuery(q);
        const tokens = [...p.words, ...p.phrases.flat()];
        expect(tokens.length).toBeLessThanOrEqual(MAX_QUERY_WORDS);
        for (const t of tokens) {
          expect(t).not.toBe('');
          expect(hasUnsafeChars(t)).toBe(false);
        }
        for (const ph of p.phrases) expect(ph.length).toBeGreaterThan(1);
      }),
    );
  });
});

describe('containsPhrase', () => {
  it('finds consecutive tokens only, in order', () => {
    const tokens = ['ا', 'ب', 'ج', 'ب', 'د'];
    expect(containsPhrase(tokens, ['ب', 'د'])).toBe(true);
    expect(containsPhrase(tokens, ['ب', 'ج', 'ب'])).toBe(true);
    expect(containsPhrase(tokens, ['د', 'ب'])).toBe(false);
    expect(containsPhrase(tokens, ['ا', 'ج'])).toBe(false);
    expect(containsPhrase(tokens, ['د', 'ه'])).toBe(false);
  });
});

describe('matchesArticle', () => {
  const matches = (q: string, doc = fixtureDoc) => matchesArticle(parseQuery(q), doc);

  it.each([
    ['وزير', 'وزیر'],
    ['شمخاني', 'شمخانی'],
    ['كبار', 'کبار'],
    ['أمريكا', 'أمریکا'],
  ])('treats %s and %s alike, both ways', (arabic, persian) => {
    const onlyPersian = { title: 'خبر', text: `قال ${persian} اليوم` };
    const onlyArabic = { title: 'خبر', text: `قال ${arabic} اليوم` };
    expect(matches(arabic, onlyPersian)).toBe(true);
    expect(matches(persian, onlyArabic)).toBe(true);
    expect(matches(arabic)).toBe(true);
    expect(matches(persian)).toBe(true);
  });

  it('matches Arabic-Indic, Persian and Latin digits alike', () => {
    const doc = { title: 'موازنة ٢٠١٧', text: 'نص' };
    for (const q of ['٢٠١٧', '۲۰۱۷', '2017']) expect(matches(q, doc)).toBe(true);
    expect(matches('2018', doc)).toBe(false);
  });

  it('needs every word', () => {
    expect(matches('شمخاني طهران')).toBe(true);
    expect(matches('شمخاني واشنطن')).toBe(false);
  });

  it('matches by light10 stem, and lets a word find its prefixed forms and the reverse', () => {
    const doc = { title: 'خبر', text: 'قال الوزير إن المنطقة آمنة' };
    expect(matches('وزير', doc)).toBe(true); // وزير → زير, but الوزير → وزير
    expect(matches('للوزير', doc)).toBe(true); // same stem وزير
    expect(matches('منطقة', doc)).toBe(true);
    expect(matches('الوزير', { title: 'وزير', text: '' })).toBe(true);
    expect(matches('وزارة', doc)).toBe(false);
  });

  it('checks phrase order', () => {
    expect(matches('"وزير الدفاع"')).toBe(true);
    expect(matches('"الدفاع وزير"')).toBe(false);
    // The words are all there, but never next to each other in this order.
    expect(matches('"طهران شمخاني"')).toBe(false);
  });

  it('does not let a phrase run from the title into the text', () => {
    expect(matches('"مشتركة استقبل"')).toBe(false);
    expect(matches('"وثيقة دفاعية مشتركة"')).toBe(true);
  });

  it('matches nothing for stopwords (they are not indexed) or an empty query', () => {
    expect(matches('في')).toBe(false);
    expect(matches('')).toBe(false);
  });

  it('finds any few words taken from the document itself (property)', () => {
    const tokens = tokenize(fixtureDoc.text).filter(isIndexable);
    const all = tokenize(fixtureDoc.text);
    const starts = all.flatMap((t, i) => (isIndexable(t) && i + 3 <= all.length ? [i] : []));
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: tokens.length - 1 }), { minLength: 1, maxLength: 4 }),
        (picks) => {
          const q = picks.map((i) => tokens[i]).join(' ');
          expect(matches(q)).toBe(true);
          // Three consecutive tokens of the text, starting at an indexable one, are a phrase.
          const start = starts[(picks[0] ?? 0) % starts.length] ?? 0;
          expect(matches(`"${all.slice(start, start + 3).join(' ')}"`)).toBe(true);
        },
      ),
    );
  });
});
