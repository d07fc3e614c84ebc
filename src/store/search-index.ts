import type { Redis } from 'ioredis';
import {
  isEmptyQuery,
  isIndexable,
  MAX_QUERY_WORDS,
  MAX_TERM_LENGTH,
  matchesPhrases,
  type ParsedQuery,
  parseQuery,
} from '../text/query.ts';
import { stemLight10 } from '../text/stem.ts';
import { tokenize } from '../text/tokenize.ts';
import type { StoredArticle } from './articles.ts';
import type { Keys } from './keys.ts';
import { defineScript } from './script.ts';

// Keyword search over every posted article, in Redis. All keys share the {prefix} hash tag;
// the Lua scripts build key names from the generation base (keys.searchBase), as BullMQ's do.
//
// Each article gets a doc number (INCR, so it grows with posting time). Each term, the
// normalised surface form `s:<token>` and the light10 stem `m:<stem>` (only when it differs
// from the surface), keeps one Redis string: a 4-byte big-endian header holding the last doc
// number, then one varint per posting of (delta << 2 | flags), flags 1 = title, 2 = body.
// Most postings take one byte; a ZSET would take 60–80. Removing or editing a doc marks its
// old number in a dead bitmap; a rebuild compacts (it also drops the up-to-2× growth slack
// that Redis leaves in strings grown by APPEND). Stopwords are not indexed.
//
// A query word w matches a doc token when their light10 stems are equal or one is the other's
// stem (matchesWord in text/query.ts): the lists s:w (the surface form), s:<stem(w)>,
// m:<stem(w)> and m:w together hold exactly those docs. Score per word, summed over words:
// surface in title 4 > surface in body 3 > stem only in title 2 > stem only in body 1;
// ties go to the newer post.

export interface IndexDoc {
  id: string;
  title: string;
  text: string;
  /** When it was posted, ms since the epoch. */
  sentAt: number;
}

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
}

/** Title and text of an indexed doc, for checking phrases; undefined when it is gone. */
export type LoadText = (id: string) => Promise<{ title: string; text: string } | undefined>;

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;
export const MAX_OFFSET = 1000;
/** Longest doc id the index takes. */
export const MAX_ID_LENGTH = 256;
/** Distinct terms indexed per doc (title first); a news story has a few hundred. */
export const MAX_DOC_TERMS = 10_000;
/** Most candidates one phrase query loads and checks. */
const MAX_PHRASE_CHECKS = 2000;

const TITLE = 1;
const BODY = 2;
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
  redis.call('DECR', g .. 'live')
  return 1
end
`;

// KEYS: gen. ARGV: key template, id, sentAt, id bucket, then term, flags pairs.
// One script, so the doc number and every append to a posting list happen in order even with
// several workers adding at once (the delta needs the list's last doc number).
const addScript = defineScript(`${LUA_BASE}
local id, sent = ARGV[2], ARGV[3]
local idKey = g .. 'i:' .. ARGV[4]
forget(idKey, id)
local n = redis.call('INCR', g .. 'next')
redis.call('HSET', idKey, id, n)
redis.call('HSET', g .. 'd:' .. math.floor(n / 128), n % 128, sent .. ':' .. id)
redis.call('INCR', g .. 'live')
local max = tonumber(redis.call('GET', g .. 'max') or '0')
if tonumber(sent) >= max then
  redis.call('SET', g .. 'max', sent)
else
  redis.call('HSET', g .. 'late', n, sent)
end
local head = string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256,
  math.floor(n / 256) % 256, n % 256)
for i = 5, #ARGV, 2 do
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
`);

// KEYS: gen. ARGV: key template, id, id bucket.
const removeScript = defineScript(`${LUA_BASE}
return forget(g .. 'i:' .. ARGV[3], ARGV[2])
`);

/** The index's view of a stored article: its title, and its summary and story as the text. */
export function articleToIndexDoc(a: StoredArticle, sentAt: number): IndexDoc {
  return { id: a.id, title: a.title, text: [...a.summary, ...a.paragraphs].join('\n'), sentAt };
}

function checkDoc(doc: IndexDoc): IndexDoc {
  if (typeof doc !== 'object' || doc === null) throw new TypeError('search index: not a doc');
  const { id, sentAt } = doc;
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) {
    throw new TypeError(`search index: id must be a string of 1–${MAX_ID_LENGTH} characters`);
  }
  if (typeof sentAt !== 'number' || !Number.isFinite(sentAt) || sentAt < 0 || sentAt > 2 ** 47) {
    throw new TypeError('search index: sentAt must be a time in ms since the epoch');
  }
  const title = typeof doc.title === 'string' ? doc.title : '';
  const text = typeof doc.text === 'string' ? doc.text : '';
  return { id, title, text, sentAt: Math.floor(sentAt) };
}

// Token → its index terms (none for a stopword). News reuses a small vocabulary, so this
// saves most stemming and string building; cleared when large so a worker's memory stays flat.
const termCache = new Map<string, readonly string[]>();
const TERM_CACHE_SIZE = 200_000;

function tokenTerms(token: string): readonly string[] {
  let terms = termCache.get(token);
  if (terms === undefined) {
    const stem = stemLight10(token);
    if (!isIndexable(token)) terms = [];
    else terms = stem === token ? [`s:${token}`] : [`s:${token}`, `m:${stem}`];
    if (termCache.size >= TERM_CACHE_SIZE) termCache.clear();
    termCache.set(token, terms);
  }
  return terms;
}

/** The terms of one doc ('s:' surface, 'm:' stem) with their title/body flags. */
export function docTerms(doc: { title: string; text: string }): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (text: string, flag: number): void => {
    for (const token of tokenize(text)) {
      for (const term of tokenTerms(token)) {
        const flags = terms.get(term);
        if (flags !== undefined) terms.set(term, flags | flag);
        else if (terms.size < MAX_DOC_TERMS) terms.set(term, flag);
      }
    }
  };
  add(doc.title, TITLE);
  add(doc.text, BODY);
  return terms;
}

// FNV-1a over UTF-16 units: spreads ids over the id HASHes.
function idBucket(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % ID_BUCKETS;
}

// ---- posting lists -----------------------------------------------------------------------

/** Doc numbers (ascending) with a score each. */
interface Postings {
  docs: Uint32Array;
  scores: Uint8Array;
}

const NO_POSTINGS: Postings = { docs: new Uint32Array(0), scores: new Uint8Array(0) };

/** A posting list as built in memory during a rebuild. */
interface ListBuilder {
  buf: Buffer;
  len: number;
  last: number;
}

function appendPosting(list: ListBuilder, doc: number, flags: number): void {
  if (list.len + 8 > list.buf.length) {
    const bigger = Buffer.allocUnsafe(list.buf.length * 2);
    list.buf.copy(bigger, 0, 0, list.len);
    list.buf = bigger;
  }
  let v = (doc - list.last) * 4 + flags;
  while (v >= 128) {
    list.buf[list.len++] = (v % 128) + 128;
    v = Math.floor(v / 128);
  }
  list.buf[list.len++] = v;
  list.last = doc;
}

function finishList(list: ListBuilder): Buffer {
  list.buf.writeUInt32BE(list.last, 0);
  return list.buf.subarray(0, list.len);
}

/** Decodes a posting list; a surface list scores 4 (title) or 3, a stem list 2 or 1. */
function decodePostings(buf: Buffer | null | undefined, surface: boolean): Postings {
  if (!buf || buf.length <= 4) return NO_POSTINGS;
  const end = buf.length;
  const docs = new Uint32Array(end - 4);
  const scores = new Uint8Array(end - 4);
  const inTitle = surface ? 4 : 2;
  const inBody = surface ? 3 : 1;
  let doc = 0;
  let n = 0;
  let i = 4;
  while (i < end) {
    let b = buf[i++]!;
    let v = b & 0x7f;
    let mult = 128;
    while (b & 0x80 && i < end && mult < 2 ** 42) {
      b = buf[i++]!;
      v += (b & 0x7f) * mult;
      mult *= 128;
    }
    const flags = v % 4;
    doc += (v - flags) / 4;
    docs[n] = doc;
    scores[n] = flags & TITLE ? inTitle : inBody;
    n++;
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/** Docs in either list; the score of a doc in both is combined by `combine`. */
function unite(a: Postings, b: Postings, combine: (x: number, y: number) => number): Postings {
  if (a.docs.length === 0) return b;
  if (b.docs.length === 0) return a;
  const docs = new Uint32Array(a.docs.length + b.docs.length);
  const scores = new Uint8Array(docs.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.docs.length && j < b.docs.length) {
    const x = a.docs[i]!;
    const y = b.docs[j]!;
    if (x < y) {
      docs[n] = x;
      scores[n++] = a.scores[i++]!;
    } else if (y < x) {
      docs[n] = y;
      scores[n++] = b.scores[j++]!;
    } else {
      docs[n] = x;
      scores[n++] = combine(a.scores[i++]!, b.scores[j++]!);
    }
  }
  while (i < a.docs.length) {
    docs[n] = a.docs[i]!;
    scores[n++] = a.scores[i++]!;
  }
  while (j < b.docs.length) {
    docs[n] = b.docs[j]!;
    scores[n++] = b.scores[j++]!;
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

/** Docs in both lists, scores summed. */
function intersect(a: Postings, b: Postings): Postings {
  const size = Math.min(a.docs.length, b.docs.length);
  const docs = new Uint32Array(size);
  const scores = new Uint8Array(size);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.docs.length && j < b.docs.length) {
    const x = a.docs[i]!;
    const y = b.docs[j]!;
    if (x < y) i++;
    else if (y < x) j++;
    else {
      docs[n] = x;
      scores[n++] = Math.min(255, a.scores[i++]! + b.scores[j++]!);
    }
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

function intersectAll(lists: Postings[]): Postings {
  if (lists.length === 0) return NO_POSTINGS;
  const sorted = [...lists].sort((a, b) => a.docs.length - b.docs.length);
  let result = sorted[0]!;
  for (const list of sorted.slice(1)) {
    if (result.docs.length === 0) break;
    result = intersect(result, list);
  }
  return result;
}

const max = (x: number, y: number): number => Math.max(x, y);
const sum = (x: number, y: number): number => Math.min(255, x + y);

/** Drops docs whose bit is set in the dead bitmap (Redis bit order: most significant first). */
function dropDead(p: Postings, dead: Buffer | null): Postings {
  if (!dead || dead.length === 0) return p;
  const docs = new Uint32Array(p.docs.length);
  const scores = new Uint8Array(p.docs.length);
  let n = 0;
  for (let i = 0; i < p.docs.length; i++) {
    const doc = p.docs[i]!;
    const byte = dead[doc >>> 3] ?? 0;
    if ((byte >> (7 - (doc & 7))) & 1) continue;
    docs[n] = doc;
    scores[n++] = p.scores[i]!;
  }
  return { docs: docs.subarray(0, n), scores: scores.subarray(0, n) };
}

function withoutDocs(p: Postings, drop: ReadonlySet<number>): Postings {
  if (drop.size === 0) return p;
  const keep: number[] = [];
  for (let i = 0; i < p.docs.length; i++) if (!drop.has(p.docs[i]!)) keep.push(i);
  return {
    docs: Uint32Array.from(keep, (i) => p.docs[i]!),
    scores: Uint8Array.from(keep, (i) => p.scores[i]!),
  };
}

// ---- queries -----------------------------------------------------------------------------

function clampInt(value: unknown, min: number, maxValue: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(maxValue, Math.max(min, Math.floor(value)));
}

// A ParsedQuery handed in by a caller is untrusted too: keep only well-formed tokens.
function cleanQuery(p: ParsedQuery): ParsedQuery {
  const ok = (t: unknown): t is string =>
    typeof t === 'string' && t !== '' && t.length <= MAX_TERM_LENGTH;
  if (typeof p !== 'object' || p === null) return { words: [], phrases: [] };
  const words = Array.isArray(p.words) ? p.words.filter(ok).slice(0, MAX_QUERY_WORDS) : [];
  const phrases = Array.isArray(p.phrases)
    ? p.phrases
        .filter((ph): ph is string[] => Array.isArray(ph))
        .map((ph) => ph.filter(ok).slice(0, MAX_QUERY_WORDS))
        .filter((ph) => ph.length > 0)
        .slice(0, MAX_QUERY_WORDS)
    : [];
  return { words, phrases };
}

/** The posting lists that together hold every doc matching `word` (see the top comment). */
function wordLists(word: string): { term: string; surface: boolean }[] {
  if (!isIndexable(word)) return []; // as matchesWord: a stopword matches nothing
  const stem = stemLight10(word);
  const lists = [
    { term: `s:${word}`, surface: true },
    { term: `m:${stem}`, surface: false },
  ];
  if (stem !== word) {
    lists.push({ term: `s:${stem}`, surface: false }, { term: `m:${word}`, surface: false });
  }
  return lists;
}

interface Ranked {
  doc: number;
  score: number;
  sentAt: number;
  id: string;
}

const NONE: SearchResult = { mode: 'none', total: 0, hits: [] };

export function createSearchIndex({
  redis,
  keys,
  loadText,
}: {
  redis: Redis;
  keys: Keys;
  /** Reads a doc's title and text for phrase checks; by default from the article store. */
  loadText?: LoadText;
}) {
  const template = keys.searchBase(GEN_MARK);

  const readText: LoadText =
    loadText ??
    (async (id) => {
      const json = await redis.get(keys.article(id));
      if (json === null) return undefined;
      try {
        const a = JSON.parse(json) as StoredArticle;
        const { title, text } = articleToIndexDoc(a, 0);
        return { title: String(title ?? ''), text };
      } catch {
        return undefined;
      }
    });

  const currentGen = async (): Promise<string> => (await redis.get(keys.searchGen)) ?? '0';

  const docKey = (g: string, doc: number): string => `${g}d:${doc >>> DOC_BUCKET_SHIFT}`;

  /**
   * The `n` best of `cands` by score, then sentAt, then doc number, newest first. Doc numbers
   * follow sentAt except for the few "late" docs (added out of time order, e.g. edits), so per
   * score only the n highest doc numbers and the late docs need their sentAt read.
   */
  async function rankTop(
    g: string,
    cands: Postings,
    n: number,
    late: ReadonlyMap<number, number>,
  ): Promise<Ranked[]> {
    const counts = new Uint32Array(256);
    for (const s of cands.scores) counts[s]!++;
    let threshold = 0;
    let above = 0;
    for (let s = 255; s > 0; s--) {
      if (above + counts[s]! >= n) {
        threshold = s;
        break;
      }
      above += counts[s]!;
    }
    const picked: { doc: number; score: number }[] = [];
    let atThreshold = 0;
    for (let i = cands.docs.length - 1; i >= 0; i--) {
      const score = cands.scores[i]!;
      if (score < threshold) continue;
      const doc = cands.docs[i]!;
      if (score > threshold || late.has(doc)) picked.push({ doc, score });
      else if (atThreshold < n - above) {
        picked.push({ doc, score });
        atThreshold++;
      }
    }
    if (picked.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const { doc } of picked) pipeline.hget(docKey(g, doc), String(doc & DOC_BUCKET_MASK));
    const rows = (await pipeline.exec()) ?? [];
    const ranked: Ranked[] = [];
    picked.forEach(({ doc, score }, i) => {
      const row = rows[i]?.[1];
      if (typeof row !== 'string') return; // removed meanwhile
      const colon = row.indexOf(':');
      ranked.push({ doc, score, sentAt: Number(row.slice(0, colon)), id: row.slice(colon + 1) });
    });
    ranked.sort((a, b) => b.score - a.score || b.sentAt - a.sentAt || b.doc - a.doc);
    return ranked.slice(0, n);
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
  ): Promise<{ total: number; hits: SearchHit[] }> {
    const need = offset + limit;
    const toHit = (r: Ranked): SearchHit => ({ id: r.id, score: r.score, sentAt: r.sentAt });
    if (phrases.length === 0) {
      const top = await rankTop(g, cands, need, late);
      return { total: cands.docs.length, hits: top.slice(offset).map(toHit) };
    }
    const verdicts = new Map<number, boolean>();
    const rejected = new Set<number>();
    let pool = cands;
    let n = need;
    for (;;) {
      const top = await rankTop(g, pool, n, late);
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
    const result = await searchPage(p, offset, limit);
    // Past MAX_OFFSET the page is empty rather than a repeat of the last one allowed.
    return typeof opts.offset === 'number' && opts.offset > MAX_OFFSET
      ? { ...result, hits: [] }
      : result;
  }

  async function searchPage(p: ParsedQuery, offset: number, limit: number): Promise<SearchResult> {
    // A phrase with no indexable word cannot be found in the index.
    if (p.phrases.some((ph) => !ph.some(isIndexable))) return NONE;
    const words = p.words.map(wordLists);
    // Phrase words must be there as written; stopwords in a phrase are only checked in the text.
    const phraseWords = [...new Set(p.phrases.flat().filter(isIndexable))];
    const terms = [
      ...new Set([...words.flat().map((l) => l.term), ...phraseWords.map((w) => `s:${w}`)]),
    ];

    if (terms.length === 0) return NONE;
    const gen = await currentGen();
    const g = keys.searchBase(gen);
    const [listsReply, deadReply, lateReply] =
      (await redis
        .pipeline()
        .mgetBuffer(...terms.map((t) => g + t))
        .getBuffer(`${g}dead`)
        .hgetall(`${g}late`)
        .exec()) ?? [];
    for (const reply of [listsReply, deadReply, lateReply]) if (reply?.[0]) throw reply[0];
    const buffers = (listsReply?.[1] ?? []) as (Buffer | null)[];
    const raw = new Map(terms.map((t, i) => [t, buffers[i] ?? null]));
    const dead = (deadReply?.[1] ?? null) as Buffer | null;
    const late = new Map<number, number>();
    for (const [doc, sent] of Object.entries((lateReply?.[1] ?? {}) as Record<string, string>)) {
      late.set(Number(doc), Number(sent));
    }

    const wordPostings = words.map((lists) =>
      lists
        .map((l) => decodePostings(raw.get(l.term), l.surface))
        .reduce((a, b) => unite(a, b, max), NO_POSTINGS),
    );
    const phrasePostings = phraseWords.map((w) => decodePostings(raw.get(`s:${w}`), true));

    const all = dropDead(intersectAll([...wordPostings, ...phrasePostings]), dead);
    const first = await page(g, all, p.phrases, late, offset, limit);
    if (first.total > 0) return { mode: 'all', ...first };
    if (wordPostings.length < 2) return NONE;

    // Any-word fallback: loose words become alternatives; phrases stay required.
    const anyWord = wordPostings.reduce((a, b) => unite(a, b, sum));
    const any = dropDead(intersectAll([anyWord, ...phrasePostings]), dead);
    const second = await page(g, any, p.phrases, late, offset, limit);
    return second.total > 0 ? { mode: 'any', ...second } : NONE;
  }

  async function add(doc: IndexDoc): Promise<void> {
    const d = checkDoc(doc);
    const args: (string | number)[] = [template, d.id, d.sentAt, idBucket(d.id)];
    for (const [term, flags] of docTerms(d)) args.push(term, flags);
    await addScript(redis, [keys.searchGen], args);
  }

  async function remove(id: string): Promise<void> {
    if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) return;
    await removeScript(redis, [keys.searchGen], [template, id, idBucket(id)]);
  }

  /** Every key matching `pattern`, in batches (SCAN, so Redis is never blocked). */
  async function* scanKeys(pattern: string): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (batch.length > 0) yield batch;
    } while (cursor !== '0');
  }

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
      if (records.length === 0) return;
      pipeline.hset(`${g}d:${recordBucket}`, ...records);
      queued++;
      records = [];
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
        queued++;
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
      records.push(String(n & DOC_BUCKET_MASK), `${doc.sentAt}:${doc.id}`);
      const idb = idBucket(doc.id);
      const fields = idFields.get(idb);
      if (fields) fields.push(doc.id, String(n));
      else idFields.set(idb, [doc.id, String(n)]);

      for (const [term, flags] of docTerms(doc)) {
        let list = lists.get(term);
        if (!list) {
          list = { buf: Buffer.allocUnsafe(16), len: 4, last: 0 };
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

/** Every posted article as an IndexDoc, oldest first, read from the timeline in batches. */
export async function* postedIndexDocs({
  redis,
  keys,
  batch = 500,
}: {
  redis: Redis;
  keys: Keys;
  batch?: number;
}): AsyncGenerator<IndexDoc> {
  for (let start = 0; ; start += batch) {
    const rows = await redis.zrange(
      keys.timeline,
      String(start),
      String(start + batch - 1),
      'WITHSCORES',
    );
    if (rows.length === 0) return;
    const ids: string[] = [];
    const sent: number[] = [];
    for (let i = 0; i + 1 < rows.length; i += 2) {
      ids.push(rows[i]!);
      sent.push(Number(rows[i + 1]));
    }
    const jsons = await redis.mget(ids.map((id) => keys.article(id)));
    for (let i = 0; i < ids.length; i++) {
      const json = jsons[i];
      if (typeof json !== 'string') continue;
      let article: StoredArticle;
      try {
        article = JSON.parse(json) as StoredArticle;
      } catch {
        continue;
      }
      if (!Array.isArray(article.summary) || !Array.isArray(article.paragraphs)) continue;
      yield articleToIndexDoc({ ...article, id: ids[i]! }, sent[i]!);
    }
    if (rows.length < batch * 2) return;
  }
}
