import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anchorTerms,
  docLookupTerms,
  followId,
  MAX_FOLLOWS_PER_USER,
} from '../../src/store/follows.ts';
import { matchesArticle, matchesPrepared, parseQuery, prepareDoc } from '../../src/text/query.ts';
import { stemLight10 } from '../../src/text/stem.ts';
import { tokenize } from '../../src/text/tokenize.ts';
import { antSample } from '../support/corpus.ts';
import { useRedis } from '../support/redis.ts';

const FIXTURE = new URL('../../../shared/fixtures/scraped-article-iran-iraq.txt', import.meta.url);
const fixtureText = readFileSync(FIXTURE, 'utf8');
const fixtureDoc = {
  title: fixtureText.split('\n')[0] ?? '',
  text: fixtureText.split('\n').slice(1).join('\n'),
};
const ant = antSample(60).map((a) => ({ title: a.title, text: a.text }));

const { redis, keys, stores } = useRedis('follows');
const store = stores.follows;

describe('follow matching rules', () => {
  // Words drawn from the docs themselves (and their Persian-form and prefixed variants), so
  // most generated queries match something and the property exercises both outcomes.
  const docs = [fixtureDoc, ...ant.slice(0, 20)];
  const prepared = docs.map(prepareDoc);
  // A doc, and a query drawn mostly from that doc's own words (as written, with ال added, or
  // in Persian letter forms), so the property sees many matches and many misses.
  const words = docs.map((d) =>
    [...new Set(`${d.title} ${d.text}`.split(/\s+/).filter((w) => w.length > 2))].slice(0, 300),
  );
  const docAndQuery = fc.nat(docs.length - 1).chain((i) => {
    const own = fc.constantFrom(...words[i]!);
    const word = fc.oneof(
      { weight: 4, arbitrary: own },
      { weight: 1, arbitrary: own.map((w) => `ال${w}`) },
      { weight: 1, arbitrary: own.map((w) => w.replace(/ي/g, 'ی').replace(/ك/g, 'ک')) },
      // The stem of a doc word as the query (الوزير → وزير, whose own stem is زير).
      { weight: 1, arbitrary: own.map((w) => stemLight10(tokenize(w)[0] ?? w)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom('وزير', 'شمخانی', 'کبار', 'أمریکا', '٢٠١٧', 'زقزقة'),
      },
    );
    const query = fc.oneof(
      fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(' ')),
      fc.array(word, { minLength: 2, maxLength: 3 }).map((ws) => `"${ws.join(' ')}"`),
      fc.nat(words[i]!.length - 3).map((k) => `"${words[i]!.slice(k, k + 3).join(' ')}"`),
    );
    return fc.tuple(fc.constant(i), query);
  });

  it('matchesPrepared agrees with matchesArticle', () => {
    fc.assert(
      fc.property(docAndQuery, ([i, q]) => {
        const p = parseQuery(q);
        expect(matchesPrepared(p, prepared[i]!)).toBe(matchesArticle(p, docs[i]!));
      }),
      { numRuns: 500 },
    );
  });

  it('every doc a follow matches has one of its anchors among its lookup terms', () => {
    const lookups = prepared.map((d) => new Set(docLookupTerms(d)));
    let matched = 0;
    fc.assert(
      fc.property(docAndQuery, ([i, q]) => {
        const p = parseQuery(q);
        if (!matchesPrepared(p, prepared[i]!)) return;
        matched++;
        expect(anchorTerms(p).some((term) => lookups[i]!.has(term))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    // The property is only meaningful if many generated follows did match.
    expect(matched).toBeGreaterThan(200);
  });

  it('finds الوزير for a follow of وزير, whose stem is زير', async () => {
    const doc = prepareDoc({ title: 'خبر', text: 'استقبل الوزير الضيف' });
    const p = parseQuery('وزير');
    expect(matchesPrepared(p, doc)).toBe(true);
    expect(anchorTerms(p).some((t) => docLookupTerms(doc).includes(t))).toBe(true);
  });

  it('anchors a word on its surface form and stem, a phrase on a word as written', () => {
    expect(anchorTerms(parseQuery('وزير'))).toEqual(['وزير', 'زير']);
    expect(anchorTerms(parseQuery('"وزير الدفاع"'))).toEqual(['الدفاع']);
    expect(anchorTerms(parseQuery('في من'))).toEqual([]);
  });

  it('gives the same id to the same words in any order or letter form', () => {
    expect(followId(parseQuery('وزیر الدفاع'))).toBe(followId(parseQuery('الدفاع  وزير')));
    expect(followId(parseQuery('"وزير الدفاع"'))).not.toBe(followId(parseQuery('وزير الدفاع')));
    expect(followId(parseQuery('x'))).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });
});

describe('follow store', () => {
  it('finds the followers of a doc, one follow per user, and not the others', async () => {
    await store.add(1, 'شمخاني', 'ar');
    await store.add(1, 'وزیر الدفاع', 'ar'); // the same user, a second matching follow
    await store.add(2, 'کبار المسؤولين', 'en');
    await store.add(3, '"الدفاع وزير"', 'ar'); // reversed phrase: no match
    await store.add(4, 'تونس', 'ar'); // not in the doc
    const matched = await store.match(fixtureDoc);
    expect(matched.map((f) => f.userId).sort()).toEqual([1, 2]);
    expect(matched.find((f) => f.userId === 1)?.query).toBe('شمخاني');
    expect(matched.find((f) => f.userId === 2)?.lang).toBe('en');
  });

  it('matches a follow with a section only on articles of that section', async () => {
    await store.add(51, 'شمخاني', 'ar', 'international');
    await store.add(52, 'شمخاني', 'ar', 'sport');
    await store.add(53, 'شمخاني', 'ar');
    const users = async (doc: typeof fixtureDoc & { section?: 'international' }) =>
      (await store.match(doc))
        .map((f) => f.userId)
        .filter((u) => u > 50 && u < 60)
        .sort();
    expect(await users({ ...fixtureDoc, section: 'international' })).toEqual([51, 53]);
    expect(await users(fixtureDoc)).toEqual([53]);
    // The same words in another section are another follow; without one, the id is unchanged.
    expect(await store.add(53, 'شمخاني', 'ar', 'sport')).toMatchObject({ ok: true });
    expect(followId(parseQuery('شمخاني'))).not.toBe(followId(parseQuery('شمخاني'), 'sport'));
  });

  it('refuses duplicates, stopword-only follows, and more than the cap', async () => {
    const user = 10;
    expect(await store.add(user, 'طهران', 'ar')).toMatchObject({ ok: true });
    expect(await store.add(user, 'طهران', 'ar')).toMatchObject({ ok: false, reason: 'exists' });
    expect(await store.add(user, 'من هو', 'ar')).toEqual({ ok: false, reason: 'empty' });
    for (let i = 1; i < MAX_FOLLOWS_PER_USER; i++) {
      expect(await store.add(user, `كلمة${i}`, 'ar')).toMatchObject({ ok: true });
    }
    expect(await store.add(user, 'كلمةزائدة', 'ar')).toEqual({ ok: false, reason: 'limit' });
    expect(await store.list(user)).toHaveLength(MAX_FOLLOWS_PER_USER);
  });

  it('removes one follow and all of a user, from the term index too', async () => {
    const user = 20;
    const a = await store.add(user, 'باقري', 'ar');
    await store.add(user, 'بغداد', 'ar');
    expect((await store.match(fixtureDoc)).some((f) => f.userId === user)).toBe(true);
    if (!a.ok) throw new Error('add failed');
    expect((await store.remove(user, a.follow.id))?.query).toBe('باقري');
    expect(await store.remove(user, a.follow.id)).toBeUndefined();
    expect((await store.list(user)).map((f) => f.query)).toEqual(['بغداد']);
    expect(await store.removeUser(user)).toBe(1);
    expect(await store.list(user)).toEqual([]);
    expect((await store.match(fixtureDoc)).some((f) => f.userId === user)).toBe(false);
    for (const term of ['باقري', 'بغداد']) {
      expect(await redis.sismember(keys.followTerm(term), `${user}:${a.follow.id}`)).toBe(0);
    }
  });

  it('copes with hostile docs and stale index entries', async () => {
    await redis.sadd(keys.followTerm('طهران'), '999:nosuchfollow', 'garbage');
    const matched = await store.match(fixtureDoc);
    expect(matched.some((f) => f.userId === 999)).toBe(false);
    expect(await store.match({ title: '', text: '' })).toEqual([]);
    const weird = { title: 42, text: null } as unknown as { title: string; text: string };
    expect(await store.match(weird)).toEqual([]);
  });
});
