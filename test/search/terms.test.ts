import { describe, expect, it } from 'vitest';
import { BODY, TITLE } from '../../src/search/codec.ts';
import type { IndexDoc } from '../../src/search/terms.ts';
import {
  checkDoc,
  createTermCache,
  docTerms,
  MAX_DOC_TERMS,
  MAX_ID_LENGTH,
  stemTerm,
  surfaceTerm,
  tokenTerms,
} from '../../src/search/terms.ts';
import { stemLight10 } from '../../src/text/stem.ts';

describe('checkDoc', () => {
  it('takes a doc as given, sentAt made whole, missing title or text empty', () => {
    expect(checkDoc({ id: 'a', title: 't', text: 'x', sentAt: 1.9 })).toEqual({
      id: 'a',
      title: 't',
      text: 'x',
      sentAt: 1,
    });
    const partial = { id: 'b', sentAt: 0 } as IndexDoc;
    expect(checkDoc(partial)).toEqual({ id: 'b', title: '', text: '', sentAt: 0 });
  });

  it('refuses a bad id or time with an error naming the search index', () => {
    const bad = [
      { id: '', title: 'x', text: 'y', sentAt: 1 },
      { id: 'x'.repeat(MAX_ID_LENGTH + 1), title: 'x', text: 'y', sentAt: 1 },
      { id: 'ok', title: 'x', text: 'y', sentAt: Number.NaN },
      { id: 'ok', title: 'x', text: 'y', sentAt: -1 },
      { id: 'ok', title: 'x', text: 'y', sentAt: 2 ** 48 },
    ];
    for (const doc of bad) expect(() => checkDoc(doc)).toThrow(/search index/);
    expect(() => checkDoc(null as unknown as IndexDoc)).toThrow(/search index: not a doc/);
    expect(
      checkDoc({ id: 'x'.repeat(MAX_ID_LENGTH), title: '', text: '', sentAt: 0 }).id,
    ).toHaveLength(MAX_ID_LENGTH);
  });
});

describe('doc terms', () => {
  it('indexes the surface form, and the stem when it differs; no stopwords', () => {
    expect(tokenTerms('طهران')).toEqual(
      stemLight10('طهران') === 'طهران'
        ? [surfaceTerm('طهران')]
        : [surfaceTerm('طهران'), stemTerm(stemLight10('طهران'))],
    );
    expect(tokenTerms('الوزير')).toEqual(['s:الوزير', 'm:وزير']);
    expect(tokenTerms('في')).toEqual([]);
    expect(tokenTerms('x'.repeat(65))).toEqual([]);
  });

  it('flags each term TITLE, BODY or both', () => {
    const terms = docTerms(
      { title: 'الوزير في طهران', text: 'وصل الوزير إلى بغداد' },
      createTermCache(),
    );
    expect(terms.get('s:الوزير')).toBe(TITLE | BODY);
    expect(terms.get('m:وزير')).toBe(TITLE | BODY);
    expect(terms.get('s:طهران')).toBe(TITLE);
    expect(terms.get('s:بغداد')).toBe(BODY);
    expect(terms.has('s:في')).toBe(false);
  });

  it('keeps at most MAX_DOC_TERMS terms, title first, and still flags the ones it kept', () => {
    // Distinct Latin words (the tokenizer splits letters from digits): qza, qzb, …
    const word = (i: number): string =>
      `qz${i.toString(26).replace(/./g, (c) => String.fromCharCode(97 + Number.parseInt(c, 26)))}`;
    const words = Array.from({ length: MAX_DOC_TERMS + 50 }, (_, i) => word(i));
    const terms = docTerms(
      { title: `${word(0)} ${word(MAX_DOC_TERMS + 40)}`, text: words.join(' ') },
      createTermCache(),
    );
    expect(terms.size).toBe(MAX_DOC_TERMS);
    expect(terms.get(`s:${word(0)}`)).toBe(TITLE | BODY);
    expect(terms.get(`s:${word(MAX_DOC_TERMS + 40)}`)).toBe(TITLE | BODY);
    expect(terms.get(`s:${word(MAX_DOC_TERMS - 3)}`)).toBe(BODY);
    expect(terms.has(`s:${word(MAX_DOC_TERMS + 10)}`)).toBe(false);
  });
});

describe('term cache', () => {
  it('gives what tokenTerms gives, one cache per owner, starting over when full', () => {
    const a = createTermCache(3);
    const b = createTermCache(3);
    for (const t of ['الوزير', 'طهران', 'في']) expect(a.termsOf(t)).toEqual(tokenTerms(t));
    expect(a.size).toBe(3);
    expect(b.size).toBe(0);
    a.termsOf('بغداد');
    expect(a.size).toBe(1);
    expect(a.termsOf('بغداد')).toEqual(tokenTerms('بغداد'));
  });

  it('does not change what docTerms returns', () => {
    const doc = { title: 'وزير الدفاع', text: 'وصل وزير الدفاع العراقي إلى طهران' };
    expect(docTerms(doc, createTermCache(1))).toEqual(docTerms(doc, createTermCache()));
  });
});
