import type { Section } from '../article/types.ts';
import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';

// Routes (issue 12 §2): which articles go to which chat or forum topic, and which targets take
// a digest. One HASH of route id → Route JSON; matching is in jobs/routes.ts.

/** Where posts go: a channel or group (numeric id or @name), or one forum topic in it. */
export interface RouteTarget {
  chat: string;
  /** message_thread_id of a forum topic in a supergroup. */
  thread?: number;
}

export type DigestEvery = 'hourly' | 'daily' | 'weekly';

/** When a target gets its digest, in TIME_ZONE. */
export interface DigestSchedule {
  every: DigestEvery;
  /** "HH:MM" (hourly uses only the minutes). */
  at: string;
  /** Weekly: day of the week, 0 = Sunday. */
  day?: number;
  /** Tests only: a BullMQ `every` in milliseconds instead of the cron pattern. */
  everyMs?: number;
}

export interface Route {
  id: string;
  target: RouteTarget;
  /** Source ids; empty = any source. */
  sources: string[];
  /** Sections; empty = any section. */
  sections: Section[];
  /** Keywords of which at least one must match (search rules); empty = no condition. */
  any: string[];
  /** Keywords that must all match. */
  all: string[];
  /** Keywords none of which may match. */
  not: string[];
  paused: boolean;
  digest?: DigestSchedule;
  /** The target takes the digest only, no single posts. */
  digestOnly?: boolean;
  createdAt: string;
}

export type NewRoute = Omit<Route, 'id' | 'paused' | 'createdAt'>;

/**
 * The line key of a target: the chat, or "chat/thread" for a forum topic. Post records, pending
 * lines, in-flight marks and rate buckets are all keyed by it, so each topic is its own line.
 * Chat ids and @names never contain '/'.
 */
export function targetKey(t: RouteTarget): string {
  return t.thread === undefined ? t.chat : `${t.chat}/${t.thread}`;
}

/** targetKey's inverse; a plain chat gives no thread. */
export function parseTargetKey(key: string): RouteTarget {
  const slash = key.indexOf('/');
  if (slash === -1) return { chat: key };
  const thread = Number(key.slice(slash + 1));
  return Number.isSafeInteger(thread) && thread > 0
    ? { chat: key.slice(0, slash), thread }
    : { chat: key };
}

function parseRoute(json: string): Route | undefined {
  try {
    const r = JSON.parse(json) as Route;
    return typeof r.id === 'string' && typeof r.target?.chat === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

export function createRouteStore({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  async function list(): Promise<Route[]> {
    const all = await redis.hvals(keys.routes);
    return all
      .map(parseRoute)
      .filter((r): r is Route => r !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  return {
    list,

    async get(id: string): Promise<Route | undefined> {
      const json = await redis.hget(keys.routes, id);
      return json === null ? undefined : parseRoute(json);
    },

    async add(route: NewRoute): Promise<Route> {
      const n = await redis.incr(keys.routeSeq);
      const saved: Route = {
        ...route,
        id: `r${n}`,
        paused: false,
        createdAt: new Date().toISOString(),
      };
      await redis.hset(keys.routes, saved.id, JSON.stringify(saved));
      return saved;
    },

    async remove(id: string): Promise<Route | undefined> {
      const json = await redis.hget(keys.routes, id);
      if (json === null) return undefined;
      await redis.hdel(keys.routes, id);
      return parseRoute(json);
    },

    /** Replaces a route's record (same id). */
    async save(route: Route): Promise<void> {
      await redis.hset(keys.routes, route.id, JSON.stringify(route));
    },

    async setPaused(id: string, paused: boolean): Promise<Route | undefined> {
      const json = await redis.hget(keys.routes, id);
      const route = json === null ? undefined : parseRoute(json);
      if (!route) return undefined;
      const next = { ...route, paused };
      await redis.hset(keys.routes, id, JSON.stringify(next));
      return next;
    },

    /** True when any route exists (paused or not): then routes decide, not CHANNEL_ID. */
    async any(): Promise<boolean> {
      return (await redis.hlen(keys.routes)) > 0;
    },
  };
}

export type RouteStore = ReturnType<typeof createRouteStore>;
