import { createHash } from 'node:crypto';
import type { Section } from '../article/types.ts';
import type { RedisClient } from '../redis.ts';
import { isSection } from '../search/sections.ts';
import {
  isEmptyQuery,
  isIndexable,
  matchesPrepared,
  type ParsedQuery,
  type PreparedDoc,
  parseQuery,
  prepareDoc,
} from '../text/query.ts';
import { stemLight10 } from '../text/stem.ts';
import type { Keys } from './keys.ts';
import { defineScript } from './script.ts';

// Keyword follows: a subscriber's saved queries, matched against every newly posted article.
//
// Each follow is anchored on one term that every matching article must contain, and listed in
// that term's SET. A new article looks up the SETs of its own terms (its tokens and their
// stems, a few hundred keys in one SUNION), so a post only ever touches the follows that share
// a word with it; each candidate is then checked with the same rules as matchesArticle. The
// cost grows with the follows that could match, not with the number of follows.
//
// Why the anchor is {w, stem(w)} for a query word w: matchesWord(w) holds when the doc has a
// token t with stem(t) = stem(w), or stem(t) = w, or t = stem(w). The doc side looks up every
// token and every stem, so one of w and stem(w) is always among its keys.

export const MAX_FOLLOWS_PER_USER = 20;

export type Lang = 'ar' | 'en';

export interface Follow {
  /** Short id from the normalised query: the same words in any order or letter form give the same id. */
  id: string;
  userId: number;
  /** The query as the user typed it (cleaned), for display. */
  query: string;
  parsed: ParsedQuery;
  /** The language to write this user's alerts in. */
  lang: Lang;
  /** Terms this follow is listed under (followTerm keys). */
  anchors: string[];
  createdAt: string;
  /** Only articles of this section match ("/follow رياضة: الترجي"). */
  section?: Section;
}

export type AddFollowResult =
  | { ok: true; follow: Follow }
  | { ok: false; reason: 'empty' | 'exists' | 'limit'; follow?: Follow };

/** The terms a doc is looked up under: every indexable token and its stem. */
export function docLookupTerms(doc: PreparedDoc): string[] {
  return [...new Set([...doc.tokens, ...doc.stems])];
}

/**
 * The anchor terms of a query: {w, stem(w)} for its rarest-looking word (the longest stem),
 * or the longest indexable word of a phrase (phrase words match as written). Empty when the
 * query cannot match anything (stopwords only).
 */
export function anchorTerms(p: ParsedQuery): string[] {
  const longest = (words: string[]) =>
    words.reduce<string | undefined>(
      (best, w) =>
        best === undefined || stemLight10(w).length > stemLight10(best).length ? w : best,
      undefined,
    );
  const word = longest(p.words.filter(isIndexable));
  if (word !== undefined) return [...new Set([word, stemLight10(word)])];
  const phraseWord = longest(p.phrases.flat().filter(isIndexable));
  return phraseWord === undefined ? [] : [phraseWord];
}

/**
 * Stable id of a parsed query (and section): word order and repeats do not matter, phrases
 * keep their order. Without a section the id is what it always was.
 */
export function followId(p: ParsedQuery, section?: Section): string {
  const canonical = JSON.stringify({
    w: [...new Set(p.words)].sort(),
    p: p.phrases.map((ph) => ph.join(' ')).sort(),
    ...(isSection(section) ? { s: section } : {}),
  });
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}

// KEYS: user hash, then the anchor term SETs. ARGV: follow id, follow JSON, cap, SET member.
// One script so the cap holds even with several bot instances taking updates.
const addScript = defineScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return -1 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return -2 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 2, #KEYS do redis.call('SADD', KEYS[i], ARGV[4]) end
return 1
`);

function parseFollow(json: string | null | undefined): Follow | undefined {
  if (typeof json !== 'string') return undefined;
  try {
    const f = JSON.parse(json) as Follow;
    if (typeof f.id !== 'string' || !Array.isArray(f.anchors) || typeof f.parsed !== 'object') {
      return undefined;
    }
    return f;
  } catch {
    return undefined;
  }
}

const member = (userId: number, id: string) => `${userId}:${id}`;

export function createFollowStore({
  redis,
  keys,
  maxPerUser = MAX_FOLLOWS_PER_USER,
}: {
  redis: RedisClient;
  keys: Keys;
  maxPerUser?: number;
}) {
  async function list(userId: number): Promise<Follow[]> {
    const all = await redis.hvals(keys.follows(userId));
    return all
      .map(parseFollow)
      .filter((f): f is Follow => f !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async function unlink(follows: Follow[]): Promise<void> {
    if (follows.length === 0) return;
    const tx = redis.multi();
    for (const f of follows) {
      tx.hdel(keys.follows(f.userId), f.id);
      for (const term of f.anchors) tx.srem(keys.followTerm(term), member(f.userId, f.id));
    }
    await tx.exec();
  }

  return {
    list,

    /** Saves a follow of `query` (already checked for length and control characters). */
    async add(
      userId: number,
      query: string,
      lang: Lang,
      section?: Section,
    ): Promise<AddFollowResult> {
      const parsed = parseQuery(query);
      const anchors = anchorTerms(parsed);
      if (isEmptyQuery(parsed) || anchors.length === 0) return { ok: false, reason: 'empty' };
      const sec = isSection(section) ? section : undefined;
      const follow: Follow = {
        id: followId(parsed, sec),
        userId,
        query,
        parsed,
        lang,
        anchors,
        createdAt: new Date().toISOString(),
        ...(sec ? { section: sec } : {}),
      };
      const res = await addScript(
        redis,
        [keys.follows(userId), ...anchors.map((t) => keys.followTerm(t))],
        [follow.id, JSON.stringify(follow), maxPerUser, member(userId, follow.id)],
      );
      if (res === -1) {
        const existing = parseFollow(await redis.hget(keys.follows(userId), follow.id));
        return { ok: false, reason: 'exists', ...(existing ? { follow: existing } : {}) };
      }
      if (res === -2) return { ok: false, reason: 'limit' };
      return { ok: true, follow };
    },

    /** Removes one follow by id; the removed follow, or undefined when there was none. */
    async remove(userId: number, id: string): Promise<Follow | undefined> {
      const follow = parseFollow(await redis.hget(keys.follows(userId), id));
      if (!follow) {
        await redis.hdel(keys.follows(userId), id);
        return undefined;
      }
      await unlink([follow]);
      return follow;
    },

    /** Removes every follow of a user (who blocked the bot); returns how many there were. */
    async removeUser(userId: number): Promise<number> {
      const follows = await list(userId);
      await unlink(follows);
      await redis.del(keys.follows(userId));
      return follows.length;
    },

    /**
     * The follows a doc matches, at most one per user (their oldest matching follow). Only the
     * follows anchored on one of the doc's terms are loaded and checked.
     */
    async match(doc: { title: string; text: string; section?: Section }): Promise<Follow[]> {
      const prepared = prepareDoc(doc);
      const terms = docLookupTerms(prepared);
      if (terms.length === 0) return [];
      const members = new Set<string>();
      // SUNION in slices: one call per few hundred keys keeps each command short.
      for (let i = 0; i < terms.length; i += 500) {
        const slice = terms.slice(i, i + 500).map((t) => keys.followTerm(t));
        for (const m of await redis.sunion(...slice)) members.add(m);
      }
      const byUser = new Map<number, Follow>();
      const candidates = [...members];
      for (let i = 0; i < candidates.length; i += 1000) {
        const chunk = candidates.slice(i, i + 1000);
        const pipeline = redis.pipeline();
        for (const m of chunk) {
          const colon = m.indexOf(':');
          pipeline.hget(keys.follows(Number(m.slice(0, colon))), m.slice(colon + 1));
        }
        const rows = (await pipeline.exec()) ?? [];
        for (const [err, json] of rows) {
          if (err) throw err;
          const f = parseFollow(typeof json === 'string' ? json : null);
          if (!f || !matchesPrepared(f.parsed, prepared)) continue;
          if (f.section !== undefined && f.section !== doc.section) continue;
          const seen = byUser.get(f.userId);
          if (!seen || f.createdAt < seen.createdAt) byUser.set(f.userId, f);
        }
      }
      return [...byUser.values()];
    },
  };
}

export type FollowStore = ReturnType<typeof createFollowStore>;
