import { randomBytes } from 'node:crypto';
import { Composer, GrammyError, InlineKeyboard } from 'grammy';
import type { Section } from '../../article/types.ts';
import { SECTIONS } from '../../article/types.ts';
import type { RedisClient } from '../../redis.ts';
import { isSection, SECTION_NAMES, splitSection } from '../../search/sections.ts';
import { makeSnippet, type SnippetPart, storyText } from '../../search/snippet.ts';
import type { Services } from '../../services.ts';
import type { StoredArticle } from '../../store/articles.ts';
import { readChannelNames } from '../../store/channel-names.ts';
import type { Keys } from '../../store/keys.ts';
import type { Post } from '../../store/posts.ts';
import { createReaderStats, type ReaderStats } from '../../store/reader-stats.ts';
import { defineScript } from '../../store/script.ts';
import { MAX_OFFSET, type SearchResult } from '../../store/search-index.ts';
import { FSI, isolate, PDI } from '../../telegram/bidi.ts';
import { escapeHtml, safeHref } from '../../telegram/html.ts';
import { postLink } from '../../telegram/links.ts';
import { isEmptyQuery, parseQuery } from '../../text/query.ts';
import { safeLine, stripUnsafeChars, UNSAFE_CHAR_RE } from '../../text/sanitize.ts';
import { callbackData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { type Lang, markLines, textsFor } from '../i18n.ts';

// Search in the private chat: /search <words> or any plain text, five results a page, with
// Next/Previous buttons that edit the same message. The query stays in Redis under a short
// random token, so the buttons carry only that token (callback data is at most 64 bytes).

/** Longest query accepted; Telegram's own inline query limit. */
export const MAX_QUERY_LENGTH = 256;
export const PAGE_SIZE = 5;
const QUERY_TTL_SECONDS = 30 * 60;
const MAX_TITLE = 200;

/** Per-user limits, in actions per minute (a sliding window in Redis). */
export const USER_LIMITS = {
  search: 10,
  page: 30,
  inline: 30,
  follow: 10,
} as const;
export type LimitKind = keyof typeof USER_LIMITS;
const WINDOW_MS = 60_000;

// ---- query checks --------------------------------------------------------------------------

export type QueryCheck =
  | { ok: true; query: string }
  | { ok: false; reason: 'empty' | 'long' | 'control' };

const UNSAFE_G = new RegExp(UNSAFE_CHAR_RE.source, 'gu');

/**
 * A user's query: at most MAX_QUERY_LENGTH characters, not mostly control or bidi characters
 * (a few are stripped), with something left to search for.
 */
export function checkQuery(raw: string | undefined): QueryCheck {
  const text = typeof raw === 'string' ? raw : '';
  if (text.length > MAX_QUERY_LENGTH) return { ok: false, reason: 'long' };
  const unsafe = text.match(UNSAFE_G)?.length ?? 0;
  if (unsafe > 8 || unsafe * 4 > text.length) return { ok: false, reason: 'control' };
  const query = safeLine(text);
  if (isEmptyQuery(parseQuery(query))) return { ok: false, reason: 'empty' };
  return { ok: true, query };
}

// ---- per-user rate limit -------------------------------------------------------------------

// KEYS: the user's window. ARGV: max, window ms. Returns 0 when taken, else ms until a slot frees.
const takeScript = defineScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n >= tonumber(ARGV[1]) then
  local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  return math.max(1, oldest + window - now)
end
redis.call('ZADD', KEYS[1], now, now .. '-' .. n)
redis.call('PEXPIRE', KEYS[1], window)
return 0
`);

export type LimitResult = { ok: true } | { ok: false; retryAfterMs: number; tell: boolean };

/**
 * Takes one action from a user's per-minute budget. On refusal, `tell` is true only for the
 * first refusal of a window, so a flood gets one "try again later" and then silence.
 */
export function createUserLimiter({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  return async (kind: LimitKind, userId: number): Promise<LimitResult> => {
    const key = keys.userRate(kind, userId);
    const wait = Number(await takeScript(redis, [key], [USER_LIMITS[kind], WINDOW_MS]));
    if (wait <= 0) return { ok: true };
    const told = await redis.set(`${key}:told`, '1', 'PX', Math.ceil(wait), 'NX');
    return { ok: false, retryAfterMs: wait, tell: told === 'OK' };
  };
}

export type UserLimiter = ReturnType<typeof createUserLimiter>;

// ---- rendering -----------------------------------------------------------------------------

export interface ArticleRow {
  id: string;
  title: string;
  sentAt: number;
  /** The channel post (t.me) when there is one, else the original URL. */
  link?: string;
  /** Who published it (the site or feed), else the source it names. */
  source?: string;
  /** One line of the story around the matched words (the lead without a query). */
  snippet?: SnippetPart[];
  section?: Section;
}

export { storyText };

/** The words a query matches with, for bolding in snippets. */
export function queryWords(query: string): string[] {
  const p = parseQuery(query);
  return [...p.words, ...p.phrases.flat()];
}

/** The snippet as HTML: escaped, matched words in bold, isolated so it keeps its direction. */
export function snippetHtml(parts: readonly SnippetPart[]): string {
  const inner = parts
    .map((p) => (p.bold ? `<b>${escapeHtml(p.text)}</b>` : escapeHtml(p.text)))
    .join('');
  return inner === '' ? '' : `${FSI}${inner}${PDI}`;
}

/** The best link to an article: its post in the first configured channel that has a link. */
export function chooseLink(
  article: Pick<StoredArticle, 'url'> | undefined,
  posts: readonly Post[],
  channels: readonly string[],
  /** Public usernames by numeric chat id (getChat at start; telegram/links.ts). */
  usernames: ReadonlyMap<string, string> = new Map(),
): string | undefined {
  const rank = (p: Post) => {
    const i = channels.indexOf(p.chat);
    return i === -1 ? channels.length : i;
  };
  for (const p of [...posts].sort((a, b) => rank(a) - rank(b))) {
    const link = postLink(p.chat, p.chatId, p.messageId, usernames.get(String(p.chatId)));
    if (link) return link;
  }
  return article?.url ? safeHref(article.url) : undefined;
}

/** Title, date and link of each article id (in order; ids no longer stored are left out). */
export async function describeArticles(
  s: Pick<Services, 'articles' | 'posts' | 'channels'> & Partial<Pick<Services, 'redis' | 'keys'>>,
  items: readonly { id: string; sentAt: number }[],
  words: readonly string[] = [],
): Promise<ArticleRow[]> {
  const ids = items.map((i) => i.id);
  const [articles, postLists, usernames] = await Promise.all([
    s.articles.getMany(ids),
    Promise.all(ids.map((id) => s.posts.list(id))),
    s.redis && s.keys ? readChannelNames(s.redis, s.keys) : new Map<string, string>(),
  ]);
  const rows: ArticleRow[] = [];
  items.forEach((item, i) => {
    const article = articles[i];
    if (!article) return;
    const link = chooseLink(article, postLists[i] ?? [], s.channels, usernames);
    const source = [article.publisher, article.source].find(
      (x): x is string => typeof x === 'string' && x.trim() !== '',
    );
    const snippet = makeSnippet(storyText(article), words);
    rows.push({
      id: item.id,
      title: typeof article.title === 'string' ? article.title : '',
      sentAt: item.sentAt,
      ...(link ? { link } : {}),
      ...(source ? { source: cutText(source, 60) } : {}),
      ...(snippet.length > 0 ? { snippet } : {}),
      ...(isSection(article.section) ? { section: article.section } : {}),
    });
  });
  return rows;
}

/** Display-safe one-line text, cut at `max` characters. */
export function cutText(s: string, max: number): string {
  const clean = stripUnsafeChars(typeof s === 'string' ? s : '')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`;
}

export function formatDate(ms: number, lang: Lang, timeZone: string): string {
  if (!Number.isFinite(ms)) return '';
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ar', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone,
  }).format(new Date(ms));
}

/**
 * Up to three lines per article: number and linked headline; source and date; one line of the
 * story (matched words in bold). HTML, not yet marked.
 */
export function articleLines(
  row: ArticleRow,
  n: number,
  lang: Lang,
  timeZone: string,
  untitled: string,
): string[] {
  const title = escapeHtml(isolate(cutText(row.title, MAX_TITLE) || untitled));
  const href = row.link ? safeHref(row.link) : undefined;
  const headline = href ? `<a href="${escapeHtml(href)}">${title}</a>` : title;
  const date = `🗓 ${escapeHtml(formatDate(row.sentAt, lang, timeZone))}`;
  const meta = row.source ? `📰 ${escapeHtml(isolate(row.source))} · ${date}` : date;
  const snippet = row.snippet ? snippetHtml(row.snippet) : '';
  return [`<b>${n}.</b> ${headline}`, meta, ...(snippet ? [snippet] : [])];
}

export function searchText(lang: Lang) {
  return textsFor(lang).search;
}

/** The reply to a refused query, HTML. */
export function refusalText(lang: Lang, reason: 'empty' | 'long' | 'control'): string {
  const t = textsFor(lang).search;
  return markLines(lang, [escapeHtml(reason === 'long' ? t.long(MAX_QUERY_LENGTH) : t[reason])]);
}

export function limitedText(lang: Lang, retryAfterMs: number): string {
  return markLines(lang, [
    escapeHtml(textsFor(lang).search.limited(Math.max(1, Math.ceil(retryAfterMs / 1000)))),
  ]);
}

interface StoredQuery {
  q: string;
  /** The section filter, when the query named one ("رياضة: …"). */
  sec?: Section;
}

/** The section label shown in a header, in the reader's language. */
export function sectionLabel(section: Section, lang: Lang): string {
  return SECTION_NAMES[section][lang];
}

export interface SearchPage {
  html: string;
  keyboard?: InlineKeyboard;
}

/** Renders page `page` (from 0) of the search for `query`. */
export async function renderSearchPage(
  s: Pick<Services, 'search' | 'articles' | 'posts' | 'channels' | 'config'> &
    Partial<Pick<Services, 'redis' | 'keys'>>,
  query: string,
  page: number,
  lang: Lang,
  token: string,
  section?: Section,
): Promise<SearchPage> {
  const t = textsFor(lang).search;
  const q = escapeHtml(isolate(cutText(query, 60)));
  const offset = page * PAGE_SIZE;
  // One extra hit says whether there is a next page, even when `total` is only an upper bound.
  const result: SearchResult = await s.search.search(query, {
    offset,
    limit: PAGE_SIZE + 1,
    ...(section ? { section } : {}),
  });
  const hits = result.hits.slice(0, PAGE_SIZE);
  const rows = await describeArticles(s, hits, queryWords(query));
  const inSection = section ? escapeHtml(t.inSection(sectionLabel(section, lang))) : undefined;

  if (result.mode === 'none' || (page === 0 && rows.length === 0)) {
    const lines = [t.none(q), ...(inSection ? [inSection] : [])];
    const unquoted = query
      .replace(/["«»“”„]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (unquoted !== query && !isEmptyQuery(parseQuery(unquoted))) {
      lines.push(t.unquoted(escapeHtml(isolate(cutText(unquoted, 60)))));
    } else {
      lines.push(escapeHtml(t.shorter));
    }
    return { html: markLines(lang, lines) };
  }

  const exact = parseQuery(query).phrases.length === 0;
  const lines: string[] = [];
  // A later page can come out empty when a phrase query's total was only an upper bound.
  if (rows.length === 0) lines.push(escapeHtml(t.noMore));
  else lines.push(t.header(q, offset + 1, offset + rows.length, exact ? result.total : undefined));
  if (inSection) lines.push(inSection);
  if (result.mode === 'any') lines.push(escapeHtml(t.anyWord));
  rows.forEach((row, i) => {
    lines.push('', ...articleLines(row, offset + i + 1, lang, s.config.TIME_ZONE, t.untitled));
  });

  const hasNext = result.hits.length > PAGE_SIZE && offset + PAGE_SIZE <= MAX_OFFSET;
  const keyboard = new InlineKeyboard();
  // Buttons run left to right; in Arabic "next" is on the left, in English on the right.
  const buttons: [string, number][] = [];
  if (page > 0) buttons.push([t.prev, page - 1]);
  if (hasNext) buttons.push([t.next, page + 1]);
  if (lang === 'ar') buttons.reverse();
  for (const [label, target] of buttons) {
    keyboard.text(label, callbackData.encode({ kind: 'searchPage', token, page: target }));
  }
  // Without a filter, the sections of the first page's results, to narrow the search in one tap.
  const sections = section || page > 0 ? [] : [...new Set(rows.flatMap((r) => r.section ?? []))];
  if (sections.length > 0) {
    keyboard.row();
    for (const sec of sections.slice(0, 4)) {
      keyboard.text(
        `🏷 ${sectionLabel(sec, lang)}`,
        callbackData.encode({ kind: 'searchSection', token, section: sec }),
      );
    }
  }
  const any = buttons.length > 0 || sections.length > 0;
  return { html: markLines(lang, lines), ...(any ? { keyboard } : {}) };
}

// ---- the feature ---------------------------------------------------------------------------

/**
 * /search, the Next/Previous buttons, and the plain-text catch-all of the private chat (it
 * must be the last handler: every private text no other feature took is a search).
 */
export function createSearchFeature(
  s: Pick<
    Services,
    'search' | 'articles' | 'posts' | 'channels' | 'config' | 'redis' | 'keys' | 'logger'
  >,
  deps: { limit?: UserLimiter; stats?: ReaderStats } = {},
): Composer<BotContext> {
  const limit = deps.limit ?? createUserLimiter(s);
  const stats = deps.stats ?? createReaderStats({ ...s, timeZone: s.config.TIME_ZONE });
  const c = new Composer<BotContext>();

  async function runSearch(ctx: BotContext, raw: string): Promise<void> {
    const lang = ctx.lang;
    const userId = ctx.from?.id;
    if (userId === undefined) return;
    const taken = await limit('search', userId);
    if (!taken.ok) {
      if (taken.tell)
        await ctx.reply(limitedText(lang, taken.retryAfterMs), { parse_mode: 'HTML' });
      return;
    }
    // "رياضة: الترجي" searches one section; the rest is the query.
    const { section, rest } = splitSection(typeof raw === 'string' ? raw : '');
    const checked = checkQuery(rest);
    if (!checked.ok) {
      await ctx.reply(refusalText(lang, checked.reason), { parse_mode: 'HTML' });
      return;
    }
    const token = randomBytes(9).toString('base64url');
    const stored: StoredQuery = { q: checked.query, ...(section ? { sec: section } : {}) };
    await s.redis.set(s.keys.searchQuery(token), JSON.stringify(stored), 'EX', QUERY_TTL_SECONDS);
    await stats.searched(checked.query);
    const page = await renderSearchPage(s, checked.query, 0, lang, token, section);
    await ctx.reply(page.html, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(page.keyboard ? { reply_markup: page.keyboard } : {}),
    });
  }

  c.command('search', async (ctx) => {
    const words = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    if (words === '') {
      await ctx.reply(markLines(ctx.lang, [escapeHtml(ctx.t.search.usage)]), {
        parse_mode: 'HTML',
      });
      return;
    }
    await runSearch(ctx, words);
  });

  c.use(
    callbackData.on('searchPage', async (ctx) => {
      const lang = ctx.lang;
      const { token, page } = ctx.callbackData;
      const taken = await limit('page', ctx.from.id);
      if (!taken.ok) {
        const sec = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
        await ctx.answerCallbackQuery({ text: ctx.t.search.limited(sec) });
        return;
      }
      const json = await s.redis.get(s.keys.searchQuery(token));
      let stored: StoredQuery | undefined;
      try {
        stored = json === null ? undefined : (JSON.parse(json) as StoredQuery);
      } catch {
        stored = undefined;
      }
      if (!stored || typeof stored.q !== 'string' || page * PAGE_SIZE > MAX_OFFSET) {
        await ctx.answerCallbackQuery({ text: ctx.t.search.expired, show_alert: true });
        return;
      }
      await s.redis.expire(s.keys.searchQuery(token), QUERY_TTL_SECONDS);
      const sec = SECTIONS.find((x) => x === stored?.sec);
      const rendered = await renderSearchPage(s, stored.q, page, lang, token, sec);
      try {
        await ctx.editMessageText(rendered.html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(rendered.keyboard ? { reply_markup: rendered.keyboard } : {}),
        });
      } catch (err) {
        // A double press asks for the page already shown: nothing to change.
        if (!(err instanceof GrammyError && /message is not modified/i.test(err.description))) {
          throw err;
        }
      }
      await ctx.answerCallbackQuery();
    }),
  );

  c.use(
    callbackData.on('searchSection', async (ctx) => {
      const { token, section } = ctx.callbackData;
      const taken = await limit('page', ctx.from.id);
      if (!taken.ok) {
        const sec = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
        await ctx.answerCallbackQuery({ text: ctx.t.search.limited(sec) });
        return;
      }
      const key = s.keys.searchQuery(token);
      const json = await s.redis.get(key);
      let stored: StoredQuery | undefined;
      try {
        stored = json === null ? undefined : (JSON.parse(json) as StoredQuery);
      } catch {
        stored = undefined;
      }
      if (!stored || typeof stored.q !== 'string') {
        await ctx.answerCallbackQuery({ text: ctx.t.search.expired, show_alert: true });
        return;
      }
      // The token now stands for the filtered search, so Next/Previous keep the section.
      const next: StoredQuery = { q: stored.q, sec: section };
      await s.redis.set(key, JSON.stringify(next), 'EX', QUERY_TTL_SECONDS);
      const rendered = await renderSearchPage(s, stored.q, 0, ctx.lang, token, section);
      await ctx.editMessageText(rendered.html, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        ...(rendered.keyboard ? { reply_markup: rendered.keyboard } : {}),
      });
      await ctx.answerCallbackQuery();
    }),
  );

  // The catch-all: plain text in the private chat is a search; an unknown command gets a hint.
  c.chatType('private').on('message:text', async (ctx) => {
    const msg = ctx.message;
    // A message sent through inline mode, or a forward, is not something the user typed to us.
    if (msg.via_bot || msg.forward_origin) return;
    if (msg.text.startsWith('/')) {
      await ctx.reply(markLines(ctx.lang, [escapeHtml(ctx.t.search.unknown)]), {
        parse_mode: 'HTML',
      });
      return;
    }
    await runSearch(ctx, msg.text);
  });

  return c;
}
