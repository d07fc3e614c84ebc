import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import { BODY, decodeRecord, encodePostings, encodeRecord, TITLE } from '../../src/search/codec.ts';
import type { IndexDoc } from '../../src/search/terms.ts';
import { createArticleStore } from '../../src/store/articles.ts';
import type { Keys } from '../../src/store/keys.ts';
import { createPostStore } from '../../src/store/posts.ts';
import {
  articleToIndexDoc,
  createSearchIndex,
  postedIndexDocs,
  type SearchIndex,
} from '../../src/store/search-index.ts';
import { matchesArticle, parseQuery } from '../../src/text/query.ts';
import { antSample, FIXTURE_PATH } from '../support/corpus.ts';
import { useRedis } from '../support/redis.ts';

const DAY = 86_400_000;

// Every index gets a prefix of its own; all are deleted after the file.
const db = useRedis('search');
const { redis } = db;

/** A fresh prefix, its keys, and an index whose phrase checks read from `docs`. */
function freshIndex(docs: Map<string, IndexDoc>): { keys: Keys; index: SearchIndex } {
  const { keys } = db.space();
  const index = createSearchIndex({ redis, keys, loadText: async (id) => docs.get(id) });
  return { keys, index };
}

// The seed article through the real pipeline, posted on day 1000 (newer than every ANT doc).
const fixtureArticle = buildArticle(
  rawFromInput(readFileSync(FIXTURE_PATH), {
    url: 'https://example.com/iran-iraq',
    publisher: 'ميدل ايست نيوز',
    receivedAt: '2024-01-01T00:00:00Z',
  }),
);
const fixtureDoc = articleToIndexDoc({ ...fixtureArticle, seq: 1 }, Date.UTC(2024, 0, 1));

const antDocs: IndexDoc[] = antSample(300).map((a, i) => ({
  id: `ant-${a.docno}`,
  title: a.title,
  text: a.text,
  // A steady clock: older than the fixture, in the sample's order.
  sentAt: Date.UTC(2017, 0, 1) + i * 3_600_000,
}));

const corpus = new Map<string, IndexDoc>(
  [...antDocs, fixtureDoc].map((d) => [d.id, d] as [string, IndexDoc]),
);
let main: SearchIndex;

const ids = (r: { hits: { id: string }[] }): string[] => r.hits.map((h) => h.id);

beforeAll(async () => {
  main = freshIndex(corpus).index;
  for (const doc of antDocs) await main.add(doc);
  await main.add(fixtureDoc);
});

describe('search index: letter forms and digits', () => {
  it.each([
    ['وزير', 'وزیر'],
    ['شمخاني', 'شمخانی'],
    ['كبار', 'کبار'],
    ['أمريكا', 'أمریکا'],
  ])('finds the seed article for %s and for %s', async (arabic, persian) => {
    for (const q of [arabic, persian]) {
      expect(ids(await main.search(q, { limit: 100 }))).toContain(fixtureDoc.id);
    }
  });

  it.each([
    ['وزير', 'وزیر'],
    ['شمخاني', 'شمخانی'],
    ['كبار', 'کبار'],
    ['أمريكا', 'أمریکا'],
  ])('finds a doc written only as %s / only as %s with the other form', async (arabic, persian) => {
    const docs = new Map<string, IndexDoc>([
      ['ar', { id: 'ar', title: 'خبر أول', text: `قال ${arabic} اليوم`, sentAt: 1 }],
      ['fa', { id: 'fa', title: 'خبر ثان', text: `قال ${persian} اليوم`, sentAt: 2 }],
    ]);
    const { index } = freshIndex(docs);
    for (const doc of docs.values()) await index.add(doc);
    expect(ids(await index.search(arabic)).sort()).toEqual(['ar', 'fa']);
    expect(ids(await index.search(persian)).sort()).toEqual(['ar', 'fa']);
    // Both are surface matches after normalising: same score.
    const [a, b] = (await index.search(persian)).hits;
    expect(a?.score).toBe(b?.score);
  });

  it('matches Arabic-Indic, Persian and Latin digits alike', async () => {
    const docs = new Map<string, IndexDoc>([
      ['indic', { id: 'indic', title: 'ميزانية ٢٠١٧', text: 'نص', sentAt: 1 }],
      ['persian', { id: 'persian', title: 'بودجه ۲۰۱۷', text: 'نص', sentAt: 2 }],
      ['latin', { id: 'latin', title: 'budget 2017', text: 'نص', sentAt: 3 }],
      ['other', { id: 'other', title: 'ميزانية 2018', text: 'نص', sentAt: 4 }],
    ]);
    const { index } = freshIndex(docs);
    for (const doc of docs.values()) await index.add(doc);
    for (const q of ['٢٠١٧', '۲۰۱۷', '2017']) {
      expect(ids(await index.search(q))).toEqual(['latin', 'persian', 'indic']);
    }
  });
});

describe('search index: queries', () => {
  it('matches a quoted phrase only in that order', async () => {
    expect(ids(await main.search('"وزير الدفاع"', { limit: 100 }))).toContain(fixtureDoc.id);
    expect(ids(await main.search('"وزیر الدفاع العراقي"', { limit: 100 }))).toContain(
      fixtureDoc.id,
    );
    const reversed = await main.search('"الدفاع وزير"', { limit: 100 });
    expect(ids(reversed)).not.toContain(fixtureDoc.id);
    // Only a phrase: no any-word fallback that would bring the unordered words back.
    expect(reversed.mode).not.toBe('any');
  });

  it('requires every word, and falls back to any word, marked, when no doc has all', async () => {
    const all = await main.search('شمخاني طهران');
    expect(all.mode).toBe('all');
    expect(ids(all)).toEqual([fixtureDoc.id]);

    const any = await main.search('شمخاني زقزقةغيرموجودة', { limit: 100 });
    expect(any.mode).toBe('any');
    expect(ids(any)).toContain(fixtureDoc.id);

    expect(await main.search('زقزقةغيرموجودة')).toEqual({ mode: 'none', total: 0, hits: [] });
  });

  it('keeps a phrase required in the any-word fallback', async () => {
    const r = await main.search('"وزير الدفاع" زقزقةغيرموجودة طهران', { limit: 100 });
    expect(r.mode).toBe('any');
    expect(ids(r)).toEqual([fixtureDoc.id]);
  });

  it('returns nothing for stopwords alone, empty and junk queries', async () => {
    for (const q of ['في', 'من هو', '"من هو"', '', '   ', '!!!', '\u202E\u2066']) {
      expect(await main.search(q)).toEqual({ mode: 'none', total: 0, hits: [] });
    }
  });

  it('survives hostile queries: HTML, bidi controls, 10 KB of text, broken parsed queries', async () => {
    const html = await main.search('<script>alert(1)</script><b>شمخاني</b>');
    expect(html.mode).toBe('any');
    expect(ids(html)).toContain(fixtureDoc.id);

    const bidi = await main.search('\u202Eشمخ\u200Bاني\u202C \u2067طهران\u2069');
    expect(ids(bidi)).toEqual([fixtureDoc.id]);

    const big = await main.search(fixtureDoc.text.repeat(5).slice(0, 10_240), { limit: 100 });
    expect(big.mode).not.toBe('none');
    expect(ids(big)).toContain(fixtureDoc.id);

    const junk = [
      { words: [42, null, 'x'.repeat(500)], phrases: 'nope' },
      { words: 'شمخاني', phrases: [[{}], 7] },
      null,
    ];
    for (const p of junk) {
      const r = await main.search(p as unknown as Parameters<SearchIndex['search']>[0]);
      expect(r).toEqual({ mode: 'none', total: 0, hits: [] });
    }
    // Limits out of range are clamped, not trusted.
    const clamped = await main.search('تونس', { limit: 10_000, offset: -5 });
    expect(clamped.hits.length).toBeLessThanOrEqual(100);
    expect((await main.search('تونس', { limit: Number.NaN })).hits.length).toBeLessThanOrEqual(10);
    const beyond = await main.search('تونس', { offset: 5000 });
    expect(beyond.hits).toEqual([]);
    expect(beyond.total).toBe(clamped.total);
  });

  it('pages stably: offset/limit pages put together equal one long page', async () => {
    const whole = await main.search('تونس', { limit: 60 });
    expect(whole.total).toBeGreaterThan(60);
    const pages: string[] = [];
    for (let offset = 0; offset < 60; offset += 15) {
      const page = await main.search('تونس', { limit: 15, offset });
      expect(page.total).toBe(whole.total);
      pages.push(...ids(page));
    }
    expect(pages).toEqual(ids(whole));
    expect(new Set(pages).size).toBe(60);
    // Ranked by score first (ties: closeness in the title, then newest; see the tie test).
    for (let i = 1; i < whole.hits.length; i++) {
      const [a, b] = [whole.hits[i - 1]!, whole.hits[i]!];
      expect(a.score >= b.score).toBe(true);
    }
  });

  it('pages through phrase matches, checking candidates in rank order', async () => {
    // 40 docs with both words; only the even ones have them in phrase order.
    const docs = new Map<string, IndexDoc>();
    for (let i = 0; i < 40; i++) {
      const text = i % 2 === 0 ? 'وصل وزير الدفاع اليوم' : 'وصل الدفاع ثم وزير اليوم';
      docs.set(`d${i}`, { id: `d${i}`, title: 'خبر', text, sentAt: (i + 1) * DAY });
    }
    const { index } = freshIndex(docs);
    for (const doc of docs.values()) await index.add(doc);
    const expected = Array.from({ length: 20 }, (_, k) => `d${38 - 2 * k}`);

    const pages: string[] = [];
    for (let offset = 0; offset < 20; offset += 6) {
      const page = await index.search('"وزير الدفاع"', { limit: 6, offset });
      expect(page.mode).toBe('all');
      // Unchecked candidates are counted: an upper bound until every candidate is checked.
      expect(page.total).toBeGreaterThanOrEqual(20);
      expect(page.total).toBeLessThanOrEqual(40);
      pages.push(...ids(page));
    }
    expect(pages).toEqual(expected);
    const all = await index.search('"وزير الدفاع"', { limit: 100 });
    expect(all.total).toBe(20);
    expect(ids(all)).toEqual(expected);
  });

  it('returns, in all-words mode, exactly the docs matchesArticle accepts', async () => {
    const queries = [
      'تونس',
      'وزير',
      'الحكومة التونسية',
      'رئيس الجمهورية',
      'كرة',
      'النادي الافريقي',
    ];
    for (const q of queries) {
      const expected = [...corpus.values()]
        .filter((d) => matchesArticle(parseQuery(q), d))
        .map((d) => d.id)
        .sort();
      const r = await main.search(q, { limit: 100 });
      if (expected.length === 0) continue;
      expect(r.mode).toBe('all');
      expect(r.total).toBe(expected.length);
      if (expected.length <= 100) expect(ids(r).sort()).toEqual(expected);
    }
  });

  it('reports its size', async () => {
    const stats = await main.stats();
    expect(stats.docs).toBe(antDocs.length + 1);
    expect(stats.bytes).toBeGreaterThan(0);
  });
});

describe('search index: ranking', () => {
  it('puts title matches above body matches', async () => {
    const docs = new Map<string, IndexDoc>([
      ['body', { id: 'body', title: 'خبر', text: 'زار الرئيس طهران', sentAt: 2 * DAY }],
      ['title', { id: 'title', title: 'طهران اليوم', text: 'نص الخبر', sentAt: DAY }],
    ]);
    const { index } = freshIndex(docs);
    for (const doc of docs.values()) await index.add(doc);
    expect(ids(await index.search('طهران'))).toEqual(['title', 'body']);
  });

  it('puts exact (surface) matches above stem-only matches, whatever the age', async () => {
    const docs = new Map<string, IndexDoc>([
      ['surface', { id: 'surface', title: 'خبر', text: 'الوضع في المنطقة', sentAt: DAY }],
      ['stem', { id: 'stem', title: 'خبر', text: 'الوضع في منطقة', sentAt: 2 * DAY }],
      ['stemTitle', { id: 'stemTitle', title: 'منطقة', text: 'نص', sentAt: 3 * DAY }],
    ]);
    const { index } = freshIndex(docs);
    for (const doc of docs.values()) await index.add(doc);
    const r = await index.search('المنطقة');
    // surface in body > stem only in title > stem only in body
    expect(ids(r)).toEqual(['surface', 'stemTitle', 'stem']);
  });

  it('puts newer above older among equals, also after an edit re-adds an old post', async () => {
    const docs = new Map<string, IndexDoc>([
      ['old', { id: 'old', title: 'خبر', text: 'طهران', sentAt: DAY }],
      ['mid', { id: 'mid', title: 'خبر', text: 'طهران', sentAt: 2 * DAY }],
      ['new', { id: 'new', title: 'خبر', text: 'طهران', sentAt: 3 * DAY }],
    ]);
    const { index } = freshIndex(docs);
    for (const id of ['old', 'mid', 'new']) await index.add(docs.get(id)!);
    expect(ids(await index.search('طهران'))).toEqual(['new', 'mid', 'old']);
    // Editing 'old' gives it a new doc number, but it keeps its place in time.
    const edited = { ...docs.get('old')!, text: 'طهران وبغداد' };
    docs.set('old', edited);
    await index.add(edited);
    expect(ids(await index.search('طهران'))).toEqual(['new', 'mid', 'old']);
    expect(ids(await index.search('طهران', { limit: 1, offset: 2 }))).toEqual(['old']);
  });
});

describe('search index: closeness and sections', () => {
  const tied = (): Map<string, IndexDoc> =>
    new Map<string, IndexDoc>([
      // The known item: both words side by side, but the oldest.
      ['item', { id: 'item', title: 'قلعة سنان : حجز سيارة مهربة', text: 'نص', sentAt: DAY }],
      ...Array.from({ length: 12 }, (_, i): [string, IndexDoc] => [
        `apart${i}`,
        {
          id: `apart${i}`,
          title: `حجز كمية من السلع و ${i} سيارة`,
          text: 'نص',
          sentAt: (10 + i) * DAY,
          section: i % 2 === 0 ? 'local' : 'economy',
        },
      ]),
      ['reversed', { id: 'reversed', title: 'سيارة حجز', text: 'نص', sentAt: 2 * DAY }],
    ]);

  it('breaks a tie at the top score by closeness in the title, then recency', async () => {
    const docs = tied();
    const { index } = freshIndex(docs);
    for (const doc of docs.values()) await index.add(doc);
    const r = await index.search('حجز سيارة', { limit: 3 });
    // adjacent in order > adjacent reversed > apart (newest first among the apart ones)
    expect(ids(r)).toEqual(['item', 'reversed', 'apart11']);
    // The old tie-break (kept for the benchmark) puts the ten newer titles first.
    const old = await index.search('حجز سيارة', { limit: 11, closeness: false });
    expect(ids(old)).not.toContain('item');
    // A rebuild keeps the titles the tie-break reads.
    await index.rebuild(docs.values());
    expect(ids(await index.search('حجز سيارة', { limit: 1 }))).toEqual(['item']);
  });

  it('filters by section through the index, after add and after a rebuild', async () => {
    const docs = tied();
    const { index } = freshIndex(docs);
    for (const doc of docs.values()) await index.add(doc);
    const local = await index.search('سيارة', { section: 'local', limit: 20 });
    expect(local.total).toBe(6);
    expect(ids(local).every((id) => Number(id.slice(5)) % 2 === 0)).toBe(true);
    expect((await index.search('سيارة', { section: 'sport' })).mode).toBe('none');
    await index.rebuild(docs.values());
    expect((await index.search('سيارة', { section: 'economy', limit: 20 })).total).toBe(6);
  });
});

describe('search index: changes', () => {
  it('reflects remove, and an edit (add again) replaces the old text', async () => {
    const docs = new Map<string, IndexDoc>([
      ['a', { id: 'a', title: 'زيارة وزير', text: 'وصل الوزير إلى بغداد', sentAt: DAY }],
      ['b', { id: 'b', title: 'مباراة', text: 'فاز الفريق في بغداد', sentAt: 2 * DAY }],
    ]);
    const { index } = freshIndex(docs);
    for (const doc of docs.values()) await index.add(doc);
    expect(ids(await index.search('بغداد'))).toEqual(['b', 'a']);

    await index.remove('a');
    expect(ids(await index.search('بغداد'))).toEqual(['b']);
    expect((await index.search('وزير')).mode).toBe('none');
    expect((await index.stats()).docs).toBe(1);
    await index.remove('a'); // twice is fine
    await index.remove('never-there');

    await index.add({ id: 'a', title: 'زيارة وزير', text: 'وصل الوزير إلى بغداد', sentAt: DAY });
    expect(ids(await index.search('بغداد'))).toEqual(['b', 'a']);

    const edit = { id: 'b', title: 'مباراة', text: 'فاز الفريق في دمشق', sentAt: 2 * DAY };
    docs.set('b', edit);
    await index.add(edit);
    expect(ids(await index.search('بغداد'))).toEqual(['a']);
    expect(ids(await index.search('دمشق'))).toEqual(['b']);
    expect((await index.search('مباراة')).total).toBe(1);
    expect((await index.stats()).docs).toBe(2);
  });

  it('refuses a malformed doc with a clear error', async () => {
    const { index } = freshIndex(new Map());
    const bad = [
      { id: '', title: 'x', text: 'y', sentAt: 1 },
      { id: 'x'.repeat(1000), title: 'x', text: 'y', sentAt: 1 },
      { id: 'ok', title: 'x', text: 'y', sentAt: Number.NaN },
      { id: 'ok', title: 'x', text: 'y', sentAt: -1 },
    ];
    for (const doc of bad) await expect(index.add(doc)).rejects.toThrow(/search index/);
  });

  it('rebuild gives the same results as adding one by one, and drops the old generation', async () => {
    const incremental = freshIndex(corpus);
    const rebuilt = freshIndex(corpus);
    const docs = [...antDocs.slice(0, 150), fixtureDoc];
    for (const doc of docs) await incremental.index.add(doc);
    // Something to be thrown away by the rebuild.
    await rebuilt.index.add({ id: 'stale', title: 'قديم', text: 'طهران', sentAt: 1 });
    const result = await rebuilt.index.rebuild(
      (async function* () {
        yield* docs;
        yield { id: '', title: 'bad', text: 'bad', sentAt: 1 };
      })(),
    );
    expect(result).toEqual({ indexed: docs.length, skipped: 1 });

    for (const q of ['تونس', 'وزير', '"وزير الدفاع"', 'شمخاني زقزقة', 'الحكومة', '2017', 'قديم']) {
      for (const page of [{}, { limit: 7, offset: 3 }]) {
        expect(await rebuilt.index.search(q, page)).toEqual(
          await incremental.index.search(q, page),
        );
      }
    }
    expect(await rebuilt.index.stats()).toMatchObject({ docs: docs.length });
    // Only the new generation's keys remain.
    const left = await db.scanKeys(rebuilt.keys.searchAll);
    const gen = await redis.get(rebuilt.keys.searchGen);
    const base = rebuilt.keys.searchBase(gen ?? '?');
    const foreign = left.filter(
      (k) => !k.startsWith(base) && k !== rebuilt.keys.searchGen && k !== rebuilt.keys.searchGenSeq,
    );
    expect(foreign).toEqual([]);

    // Adds after a rebuild continue the new generation.
    const extra = { id: 'extra', title: 'شمخاني', text: 'طهران', sentAt: Date.UTC(2025, 0, 1) };
    corpus.set('extra', extra);
    await rebuilt.index.add(extra);
    expect(ids(await rebuilt.index.search('شمخاني'))).toEqual(['extra', fixtureDoc.id]);
    corpus.delete('extra');
  });

  it('rebuild keeps the last of two docs with the same id', async () => {
    const docs = new Map<string, IndexDoc>();
    const { index } = freshIndex(docs);
    const result = await index.rebuild([
      { id: 'x', title: 'قديم', text: 'بغداد', sentAt: DAY },
      { id: 'y', title: 'ثان', text: 'بغداد', sentAt: 2 * DAY },
      { id: 'x', title: 'جديد', text: 'دمشق', sentAt: DAY },
    ]);
    expect(result.indexed).toBe(2);
    expect(ids(await index.search('بغداد'))).toEqual(['y']);
    expect(ids(await index.search('دمشق'))).toEqual(['x']);
    expect((await index.search('قديم')).mode).toBe('none');
    expect(ids(await index.search('جديد'))).toEqual(['x']);
  });
});

describe('search index: storage format', () => {
  it('the Lua add script and a rebuild write the bytes and records of search/codec.ts', async () => {
    // Doc 1 has the term in its title, doc 200 in its body: a gap that takes a 2-byte varint.
    const docs: IndexDoc[] = Array.from({ length: 200 }, (_, i) => ({
      id: `doc-${i + 1}`,
      title: i === 0 ? 'طهران' : 'خبر',
      text: i === 199 ? 'وصل إلى طهران' : 'بغداد',
      sentAt: (i + 1) * DAY,
    }));
    const { keys, index } = freshIndex(new Map());
    for (const doc of docs) await index.add(doc);
    const expected = encodePostings([
      { doc: 1, flags: TITLE },
      { doc: 200, flags: BODY },
    ]);
    const read = async () => {
      const base = keys.searchBase((await redis.get(keys.searchGen)) ?? '0');
      const list = await redis.getBuffer(`${base}s:طهران`);
      const record = await redis.hget(`${base}d:1`, String(200 & 127));
      return { list, record };
    };
    const added = await read();
    expect(added.list?.equals(expected)).toBe(true);
    expect(added.record).toBe(encodeRecord(200 * DAY, 'doc-200'));
    expect(decodeRecord(added.record ?? '')).toEqual({ sentAt: 200 * DAY, id: 'doc-200' });

    await index.rebuild(docs);
    const rebuilt = await read();
    expect(rebuilt.list?.equals(expected)).toBe(true);
    expect(rebuilt.record).toBe(added.record);
  });
});

describe('search index: docs from the timeline', () => {
  it('reads posted articles oldest first, in batches, skipping missing and unreadable ones', async () => {
    const { keys } = freshIndex(new Map());
    const posts = createPostStore({ redis, keys });
    const articles = createArticleStore({ redis, keys });
    const ids = ['p1', 'p2', 'gone', 'broken', 'p3'];
    for (const [i, id] of ids.entries()) {
      const sentAt = new Date(Date.UTC(2024, 0, 5 - i)).toISOString();
      await posts.record({
        articleId: id,
        chat: '@c',
        chatId: -1,
        messageId: i + 1,
        sentAt,
        kind: 'text',
      });
      if (id.startsWith('p')) {
        await articles.save({ ...fixtureArticle, id, title: `title ${id}`, seq: i + 1 });
      }
    }
    await redis.set(keys.article('broken'), '{not json');

    const read: IndexDoc[] = [];
    for await (const doc of postedIndexDocs({ redis, keys, batch: 2 })) read.push(doc);
    // Sent on Jan 5, 4, …: the timeline gives them back oldest first.
    expect(read.map((d) => d.id)).toEqual(['p3', 'p2', 'p1']);
    expect(read[0]).toEqual(
      articleToIndexDoc(
        { ...fixtureArticle, id: 'p3', title: 'title p3', seq: 5 },
        Date.UTC(2024, 0, 1),
      ),
    );
  });
});
