import { Composer } from 'grammy';
import type { EditorViews } from '../../editorial/views.ts';
import type { Services } from '../../services.ts';
import type { AuditEntry } from '../../store/audit.ts';
import { safeLine } from '../../text/sanitize.ts';
import type { BotContext } from '../context.ts';
import { type Lang, textsFor } from '../i18n.ts';

// /audit: the last 20 things editors did, newest first.

export const AUDIT_SHOWN = 20;
const MAX_TITLE = 40;
const MAX_DETAIL = 50;
const MAX_NAME = 40;
/** Telegram's limit for one message. */
const MAX_TEXT = 4096;

const oneLine = (s: string, max: number): string => {
  const line = safeLine(s);
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/** Bounds the reply to one message (the caps above keep 20 entries well inside it). */
function fitMessage(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

export async function describeAudit(
  s: Pick<Services, 'articles' | 'editorial'>,
  views: EditorViews,
  lang: Lang,
): Promise<string> {
  const t = textsFor(lang).editor;
  const entries = await s.editorial.audit.recent(AUDIT_SHOWN);
  if (entries.length === 0) return t.auditEmpty;
  const ids = entries.map((e) => e.articleId ?? '').filter((id) => id !== '');
  const stored = await s.articles.getMany(ids);
  const titles = new Map<string, string>();
  stored.forEach((article, i) => {
    const id = ids[i];
    if (article && id) titles.set(id, article.title);
  });
  const line = (e: AuditEntry): string => {
    const what = e.articleId
      ? `«${oneLine(titles.get(e.articleId) ?? e.articleId, MAX_TITLE)}»`
      : '';
    const detail = e.detail ? ` (${oneLine(e.detail, MAX_DETAIL)})` : '';
    return `• ${views.time(e.at, lang)} — ${oneLine(e.name, MAX_NAME)} ${t.actions[e.action]} ${what}${detail}`;
  };
  return fitMessage([t.auditHeader, ...entries.map(line)].join('\n'));
}

export function createAuditFeature(
  s: Pick<Services, 'articles' | 'editorial'>,
  views: EditorViews,
  only: Composer<BotContext>,
): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command('audit', only, async (ctx) => {
    const text = await describeAudit(s, views, ctx.lang);
    await ctx.reply(text, { link_preview_options: { is_disabled: true } });
  });
  return c;
}
