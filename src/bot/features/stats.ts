import { Composer } from 'grammy';
import type { Section } from '../../article/types.ts';
import { createEditorCheck } from '../../editorial/rights.ts';
import { isSection, SECTION_NAMES } from '../../search/sections.ts';
import type { Services } from '../../services.ts';
import { createReaderStats, type ReaderStats } from '../../store/reader-stats.ts';
import { isolate } from '../../telegram/bidi.ts';
import { escapeHtml } from '../../telegram/html.ts';
import type { BotContext } from '../context.ts';
import { editorsOnly } from '../editors.ts';
import { type Lang, markLines, textsFor } from '../i18n.ts';
import { cutText, formatDate } from './search.ts';

// /stats for editors: posts today and in the last seven days per source and per section, the
// readers' top searches, new follows, and the sends that failed for good (kept by BullMQ).

/** Most posts one /stats reads (a week of a busy channel is far fewer). */
const MAX_POSTS = 5000;
const TOP = 5;
const DAY_MS = 86_400_000;

/** Midnight of today in `timeZone`, ms since the epoch. */
export function startOfDay(now: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const sinceMidnight = ((n('hour') * 60 + n('minute')) * 60 + n('second')) * 1000;
  return now - sinceMidnight - (now % 1000);
}

export interface PostCounts {
  total: number;
  bySource: [string, number][];
  bySection: [Section | '', number][];
}

function count<K>(keys: K[]): [K, number][] {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]);
}

/** Posts since `since`, counted per source (publisher, else source id) and per section. */
export async function countPosts(
  s: Pick<Services, 'redis' | 'keys' | 'articles'>,
  since: number,
): Promise<PostCounts> {
  const ids = await s.redis.zrangebyscore(s.keys.timeline, since, '+inf', 'LIMIT', 0, MAX_POSTS);
  const articles = ids.length > 0 ? await s.articles.getMany(ids) : [];
  const sources: string[] = [];
  const sections: (Section | '')[] = [];
  for (const a of articles) {
    if (!a) continue;
    sources.push(cutText(a.publisher ?? a.sourceId ?? '—', 40) || '—');
    sections.push(isSection(a.section) ? a.section : '');
  }
  return { total: ids.length, bySource: count(sources), bySection: count(sections) };
}

/** The /stats text, HTML. */
export async function statsText(
  s: Pick<Services, 'redis' | 'keys' | 'articles' | 'queues' | 'config'>,
  stats: ReaderStats,
  lang: Lang,
  now = Date.now(),
): Promise<string> {
  const t = textsFor(lang).stats;
  const tz = s.config.TIME_ZONE;
  const today = startOfDay(now, tz);
  const [day, week, top, followsToday, followsWeek, failedPosts, failedAlerts] = await Promise.all([
    countPosts(s, today),
    countPosts(s, today - 6 * DAY_MS),
    stats.topSearches(7, TOP),
    stats.follows(1),
    stats.follows(7),
    s.queues.posts.getFailedCount(),
    s.queues.alerts.getFailedCount(),
  ]);
  const lines = [`<b>${escapeHtml(t.header(formatDate(now, lang, tz)))}</b>`];
  for (const [label, c] of [
    [t.today, day],
    [t.week, week],
  ] as const) {
    lines.push('', `<b>${escapeHtml(label)}</b> — ${escapeHtml(t.posts(c.total))}`);
    if (c.total === 0) continue;
    lines.push(escapeHtml(t.bySource));
    for (const [name, n] of c.bySource.slice(0, 8))
      lines.push(`• ${escapeHtml(isolate(name))}: ${n}`);
    lines.push(escapeHtml(t.bySection));
    for (const [sec, n] of c.bySection) {
      const name = sec === '' ? t.noSection : SECTION_NAMES[sec][lang];
      lines.push(`• ${escapeHtml(name)}: ${n}`);
    }
  }
  lines.push('', escapeHtml(t.topSearches));
  if (top.length === 0) lines.push(escapeHtml(t.noSearches));
  top.forEach((q, i) => {
    lines.push(`${i + 1}. ${escapeHtml(isolate(cutText(q.query, 60)))} (${q.count})`);
  });
  lines.push('', escapeHtml(t.follows(followsToday, followsWeek)));
  lines.push(escapeHtml(t.failed(failedPosts, failedAlerts)));
  return markLines(lang, lines);
}

/** /stats, for editors (in private or in the editors' chat). */
export function createStatsFeature(
  s: Pick<
    Services,
    'redis' | 'keys' | 'articles' | 'queues' | 'config' | 'api' | 'channels' | 'logger'
  >,
  deps: { stats?: ReaderStats } = {},
): Composer<BotContext> {
  const stats = deps.stats ?? createReaderStats({ ...s, timeZone: s.config.TIME_ZONE });
  const only = editorsOnly(createEditorCheck(s), { editorsChat: s.config.EDITORS_CHAT_ID });
  const c = new Composer<BotContext>();
  c.command('stats', only, async (ctx) => {
    await ctx.reply(await statsText(s, stats, ctx.lang), { parse_mode: 'HTML' });
  });
  return c;
}
