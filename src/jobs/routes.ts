import type { Api } from 'grammy';
import { SECTIONS, type Section } from '../article/types.ts';
import { isSection } from '../search/sections.ts';
import type { RouteStore } from '../store/routes.ts';
import {
  type DigestSchedule,
  type NewRoute,
  type Route,
  type RouteTarget,
  targetKey,
} from '../store/routes.ts';
import { matchesPrepared, type PreparedDoc, parseQuery, prepareDoc } from '../text/query.ts';

// Routes (issue 12 §2): the one place that decides where an article goes. The syntax parser
// (shared by /route add and `cli routes add`), the matcher with its reasons (`routes test`), the
// fan-out to targets (jobs/process-article.ts) and the check that the bot may post in a target.

const CHAT_RE = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
const SOURCE_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
const MAX_KEYWORDS = 20;
const MAX_KEYWORD = 100;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export const ROUTE_SYNTAX =
  '@target|-100id [topic:123] [source:id,…] [section:sport,…] [any:w,…] [all:w,…] [not:w,…] [digest:hourly@:MM|daily@HH:MM|weekly@fri-HH:MM] [only-digest]';

/** Splits on spaces outside quotes, so `any:"وزير الدفاع",سفير` stays one token. */
function splitArgs(line: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"' || ch === '«' || ch === '»' || ch === '“' || ch === '”') quoted = !quoted;
    if (/\s/.test(ch) && !quoted) {
      if (current) out.push(current);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

/** Commas (Latin or Arabic) outside quotes separate keywords. */
function splitList(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"' || ch === '«' || ch === '»' || ch === '“' || ch === '”') quoted = !quoted;
    if ((ch === ',' || ch === '،') && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  out.push(current.trim());
  return out.filter(Boolean);
}

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;
const pad = (n: number) => String(n).padStart(2, '0');

/** "daily@08:00", "hourly@:15", "weekly@fri-08:00" → a schedule, or undefined. */
export function parseDigest(value: string): DigestSchedule | undefined {
  const [every, at = ''] = value.toLowerCase().split('@');
  if (every === 'hourly') {
    const m = /^:?([0-5]?\d)$/.exec(at || '0');
    return m ? { every, at: `00:${pad(Number(m[1]))}` } : undefined;
  }
  if (every === 'daily') {
    const m = HHMM.exec(at || '08:00');
    return m ? { every, at: `${pad(Number(m[1]))}:${m[2]}` } : undefined;
  }
  if (every === 'weekly') {
    const [dayName = '', time = '08:00'] = at.split('-');
    const day = DAYS.indexOf(dayName.slice(0, 3));
    const m = HHMM.exec(time);
    return day >= 0 && m ? { every, at: `${pad(Number(m[1]))}:${m[2]}`, day } : undefined;
  }
  return undefined;
}

export function describeDigest(d: DigestSchedule): string {
  if (d.every === 'hourly') return `hourly@:${d.at.slice(3)}`;
  if (d.every === 'daily') return `daily@${d.at}`;
  return `weekly@${DAYS[d.day ?? 0]}-${d.at}`;
}

/** The BullMQ repeat options of a schedule: a cron pattern in `tz` (or `everyMs` in tests). */
export function digestRepeat(d: DigestSchedule, tz: string) {
  if (d.everyMs !== undefined) return { every: d.everyMs };
  const [h = '0', m = '0'] = d.at.split(':');
  const min = Number(m);
  const hour = Number(h);
  if (d.every === 'hourly') return { pattern: `${min} * * * *`, tz };
  if (d.every === 'daily') return { pattern: `${min} ${hour} * * *`, tz };
  return { pattern: `${min} ${hour} * * ${d.day ?? 0}`, tz };
}

/** `/route add` arguments → a new route, or the reason it is not one. */
export function parseRoute(line: string): NewRoute | { error: string } {
  const [target, ...options] = splitArgs(line.trim());
  if (target === undefined) return { error: `usage: ${ROUTE_SYNTAX}` };
  if (!CHAT_RE.test(target)) return { error: `bad target ${target}: use @name or a numeric id` };
  const route: NewRoute = {
    target: { chat: target },
    sources: [],
    sections: [],
    any: [],
    all: [],
    not: [],
  };
  for (const option of options) {
    const colon = option.indexOf(':');
    const key = (colon === -1 ? option : option.slice(0, colon)).toLowerCase();
    const value = colon === -1 ? '' : option.slice(colon + 1);
    switch (key) {
      case 'topic': {
        const thread = Number(value);
        if (!Number.isSafeInteger(thread) || thread <= 0) return { error: `bad topic: ${value}` };
        route.target = { chat: target, thread };
        break;
      }
      case 'source': {
        const ids = splitList(value).map((s) => s.toLowerCase());
        if (ids.length === 0 || !ids.every((s) => SOURCE_RE.test(s)))
          return { error: `bad source list: ${value}` };
        route.sources.push(...ids);
        break;
      }
      case 'section': {
        const names = splitList(value).map((s) => s.toLowerCase());
        const bad = names.find((s) => !isSection(s));
        if (names.length === 0 || bad !== undefined)
          return { error: `unknown section ${bad ?? ''}: one of ${SECTIONS.join(', ')}` };
        route.sections.push(...names.filter(isSection));
        break;
      }
      case 'any':
      case 'all':
      case 'not': {
        const words = splitList(value);
        if (words.length === 0) return { error: `${key}: needs keywords` };
        if (words.some((w) => w.length > MAX_KEYWORD)) return { error: `${key}: keyword too long` };
        route[key].push(...words);
        if (route[key].length > MAX_KEYWORDS) return { error: `${key}: too many keywords` };
        break;
      }
      case 'digest': {
        const digest = parseDigest(value);
        if (!digest) return { error: `bad digest ${value}: e.g. digest:daily@08:00` };
        route.digest = digest;
        break;
      }
      case 'only-digest':
        route.digestOnly = true;
        break;
      default:
        return { error: `unknown option ${option}` };
    }
  }
  if (route.digestOnly && !route.digest) return { error: 'only-digest needs digest:…' };
  return route;
}

/** One line describing a route, in the syntax it was added with. */
export function describeRoute(r: Route): string {
  const parts = [`${r.id}: ${r.target.chat}`];
  if (r.target.thread !== undefined) parts.push(`topic:${r.target.thread}`);
  if (r.sources.length) parts.push(`source:${r.sources.join(',')}`);
  if (r.sections.length) parts.push(`section:${r.sections.join(',')}`);
  for (const k of ['any', 'all', 'not'] as const) {
    if (r[k].length) parts.push(`${k}:${r[k].join(',')}`);
  }
  if (r.digest) parts.push(`digest:${describeDigest(r.digest)}`);
  if (r.digestOnly) parts.push('only-digest');
  if (r.paused) parts.push('(paused)');
  return parts.join(' ');
}

/** What a route looks at in an article. */
export interface Routable {
  title: string;
  paragraphs: readonly string[];
  summary: readonly string[];
  sourceId?: string;
  section?: Section;
}

const docOf = (a: Routable): PreparedDoc =>
  prepareDoc({ title: a.title, text: [...a.summary, ...a.paragraphs].join('\n') });

const hits = (words: readonly string[], doc: PreparedDoc) =>
  words.filter((w) => matchesPrepared(parseQuery(w), doc));

export type RouteVerdict = { route: Route; match: boolean; why: string[] };

/**
 * Whether `route` takes `article`, and why: every condition the route sets must hold (sources,
 * sections, one of any, all of all, none of not); a route with no condition takes everything.
 */
export function matchRoute(route: Route, article: Routable, doc = docOf(article)): RouteVerdict {
  const why: string[] = [];
  const fail = (reason: string): RouteVerdict => ({ route, match: false, why: [...why, reason] });
  if (route.paused) return fail('paused');
  if (route.sources.length) {
    const source = article.sourceId?.toLowerCase() ?? '';
    if (!route.sources.includes(source)) return fail(`source ${source || '-'} not listed`);
    why.push(`source ${source}`);
  }
  if (route.sections.length) {
    const section = article.section ?? 'misc';
    if (!route.sections.includes(section)) return fail(`section ${section} not listed`);
    why.push(`section ${section}`);
  }
  if (route.any.length) {
    const found = hits(route.any, doc);
    if (found.length === 0) return fail('none of any: matched');
    why.push(`any: ${found.join(',')}`);
  }
  if (route.all.length) {
    const found = hits(route.all, doc);
    if (found.length < route.all.length) {
      return fail(`all: missing ${route.all.filter((w) => !found.includes(w)).join(',')}`);
    }
    why.push(`all: ${found.join(',')}`);
  }
  if (route.not.length) {
    const found = hits(route.not, doc);
    if (found.length) return fail(`not: ${found.join(',')}`);
  }
  if (why.length === 0) why.push('takes everything');
  return { route, match: true, why };
}

/** One target an article goes to, once however many routes chose it. */
export interface TargetChoice {
  key: string;
  target: RouteTarget;
  /** A single post (some matching route is not digest-only). */
  post: boolean;
  /** Collected for the target's digest. */
  digest: boolean;
  routes: string[];
}

/** The targets of an article: the union of its matching routes' targets, each once. */
export function chooseTargets(routes: readonly Route[], article: Routable): TargetChoice[] {
  const doc = docOf(article);
  const byKey = new Map<string, TargetChoice>();
  for (const route of routes) {
    if (!matchRoute(route, article, doc).match) continue;
    const key = targetKey(route.target);
    const choice = byKey.get(key) ?? {
      key,
      target: route.target,
      post: false,
      digest: false,
      routes: [],
    };
    choice.post ||= !route.digestOnly;
    choice.digest ||= route.digest !== undefined;
    choice.routes.push(route.id);
    byKey.set(key, choice);
  }
  return [...byKey.values()];
}

/** The digest schedule of each target that has one (the oldest route's wins). */
export function digestTargets(routes: readonly Route[]): Map<string, DigestSchedule> {
  const out = new Map<string, DigestSchedule>();
  for (const r of routes) {
    if (r.paused || !r.digest) continue;
    const key = targetKey(r.target);
    if (!out.has(key)) out.set(key, r.digest);
  }
  return out;
}

export type TargetCheck = { ok: true; title: string } | { ok: false; reason: string };

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Whether the bot may post in a target, as Telegram sees it: the chat exists and the bot sees
 * it (getChat); in a channel the bot is an admin with can_post_messages, in a group a member who
 * may send (getChatMember); a topic needs a forum and a thread that exists (a chat action
 * into it fails with "message thread not found" otherwise; it shows nothing to anyone).
 */
export async function checkTarget(api: Api, target: RouteTarget): Promise<TargetCheck> {
  let chat: Awaited<ReturnType<Api['getChat']>>;
  try {
    chat = await api.getChat(target.chat);
  } catch (err) {
    return { ok: false, reason: `cannot see ${target.chat}: ${messageOf(err)}` };
  }
  const title = 'title' in chat && chat.title ? chat.title : target.chat;
  if (chat.type === 'private') return { ok: false, reason: `${target.chat} is a private chat` };
  let member: Awaited<ReturnType<Api['getChatMember']>>;
  try {
    const me = await api.getMe();
    member = await api.getChatMember(target.chat, me.id);
  } catch (err) {
    return { ok: false, reason: `the bot is not a member of ${target.chat}: ${messageOf(err)}` };
  }
  if (chat.type === 'channel') {
    const canPost =
      member.status === 'creator' ||
      (member.status === 'administrator' && member.can_post_messages === true);
    if (!canPost) {
      return {
        ok: false,
        reason: `the bot is not an admin of ${target.chat} with the right to post messages`,
      };
    }
  } else {
    const canSend =
      member.status === 'creator' ||
      member.status === 'administrator' ||
      member.status === 'member' ||
      (member.status === 'restricted' && member.is_member && member.can_send_messages);
    if (!canSend) return { ok: false, reason: `the bot may not send messages in ${target.chat}` };
  }
  if (target.thread !== undefined) {
    if (!('is_forum' in chat) || chat.is_forum !== true) {
      return { ok: false, reason: `${target.chat} is not a forum: it has no topics` };
    }
    try {
      await api.sendChatAction(target.chat, 'typing', { message_thread_id: target.thread });
    } catch (err) {
      return { ok: false, reason: `topic ${target.thread}: ${messageOf(err)}` };
    }
  }
  return { ok: true, title };
}

/** Route management shared by the bot and the CLI; `sync` re-aligns the digest schedulers. */
export function createRouteService(deps: {
  store: RouteStore;
  /** Re-aligns the digest schedulers with the routes (jobs/digests.ts). */
  sync?: (routes: Route[]) => Promise<void>;
}) {
  const { store } = deps;
  const sync = async () => {
    if (deps.sync) await deps.sync(await store.list());
  };
  return {
    list: () => store.list(),
    async add(route: NewRoute): Promise<Route> {
      const saved = await store.add(route);
      await sync();
      return saved;
    },
    async remove(id: string): Promise<Route | undefined> {
      const removed = await store.remove(id);
      await sync();
      return removed;
    },
    async setPaused(id: string, paused: boolean): Promise<Route | undefined> {
      const route = await store.setPaused(id, paused);
      await sync();
      return route;
    },
  };
}

export type RouteService = ReturnType<typeof createRouteService>;
