import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendPosting, createListBuilder, finishList } from '../../src/search/codec.ts';
import {
  clampInt,
  cleanQuery,
  findCandidates,
  planQuery,
  type QueryPlan,
  wordLists,
} from '../../src/search/plan.ts';
import { createTermCache, docTerms } from '../../src/search/terms.ts';
import {
  matchesArticle,
  matchesPhrases,
  matchesWord,
  type ParsedQuery,
  parseQuery,
  prepareDoc,
} from '../../src/text/query.ts';
import { tokenize } from '../../src/text/tokenize.ts';
import { antSample, FIXTURE_PATH } from '../support/corpus.ts';

interface Doc {
  title: string;
  text: string;
}

/** The posting lists of `docs` (doc number = index + 1), as a rebuild writes them. */
function buildLists(docs: readonly Doc[]): Map<string, Uint8Array> {
  const cache = createTermCache();
  const builders = new Map<string, ReturnType<typeof createListBuilder>>();
  docs.forEach((doc, i) => {
    for (const [term, flags] of docTerms(doc, cache)) {
      const list = builders.get(term) ?? createListBuilder();
      builders.set(term, list);
      appendPosting(list, i + 1, flags);
    }
  });
  return new Map([...builders].map(([term, list]) => [term, finishList(list)]));
}

function readPlan(plan: QueryPlan, lists: Map<string, Uint8Array>): Map<string, Uint8Array | null> {
  return new Map(plan.terms.map((t) => [t, lists.get(t) ?? null]));
}

const docNumbers = (p: { docs: Uint32Array }): number[] => [...p.docs];

// Words whose stems and ال/و forms overlap, plus stopwords, so matches by stem, by surface and
// by neither all happen.
const VOCAB = [
  'وزير',
  'الوزير',
  'وزيرة',
  'الوزراء',
  'الدفاع',
  'دفاع',
  'طهران',
  'وطهران',
  'بغداد',
  'المنطقة',
  'منطقة',
  'كتاب',
  'الكتاب',
  'في',
  'من',
  'وزیر',
];
const textArb = fc.array(fc.constantFrom(...VOCAB), { maxLength: 8 }).map((w) => w.join(' '));
const docsArb = fc.array(fc.record({ title: textArb, text: textArb }), { maxLength: 30 });
const queryArb = fc
  .tuple(
    fc.array(fc.constantFrom(...VOCAB), { minLength: 1, maxLength: 3 }),
    fc.option(fc.array(fc.constantFrom(...VOCAB), { minLength: 2, maxLength: 3 }), {
      nil: undefined,
    }),
  )
  .map(([words, phrase]) => `${words.join(' ')}${phrase ? ` "${phrase.join(' ')}"` : ''}`);

describe('query planning', () => {
  it('reads the surface list, and the stem lists of a word whose stem differs', () => {
    expect(wordLists('طهران').map((l) => l.term)).toContain('s:طهران');
    expect(wordLists('الوزير')).toEqual([
      { term: 's:الوزير', surface: true },
      { term: 'm:وزير', surface: false },
      { term: 's:وزير', surface: false },
      { term: 'm:الوزير', surface: false },
    ]);
    expect(wordLists('في')).toEqual([]);
  });

  it('plans nothing for stopwords alone or a phrase of stopwords', () => {
    expect(planQuery(parseQuery('في'))).toBeUndefined();
    expect(planQuery({ words: ['طهران'], phrases: [['في', 'من']] })).toBeUndefined();
    expect(planQuery({ words: [], phrases: [] })).toBeUndefined();
  });

  it('reads each term once; phrase words by their surface list only', () => {
    const plan = planQuery(parseQuery('الوزير "وزير الدفاع" الوزير'));
    expect(plan?.phraseWords).toEqual(['وزير', 'الدفاع']);
    expect(plan?.phrases).toEqual([['وزير', 'الدفاع']]);
    expect(new Set(plan?.terms).size).toBe(plan?.terms.length);
    expect(plan?.terms).toContain('s:الدفاع');
    expect(plan?.terms).not.toContain('m:دفاع');
  });

  it('cleans a parsed query handed in from outside', () => {
    const junk = { words: [42, null, 'x'.repeat(500), 'طهران'], phrases: 'nope' };
    expect(cleanQuery(junk as unknown as ParsedQuery)).toEqual({ words: ['طهران'], phrases: [] });
    expect(cleanQuery(null as unknown as ParsedQuery)).toEqual({ words: [], phrases: [] });
    const phrases = { words: [], phrases: [[{}, 'وزير'], 7, []] };
    expect(cleanQuery(phrases as unknown as ParsedQuery)).toEqual({
      words: [],
      phrases: [['وزير']],
    });
    const many = Array.from({ length: 40 }, (_, i) => `w${i}`);
    expect(cleanQuery({ words: many, phrases: [] }).words).toHaveLength(16);
  });

  it('clamps page numbers', () => {
    expect(clampInt(10_000, 1, 100, 10)).toBe(100);
    expect(clampInt(-5, 0, 1000, 0)).toBe(0);
    expect(clampInt(Number.NaN, 1, 100, 10)).toBe(10);
    expect(clampInt('5', 1, 100, 10)).toBe(10);
    expect(clampInt(7.9, 1, 100, 10)).toBe(7);
  });
});

describe('candidates against matchesArticle', () => {
  it('all-words candidates are the docs with every word; phrases only narrow later', () => {
    fc.assert(
      fc.property(docsArb, queryArb, (docs, q) => {
        const p = parseQuery(q);
        const plan = planQuery(p);
        const lists = buildLists(docs);
        const loose = { words: p.words, phrases: [] };
        const withWords = docs.flatMap((d, i) => (matchesArticle(loose, d) ? [i + 1] : []));
        const full = docs.flatMap((d, i) => (matchesArticle(p, d) ? [i + 1] : []));
        if (plan === undefined) {
          expect(full).toEqual([]);
          return;
        }
        const all = docNumbers(findCandidates(plan, readPlan(plan, lists), null).all);
        // Candidates hold every match, and every candidate has the words.
        expect(all.filter((n) => full.includes(n))).toEqual(full);
        if (p.words.length > 0) for (const n of all) expect(withWords).toContain(n);
        if (p.phrases.length === 0) expect(all).toEqual(full);
        // With the phrase check the search makes on the text, exactly the matches remain.
        const checked = all.filter((n) => {
          const d = docs[n - 1];
          return d !== undefined && matchesPhrases(p.phrases, tokenize(d.title), tokenize(d.text));
        });
        expect(checked).toEqual(full);
      }),
    );
  });

  it('any-word candidates have some word and every phrase word; none for one word', () => {
    fc.assert(
      fc.property(docsArb, queryArb, (docs, q) => {
        const p = parseQuery(q);
        const plan = planQuery(p);
        if (plan === undefined) return;
        const any = findCandidates(plan, readPlan(plan, buildLists(docs)), null).any();
        if (p.words.length < 2) {
          expect(any).toBeUndefined();
          return;
        }
        const expected = docs.flatMap((d, i) => {
          const prepared = prepareDoc(d);
          const some = p.words.some((w) => matchesWord(w, prepared.tokens, prepared.stems));
          const phraseWords = plan.phraseWords.every((w) => prepared.tokens.has(w));
          return some && phraseWords ? [i + 1] : [];
        });
        expect(docNumbers(any ?? { docs: new Uint32Array(0) })).toEqual(expected);
      }),
    );
  });

  it('scores a surface title match 4, body 3, stem only 2 and 1, summed over words', () => {
    const docs = [
      { title: 'المنطقة', text: '' },
      { title: '', text: 'المنطقة' },
      { title: 'منطقة', text: '' },
      { title: '', text: 'منطقة طهران' },
    ];
    const plan = planQuery(parseQuery('المنطقة'));
    if (!plan) throw new Error('no plan');
    const { all } = findCandidates(plan, readPlan(plan, buildLists(docs)), null);
    expect([...all.scores]).toEqual([4, 3, 2, 1]);
    const two = planQuery(parseQuery('المنطقة طهران'));
    if (!two) throw new Error('no plan');
    const both = findCandidates(two, readPlan(two, buildLists(docs)), null);
    expect(docNumbers(both.all)).toEqual([4]);
    expect([...both.all.scores]).toEqual([1 + 3]);
  });

  it('leaves out docs marked dead', () => {
    const docs = [0, 1, 2].map(() => ({ title: 'طهران', text: '' }));
    const plan = planQuery(parseQuery('طهران'));
    if (!plan) throw new Error('no plan');
    // Doc 2 dead: bit 2, most significant first.
    const { all } = findCandidates(plan, readPlan(plan, buildLists(docs)), Uint8Array.of(0x20));
    expect(docNumbers(all)).toEqual([1, 3]);
  });

  it('finds in the ANT sample exactly what matchesArticle accepts', () => {
    const fixture = readFileSync(FIXTURE_PATH, 'utf8');
    const docs: Doc[] = [
      ...antSample(300).map((a) => ({ title: a.title, text: a.text })),
      { title: fixture.split('\n')[0] ?? '', text: fixture },
    ];
    const lists = buildLists(docs);
    const queries = ['تونس', 'وزير', 'الحكومة التونسية', 'رئيس الجمهورية', 'شمخاني طهران', 'وزیر'];
    for (const q of queries) {
      const p = parseQuery(q);
      const plan = planQuery(p);
      if (!plan) throw new Error(`no plan for ${q}`);
      const expected = docs.flatMap((d, i) => (matchesArticle(p, d) ? [i + 1] : []));
      expect(expected.length).toBeGreaterThan(0);
      expect(docNumbers(findCandidates(plan, readPlan(plan, lists), null).all)).toEqual(expected);
    }
  });
});
