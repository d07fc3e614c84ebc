import type { RedisClient } from '../redis.ts';
import { normalizeForMatch } from '../text/normalize.ts';
import type { Keys } from './keys.ts';

// Daily counters for the editors' /stats: searches (by normalised query) and new follows. One
// key per day and kind, kept nine days so "this week" always has its seven.

const KEEP_SECONDS = 9 * 86_400;
const MAX_QUERY = 80;

/** The calendar day of `ms` in `timeZone`, as YYYY-MM-DD. */
export function dayOf(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}

export function createReaderStats({
  redis,
  keys,
  timeZone = 'UTC',
  now = Date.now,
}: {
  redis: RedisClient;
  keys: Keys;
  timeZone?: string;
  now?: () => number;
}) {
  const searchesKey = (day: string) => `${keys.bull}:stats:searches:${day}`;
  const followsKey = (day: string) => `${keys.bull}:stats:follows:${day}`;
  const days = (n: number): string[] => {
    const out = new Set<string>();
    for (let i = 0; out.size < n && i < n + 2; i++)
      out.add(dayOf(now() - i * 86_400_000, timeZone));
    return [...out];
  };
  return {
    /** Counts one search; its query in match form, cut short (a ranking, not a log). */
    async searched(query: string): Promise<void> {
      const q = normalizeForMatch(query).replace(/\s+/g, ' ').trim().slice(0, MAX_QUERY);
      if (q === '') return;
      const key = searchesKey(dayOf(now(), timeZone));
      await redis.multi().zincrby(key, 1, q).expire(key, KEEP_SECONDS).exec();
    },
    async followed(): Promise<void> {
      const key = followsKey(dayOf(now(), timeZone));
      await redis.multi().incr(key).expire(key, KEEP_SECONDS).exec();
    },
    /** Top searches of the last `n` days (today first counted), most asked first. */
    async topSearches(n: number, limit = 5): Promise<{ query: string; count: number }[]> {
      const totals = new Map<string, number>();
      for (const day of days(n)) {
        const rows = await redis.zrevrange(searchesKey(day), 0, 199, 'WITHSCORES');
        for (let i = 0; i + 1 < rows.length; i += 2) {
          const q = rows[i] ?? '';
          totals.set(q, (totals.get(q) ?? 0) + Number(rows[i + 1]));
        }
      }
      return [...totals]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, limit)
        .map(([query, count]) => ({ query, count }));
    },
    /** New follows over the last `n` days. */
    async follows(n: number): Promise<number> {
      const counts = await Promise.all(days(n).map((d) => redis.get(followsKey(d))));
      return counts.reduce((sum, c) => sum + Number(c ?? 0), 0);
    },
  };
}

export type ReaderStats = ReturnType<typeof createReaderStats>;
