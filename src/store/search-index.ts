import type { Section } from '../article/types.ts';
import { type RedisClient, scanKeys as scanRedisKeys } from '../redis.ts';
import {
  appendPosting,
  createListBuilder,
  decodePostings,
  decodeRecord,
  encodeRecord,
  finishList,
  type ListBuilder,
  type Postings,
} from '../search/codec.ts';
import { clampInt, cleanQuery, findCandidates, planQuery } from '../search/plan.ts';
import {
  byRank,
  byRecency,
  closeness,
  pickTop,
  type Ranked,
  TIE_POOL,
  topRanked,
} from '../search/rank.ts';
import { isSection, sectionTerm } from '../search/sections.ts';
import { firstScore, intersect, withoutDocs } from '../search/sets.ts';
import {
  checkDoc,
  createTermCache,
  docTerms,
  type IndexDoc,
  MAX_ID_LENGTH,
} from '../search/terms.ts';
import { isEmptyQuery, matchesPhrases, type ParsedQuery, parseQuery } from '../text/query.ts';
import { tokenize } from '../text/tokenize.ts';
import { type ArticleStore, createArticleStore, type StoredArticle } from './articles.ts';
import type { Keys } from './keys.ts';
import { createPostStore } from './posts.ts';
import { defineScript } from './script.ts';

// Keyword search over every posted article, in Redis: the storage side of src/search/ (which
// holds the encoding, set algebra, planning and ranking, without I/O). All keys share the
// {prefix} hash tag; the Lua scripts build key names from the generation base
// (keys.searchBase), as BullMQ's do.
//
// Each article gets a doc number (INCR, so it grows with posting time). Each term keeps one
// Redis string holding its posting list (search/codec.ts); a ZSET would take 60–80 bytes a
// posting where most take one. Removing or editing a doc marks its old number in a dead
// bitmap; a rebuild compacts (it also drops the up-to-2× growth slack that Redis leaves in
// strings grown by APPEND). Ties in rank go to the newer post (search/rank.ts).

export interface SearchHit {
  id: string;
  score: number;
  sentAt: number;
}

export interface SearchResult {
  /** 'any' is the fallback when no article has every word; 'none' when nothing matched. */
  mode: 'all' | 'any' | 'none';
  /**
   * Matching articles. For a query with a phrase, candidates are checked only as far as the
   * page needs: the ones not yet checked are counted, so this is then an upper bound.
   */
  total: number;
  hits: SearchHit[];
}

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /** Only articles of this section. */
  section?: Section;
  /**
   * Break ties at one score by how closely the query words stand in the title (default true);
   * false keeps the older tie-break (recency alone), for bench/known-item.ts's baseline.
   */
  closeness?: boolean;
}

/** Title and text of an indexed doc, for checking phrases; undefined when it is gone. */
export type LoadText = (id: string) => Promise<{ title: string; text: string } | undefined>;

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;
export const MAX_OFFSET = 1000;
/** Most candidates one phrase query loads and checks. */
const MAX_PHRASE_CHECKS = 2000;

// 128 records per HASH keeps each one in Redis's compact listpack encoding (default
// hash-max-listpack-entries 128); ids are spread over a fixed number of HASHes the same way.
const DOC_BUCKET_SHIFT = 7;
const DOC_BUCKET_MASK = 127;
const ID_BUCKETS = 16384;
// Stands for the generation in the key template handed to the scripts; a prefix never holds '#'.
const GEN_MARK = '#';
const REBUILD_BATCH = 5000;
const PIPELINE_CHUNK = 5000;

const LUA_BASE = `
local gen = redis.call('GET', KEYS[1]) or '0'
local at = string.find(ARGV[1], '${GEN_MARK}', 1, true)
local g = string.sub(ARGV[1], 1, at - 1) .. gen .. string.sub(ARGV[1], at + 1)
local function forget(idKey, id)
  local old = redis.call('HGET', idKey, id)
  if not old then return 0 end
  local o = tonumber(old)
  redis.call('HDEL', idKey, id)
  redis.call('SETBIT', g .. 'dead', o, 1)
  redis.call('HDEL', g .. 'late', old)
  redis.call('HDEL', g .. 'd:' .. math.floor(o / 128), o % 128)
  redis.call('HDEL', g .. 't:' .. math.floor(o / 128), o % 128)
  redis.call('DECR', g .. 'live')
  return 1
end
`;

// KEYS: gen. ARGV: key template, id, sentAt, id bucket, title, then term, flags pairs.
// One script, so the doc number and every append to a posting list happen in order even with
// several workers adding at once (the delta needs the list's last doc number). It writes the
// record and posting formats of search/codec.ts (encodeRecord, appendPosting) in Lua.
// The scripts build their keys from the generation: fenced against a slot migration (script.ts).
const FENCED = { fence: true };
const addScript = defineScript(
  `${LUA_BASE}
local id, sent = ARGV[2], ARGV[3]
local idKey = g .. 'i:' .. ARGV[4]
forget(idKey, id)
local n = redis.call('INCR', g .. 'next')
redis.call('HSET', idKey, id, n)
redis.call('HSET', g .. 'd:' .. math.floor(n / 128), n % 128, sent .. ':' .. id)
if ARGV[5] ~= '' then redis.call('HSET', g .. 't:' .. math.floor(n / 128), n % 128, ARGV[5]) end
redis.call('INCR', g .. 'live')
local max = tonumber(redis.call('GET', g .. 'max') or '0')
if tonumber(sent) >= max then
  redis.call('SET', g .. 'max', sent)
else
  redis.call('HSET', g .. 'late', n, sent)
end
local head = string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
  math.floor(n / 256) % 256, n % 256)
for i = 6, #ARGV, 2 do
  local key = g .. ARGV[i]
  local h = redis.call('GETRANGE', key, 0, 3)
  local last = 0
  if #h == 4 then
    local a, b, c, d = string.byte(h, 1, 4)
    last = ((a * 256 + b) * 256 + c) * 256 + d
  end
  local v = (n - last) * 4 + tonumber(ARGV[i + 1])
  local bytes = {}
  while v >= 128 do
    bytes[#bytes + 1] = v % 128 + 128
    v = math.floor(v / 128)
  end
  bytes[#bytes + 1] = v
  local enc = string.char(unpack(bytes))
  if #h == 4 then
    redis.call('APPEND', key, enc)
    redis.call('SETRANGE', key, 0, head)
  else
    redis.call('SET', key, head .. enc)
  end
end
return n
`,
  FENCED,
);

// KEYS: gen. ARGV: key template, id, id bucket.
const removeScript = defineScript(
  `${LUA_BASE}
return forget(g .. 'i:' .. ARGV[3], ARGV[2])
`,
  FENCED,
);

/** The index's view of a stored article: its title, and its summary and story as the text. */
export function articleToIndexDoc(a: StoredArticle, sentAt: number): IndexDoc {
  return {
    id: a.id,
    title: a.title,
    text: [...a.summary, ...a.paragraphs].join('\n'),
    sentAt,
    ...(isSection(a.section) ? { section: a.section } : {}),
  };
}

/** Longest title kept for the closeness tie-break (a real headline is far shorter). */
const MAX_INDEX_TITLE = 300;

// FNV-1a over UTF-16 units: spreads ids over the id HASHes.
function idBucket(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % ID_BUCKETS;
}

/** A stored article, or undefined when it is missing or its record is not JSON. */
async function readArticle(articles: ArticleStore, id: string): Promise<StoredArticle | undefined> {
  try {
    return await articles.get(id);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

const NONE: SearchResult = { mode: 'none', total: 0, hits: [] };

export function createSearchIndex({
  redis,
  keys,
  loadText,
}: {
  redis: RedisClient;
  keys: Keys;
  /** Reads a doc's title and text for phrase checks; by default from the article store. */
  loadText?: LoadText;
}) {
  const template = keys.searchBase(GEN_MARK);
  // Per index, so nothing is shared at module level.
  const termCache = createTermCache();
  const articles = createArticleStore({ redis, keys });

  const readText: LoadText =
    loadText ??
    (async (id) => {
      const a = await readArticle(articles, id);
      if (a === undefined) return undefined;
      try {
        const { title, text } = articleToIndexDoc(a, 0);
        return { title: String(title ?? ''), text };
      } catch {
        return undefined;
      }
    });

  const currentGen = async (): Promise<string> => (await redis.get(keys.searchGen)) ?? '0';

  const docKey = (g: string, doc: number): string => `${g}d:${doc >>> DOC_BUCKET_SHIFT}`;
  const titleKey = (g: string, doc: number): string => `${g}t:${doc >>> DOC_BUCKET_SHIFT}`;

  /**
   * The `n` best of `cands` (search/rank.ts), their records (and, to break ties by closeness
   * to `words`, their titles) read from generation `g`. No words: recency alone.
   */
  async function rankTop(
    g: string,
    cands: Postings,
    n: number,
    late: ReadonlyMap<number, number>,
    words: readonly string[],
  ): Promise<Ranked[]> {
    const close = words.length > 0;
    const picked = pickTop(cands, n, late, close ? TIE_POOL : 0);
    if (picked.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const { doc } of picked) {
      const field = String(doc & DOC_BUCKET_MASK);
      pipeline.hget(docKey(g, doc), field);
      if (close) pipeline.hget(titleKey(g, doc), field);
    }
    const rows = (await pipeline.exec()) ?? [];
    const step = close ? 2 : 1;
    const ranked: Ranked[] = [];
    picked.forEach(({ doc, score }, i) => {
      const row = rows[i * step]?.[1];
      if (typeof row !== 'string') return; // removed meanwhile
      const title = close ? rows[i * step + 1]?.[1] : undefined;
      ranked.push({
        doc,
        score,
        ...decodeRecord(row),
        ...(typeof title === 'string' ? { closeness: closeness(words, title) } : {}),
      });
    });
    return topRanked(ranked, n, close ? byRank : byRecency);
  }

  /**
   * One page of `cands`. With phrases, candidates are loaded and checked in rank order, a
   * growing batch at a time, until the page is full: the cost grows with the number of
   * candidates checked (at most MAX_PHRASE_CHECKS), not with the index.
   */
  async function page(
    g: string,
    cands: Postings,
    phrases: string[][],
    late: ReadonlyMap<number, number>,
    offset: number,
    limit: number,
    words: readonly string[],
  ): Promise<{ total: number; hits: SearchHit[] }> {
    const need = offset + limit;
    const toHit = (r: Ranked): SearchHit => ({ id: r.id, score: r.score, sentAt: r.sentAt });
    if (phrases.length === 0) {
      const top = await rankTop(g, cands, need, late, words);
      return { total: cands.docs.length, hits: top.slice(offset).map(toHit) };
    }
    const verdicts = new Map<number, boolean>();
    const rejected = new Set<number>();
    let pool = cands;
    let n = need;
    for (;;) {
      const top = await rankTop(g, pool, n, late, words);
      const unchecked = top
        .filter((r) => !verdicts.has(r.doc))
        .slice(0, MAX_PHRASE_CHECKS - verdicts.size);
      const texts = await Promise.all(unchecked.map((r) => readText(r.id)));
      unchecked.forEach((r, i) => {
        const t = texts[i];
        const ok = t !== undefined && matchesPhrases(phrases, tokenize(t.title), tokenize(t.text));
        verdicts.set(r.doc, ok);
        if (!ok) rejected.add(r.doc);
      });
      const matched = top.filter((r) => verdicts.get(r.doc) === true);
      // Fewer than asked for means none are left (a doc removed meanwhile has no record).
      const exhausted = top.length < n || top.length >= pool.docs.length;
      if (matched.length >= need || exhausted || verdicts.size >= MAX_PHRASE_CHECKS) {
        return {
          // Every rejected doc came from this pool's top, so it is still counted in pool.
          total: pool.docs.length - rejected.size,
          hits: matched.slice(offset, need).map(toHit),
        };
      }
      pool = withoutDocs(pool, rejected);
      rejected.clear();
      n *= 2;
    }
  }

  async function search(
    query: string | ParsedQuery,
    opts: SearchOptions = {},
  ): Promise<SearchResult> {
    const p = typeof query === 'string' ? parseQuery(query) : cleanQuery(query);
    if (isEmptyQuery(p)) return NONE;
    const limit = clampInt(opts.limit, 1, MAX_LIMIT, DEFAULT_LIMIT);
    const offset = clampInt(opts.offset, 0, MAX_OFFSET, 0);
    const section = isSection(opts.section) ? opts.section : undefined;
    const result = await searchPage(p, offset, limit, section, opts.closeness !== false);
    // Past MAX_OFFSET the page is empty rather than a repeat of the last one allowed.
    return typeof opts.offset === 'number' && opts.offset > MAX_OFFSET
      ? { ...result, hits: [] }
      : result;
  }

  async function searchPage(
    p: ParsedQuery,
    offset: number,
    limit: number,
    section: Section | undefined,
    close: boolean,
  ): Promise<SearchResult> {
    const plan = planQuery(p);
    if (plan === undefined) return NONE;
    const g = keys.searchBase(await currentGen());
    const terms = section ? [...plan.terms, sectionTerm(section)] : plan.terms;
    const [listsReply, deadReply, lateReply] =
      (await redis
        .pipeline()
        .mgetBuffer(...terms.map((t) => g + t))
        .getBuffer(`${g}dead`)
        .hgetall(`${g}late`)
        .exec()) ?? [];
    for (const reply of [listsReply, deadReply, lateReply]) if (reply?.[0]) throw reply[0];
    const buffers = (listsReply?.[1] ?? []) as (Buffer | null)[];
    const lists = new Map(terms.map((t, i) => [t, buffers[i] ?? null]));
    const dead = (deadReply?.[1] ?? null) as Buffer | null;
    const late = new Map<number, number>();
    for (const [doc, sent] of Object.entries((lateReply?.[1] ?? {}) as Record<string, string>)) {
      late.set(Number(doc), Number(sent));
    }

    const cands = findCandidates(plan, lists, dead);
    const inSection = section ? decodePostings(lists.get(sectionTerm(section)), true) : undefined;
    const only = (c: Postings): Postings => (inSection ? intersect(c, inSection, firstScore) : c);
    const words = close ? [...p.words, ...p.phrases.flat()] : [];
    const first = await page(g, only(cands.all), plan.phrases, late, offset, limit, words);
    if (first.total > 0) return { mode: 'all', ...first };
    const any = cands.any();
    if (any === undefined) return NONE;
    const second = await page(g, only(any), plan.phrases, late, offset, limit, words);
    return second.total > 0 ? { mode: 'any', ...second } : NONE;
  }

  async function add(doc: IndexDoc): Promise<void> {
    const d = checkDoc(doc);
    const args: (string | number)[] = [
      template,
      d.id,
      d.sentAt,
      idBucket(d.id),
      d.title.slice(0, MAX_INDEX_TITLE),
    ];
    for (const [term, flags] of docTerms(d, termCache)) args.push(term, flags);
    await addScript(redis, [keys.searchGen], args);
  }

  async function remove(id: string): Promise<void> {
    if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) return;
    await removeScript(redis, [keys.searchGen], [template, id, idBucket(id)]);
  }

  /** Every key matching `pattern`, in batches (SCAN, on every master of a cluster). */
  const scanKeys = (pattern: string) => scanRedisKeys(redis, pattern);

  /**
   * Builds a new generation from `docs` (best in sentAt order, as the timeline gives them),
   * then switches to it and deletes the old one. Searches use the old index until the switch;
   * an add or remove made while a rebuild runs is not in the new index.
   */
  async function rebuild(
    docs: AsyncIterable<IndexDoc> | Iterable<IndexDoc>,
  ): Promise<{ indexed: number; skipped: number }> {
    const gen = String(await redis.incr(keys.searchGenSeq));
    const g = keys.searchBase(gen);
    const lists = new Map<string, ListBuilder>();
    const ids = new Map<string, number>();
    const late = new Map<number, number>();
    const dead: number[] = [];
    let idFields = new Map<number, string[]>();
    let records: string[] = [];
    let titles: string[] = [];
    let recordBucket = 1;
    let n = 0;
    let live = 0;
    let skipped = 0;
    let maxSent = 0;
    let pipeline = redis.pipeline();
    let queued = 0;

    const flush = async (force: boolean): Promise<void> => {
      if (queued === 0 || (!force && queued < PIPELINE_CHUNK)) return;
      const results = (await pipeline.exec()) ?? [];
      for (const [err] of results) if (err) throw err;
      pipeline = redis.pipeline();
      queued = 0;
    };
    const queueRecords = (): void => {
      if (records.length > 0) {
        pipeline.hset(`${g}d:${recordBucket}`, ...records);
        queued++;
        records = [];
      }
      if (titles.length > 0) {
        pipeline.hset(`${g}t:${recordBucket}`, ...titles);
        queued++;
        titles = [];
      }
    };
    const queueIds = (): void => {
      for (const [bucket, fields] of idFields) pipeline.hset(`${g}i:${bucket}`, ...fields);
      queued += idFields.size;
      idFields = new Map();
    };

    for await (const input of docs) {
      let doc: IndexDoc;
      try {
        doc = checkDoc(input);
      } catch {
        skipped++;
        continue;
      }
      n++;
      const old = ids.get(doc.id);
      if (old !== undefined) {
        dead.push(old);
        late.delete(old);
        pipeline.hdel(docKey(g, old), String(old & DOC_BUCKET_MASK));
        pipeline.hdel(titleKey(g, old), String(old & DOC_BUCKET_MASK));
        queued += 2;
        live--;
      }
      ids.set(doc.id, n);
      live++;
      if (doc.sentAt >= maxSent) maxSent = doc.sentAt;
      else late.set(n, doc.sentAt);

      const bucket = n >>> DOC_BUCKET_SHIFT;
      if (bucket !== recordBucket) {
        queueRecords();
        recordBucket = bucket;
      }
      records.push(String(n & DOC_BUCKET_MASK), encodeRecord(doc.sentAt, doc.id));
      if (doc.title !== '')
        titles.push(String(n & DOC_BUCKET_MASK), doc.title.slice(0, MAX_INDEX_TITLE));
      const idb = idBucket(doc.id);
      const fields = idFields.get(idb);
      if (fields) fields.push(doc.id, String(n));
      else idFields.set(idb, [doc.id, String(n)]);

      for (const [term, flags] of docTerms(doc, termCache)) {
        let list = lists.get(term);
        if (!list) {
          list = createListBuilder();
          lists.set(term, list);
        }
        appendPosting(list, n, flags);
      }
      if (n % REBUILD_BATCH === 0) {
        queueIds();
        await flush(false);
      }
    }
    queueRecords();
    queueIds();
    // Each list is written once, whole: APPEND would leave Redis's growth slack in every string.
    for (const [term, list] of lists) {
      pipeline.set(g + term, finishList(list));
      queued++;
      await flush(false);
    }
    lists.clear();
    for (const doc of dead) pipeline.setbit(`${g}dead`, doc, 1);
    if (late.size > 0) pipeline.hset(`${g}late`, ...[...late].flat());
    pipeline.set(`${g}next`, n).set(`${g}live`, live).set(`${g}max`, maxSent);
    queued++;
    await flush(true);

    await redis.set(keys.searchGen, gen);
    await dropGenerationsExcept(gen);
    return { indexed: live, skipped };
  }

  async function dropGenerationsExcept(gen: string): Promise<void> {
    const keep = keys.searchBase(gen);
    for await (const batch of scanKeys(keys.searchAll)) {
      const old = batch.filter(
        (k) => !k.startsWith(keep) && k !== keys.searchGen && k !== keys.searchGenSeq,
      );
      if (old.length > 0) await redis.unlink(...old);
    }
  }

  /** Live docs, and the bytes Redis uses for this index (MEMORY USAGE over its keys; O(keys)). */
  async function stats(): Promise<{ docs: number; bytes: number }> {
    const g = keys.searchBase(await currentGen());
    const docs = Number((await redis.get(`${g}live`)) ?? 0);
    let bytes = 0;
    for await (const batch of scanKeys(`${g}*`)) {
      const pipeline = redis.pipeline();
      for (const key of batch) pipeline.memory('USAGE', key, 'SAMPLES', 0);
      for (const [, size] of (await pipeline.exec()) ?? []) bytes += Number(size ?? 0);
    }
    return { docs, bytes };
  }

  return { add, remove, search, rebuild, stats };
}

export type SearchIndex = ReturnType<typeof createSearchIndex>;

/** Stored articles for `ids` (undefined where missing); one unreadable record is skipped alone. */
async function readArticles(
  articles: ArticleStore,
  ids: string[],
): Promise<(StoredArticle | undefined)[]> {
  try {
    return await articles.getMany(ids);
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    return Promise.all(ids.map((id) => readArticle(articles, id)));
  }
}

/** Every posted article as an IndexDoc, oldest first, read from the timeline in batches. */
export async function* postedIndexDocs({
  redis,
  keys,
  batch = 500,
}: {
  redis: RedisClient;
  keys: Keys;
  batch?: number;
}): AsyncGenerator<IndexDoc> {
  const posts = createPostStore({ redis, keys });
  const articles = createArticleStore({ redis, keys });
  for (let offset = 0; ; offset += batch) {
    const entries = await posts.timeline({ offset, count: batch, order: 'oldest' });
    if (entries.length === 0) return;
    const stored = await readArticles(
      articles,
      entries.map((e) => e.id),
    );
    for (const [i, { id, sentAt }] of entries.entries()) {
      const article = stored[i];
      if (typeof article !== 'object' || article === null) continue;
      if (!Array.isArray(article.summary) || !Array.isArray(article.paragraphs)) continue;
      yield articleToIndexDoc({ ...article, id }, sentAt);
    }
    if (entries.length < batch) return;
  }
}
