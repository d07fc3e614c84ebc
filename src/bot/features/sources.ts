import { Composer } from 'grammy';
import { createEditorCheck, type EditorCheck } from '../../editorial/rights.ts';
import { type NewSource, parseInterval, SourceError } from '../../jobs/sources.ts';
import type { SourcesTexts } from '../../locales/texts.ts';
import type { Services } from '../../services.ts';
import { FeedError } from '../../sources/feed.ts';
import { FetchError, fetchPolicy } from '../../sources/http.ts';
import { describeError, isSourceError, probeSource } from '../../sources/poll.ts';
import type { Source, SourceHealth } from '../../store/sources.ts';
import { safeLine } from '../../text/sanitize.ts';
import type { BotContext } from '../context.ts';
import { editorsOnly } from '../editors.ts';
import { textsFor } from '../i18n.ts';

// Editors manage the feeds and sites the channel follows: /sources, /addsource <url>,
// /removesource <id>, /pausesource <id>, /resumesource <id>. Replies are plain text (no
// parse_mode), so names, URLs and errors from outside need no escaping, only stripping.

/** The texts of this feature by language (also read by tests). */
export const sourcesTexts = { ar: textsFor('ar').sources, en: textsFor('en').sources };

type Texts = SourcesTexts;

const MAX_MESSAGE = 4000;
const MAX_LINE = 200;
const CHAT_RE = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;

const clean = (s: string, max = MAX_LINE): string => {
  const line = safeLine(s);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

function formatInterval(sec: number, t: Texts): string {
  if (sec % 86_400 === 0) return `${sec / 86_400} ${t.unit.d}`;
  if (sec % 3600 === 0) return `${sec / 3600} ${t.unit.h}`;
  if (sec % 60 === 0) return `${sec / 60} ${t.unit.m}`;
  return `${sec} ${t.unit.s}`;
}

export type AddOptions = Omit<NewSource, 'kind'>;

/** "/addsource <url> every=15m review full id=x chat=@c name=..." → options, or an error text. */
export function parseAddSource(input: string, t: Texts): AddOptions | { error: string } {
  const text = input.trim();
  // name= takes the rest of the line: publisher names have spaces.
  const nameAt = text.search(/(?:^|\s)name=/i);
  const head = nameAt === -1 ? text : text.slice(0, nameAt);
  const name =
    nameAt === -1
      ? undefined
      : text
          .slice(nameAt)
          .replace(/^\s*name=/i, '')
          .trim();
  const [url, ...options] = head.split(/\s+/).filter(Boolean);
  if (url === undefined) return { error: t.addUsage };
  const out: AddOptions = { url };
  if (name) out.publisher = name;
  for (const option of options) {
    const [key = '', value = ''] = option.split(/=(.*)/s);
    switch (key.toLowerCase()) {
      case 'review':
        out.mode = 'review';
        break;
      case 'auto':
        out.mode = 'auto';
        break;
      case 'full':
      case 'fulltext':
        out.fullText = true;
        break;
      case 'every': {
        const sec = parseInterval(value);
        if (sec === undefined) return { error: t.badInterval };
        out.intervalSec = sec;
        break;
      }
      case 'id':
        out.id = value.toLowerCase();
        break;
      case 'chat': {
        const chats = value.split(',').filter(Boolean);
        if (chats.length === 0 || !chats.every((c) => CHAT_RE.test(c))) {
          return { error: t.badOption(clean(option, 60)) };
        }
        out.chats = chats;
        break;
      }
      default:
        return { error: t.badOption(clean(option, 60)) };
    }
  }
  return out;
}

function formatTime(iso: string | undefined, timeZone: string): string | undefined {
  if (iso === undefined) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** One source as a few plain-text lines for /sources. */
export function describeSource(
  source: Source,
  health: SourceHealth,
  t: Texts,
  timeZone: string,
): string {
  const kind = [
    source.kind === 'feed' ? t.feed : t.page,
    t.every(formatInterval(source.intervalSec, t)),
    source.mode === 'review' ? t.review : t.auto,
    ...(source.fullText ? [t.fullText] : []),
  ].join(' · ');
  const lines = [
    `📰 ${clean(source.publisher, 80)} (${source.id})`,
    clean(source.url, 300),
    kind,
    source.paused ? t.paused(clean(source.pausedReason ?? '', 150)) : t.active,
  ];
  if (source.chats.length > 0) lines.push(t.chats(source.chats.join(', ')));
  const success = formatTime(health.lastSuccessAt, timeZone);
  const errorAt = formatTime(health.lastErrorAt, timeZone);
  const facts = [success ? t.lastSuccess(success) : t.never, t.items(health.items)];
  lines.push(facts.join(' · '));
  if (health.lastError && errorAt) lines.push(t.lastError(errorAt, clean(health.lastError, 150)));
  if (health.failures > 0) lines.push(t.failures(health.failures));
  return lines.join('\n');
}

/** Splits blocks into messages under Telegram's limit, never inside a block. */
function chunk(blocks: string[]): string[] {
  const out: string[] = [];
  let current = '';
  for (const block of blocks) {
    const next = current === '' ? block : `${current}\n\n${block}`;
    if (next.length > MAX_MESSAGE && current !== '') {
      out.push(current);
      current = block.slice(0, MAX_MESSAGE);
    } else current = next.slice(0, MAX_MESSAGE);
  }
  if (current !== '') out.push(current);
  return out;
}

function probeErrorText(err: unknown, t: Texts): string {
  if (err instanceof FetchError) {
    const base = t.fetchError[err.code];
    return err.code === 'http-status' && err.status !== undefined
      ? `${base} (${err.status})`
      : base;
  }
  if (err instanceof FeedError) return err.code === 'malformed' ? t.malformed : t.notFeed;
  return t.unreadable;
}

export function createSourcesFeature(
  s: Services,
  opts: { isEditor?: EditorCheck } = {},
): Composer<BotContext> {
  const isEditor = opts.isEditor ?? createEditorCheck(s);
  const editorsChat = s.config.EDITORS_CHAT_ID;
  const only = editorsOnly(isEditor, { editorsChat });
  // Commands that change sources take effect at once: rights are asked of Telegram afresh.
  const onlyNow = editorsOnly(isEditor, { editorsChat, fresh: true });
  const policy = fetchPolicy(s.config);
  const c = new Composer<BotContext>();

  c.command('sources', only, async (ctx) => {
    const t = ctx.t.sources;
    const all = await s.sources.list();
    if (all.length === 0) {
      await ctx.reply(t.none);
      return;
    }
    const blocks = all.map(({ source, health }) =>
      describeSource(source, health, t, s.config.TIME_ZONE),
    );
    for (const message of chunk([t.header(all.length), ...blocks])) {
      await ctx.reply(message, { link_preview_options: { is_disabled: true } });
    }
  });

  c.command('addsource', onlyNow, async (ctx) => {
    const t = ctx.t.sources;
    const parsed = parseAddSource(ctx.match, t);
    if ('error' in parsed) {
      await ctx.reply(parsed.error);
      return;
    }
    const known = await s.sources.store.idForUrl(parsed.url);
    if (known !== undefined) {
      await ctx.reply(t.exists(known));
      return;
    }
    try {
      const probe = await probeSource(parsed.url, policy);
      const source = await s.sources.add({
        ...parsed,
        url: probe.url,
        kind: probe.kind,
        ...((parsed.publisher ?? probe.title)
          ? { publisher: parsed.publisher ?? probe.title }
          : {}),
      });
      const every = t.every(formatInterval(source.intervalSec, t));
      await ctx.reply(
        source.kind === 'feed'
          ? t.addedFeed(source, probe.items, every)
          : t.addedPage(source, every),
        { link_preview_options: { is_disabled: true } },
      );
      s.logger.info({ sourceId: source.id, by: ctx.from?.id }, 'source added');
    } catch (err) {
      if (err instanceof SourceError) {
        if (err.code === 'exists') {
          await ctx.reply(
            parsed.id !== undefined && err.existingId === parsed.id
              ? t.idTaken(parsed.id)
              : t.exists(err.existingId ?? ''),
          );
        } else await ctx.reply(t.cannotAdd(clean(err.message)));
        return;
      }
      if (!isSourceError(err)) throw err;
      s.logger.info({ error: describeError(err) }, 'addsource probe failed');
      await ctx.reply(t.cannotAdd(probeErrorText(err, t)));
    }
  });

  const byId =
    (cmd: string, act: (id: string, ctx: BotContext, t: Texts) => Promise<string>) =>
    async (ctx: BotContext & { match: string }) => {
      const t = ctx.t.sources;
      const id = ctx.match.trim().toLowerCase();
      if (id === '' || /\s/.test(id)) {
        await ctx.reply(t.idUsage(cmd));
        return;
      }
      await ctx.reply(await act(clean(id, 40), ctx, t));
    };

  c.command(
    'removesource',
    onlyNow,
    byId('removesource', async (id, ctx, t) => {
      const removed = await s.sources.remove(id);
      if (!removed) return t.notFound(id);
      s.logger.info({ sourceId: id, by: ctx.from?.id }, 'source removed');
      return t.removed(removed);
    }),
  );

  c.command(
    'pausesource',
    onlyNow,
    byId('pausesource', async (id, ctx, t) => {
      const source = await s.sources.get(id);
      if (!source) return t.notFound(id);
      if (source.paused) return t.alreadyPaused(id);
      const who = clean(
        ctx.from?.username ? `@${ctx.from.username}` : (ctx.from?.first_name ?? ''),
        40,
      );
      const paused = await s.sources.pause(id, t.pausedBy(who || String(ctx.from?.id ?? '')));
      return paused ? t.pausedOk(paused) : t.notFound(id);
    }),
  );

  c.command(
    'resumesource',
    onlyNow,
    byId('resumesource', async (id, _ctx, t) => {
      const source = await s.sources.get(id);
      if (!source) return t.notFound(id);
      if (!source.paused) return t.notPaused(id);
      const resumed = await s.sources.resume(id);
      return resumed ? t.resumed(resumed) : t.notFound(id);
    }),
  );

  return c;
}
