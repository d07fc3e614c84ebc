import { Composer } from 'grammy';
import type { Services } from '../../services.ts';
import type { TimelineEntry } from '../../store/posts.ts';
import { escapeHtml } from '../../telegram/html.ts';
import type { BotContext } from '../context.ts';
import { markLines } from '../i18n.ts';
import { articleLines, describeArticles } from './search.ts';

export const LATEST_COUNT = 10;

/** The `count` most recently posted articles, newest first, from the posts timeline. */
export async function latestArticles(
  s: Pick<Services, 'posts'>,
  count: number,
  offset = 0,
): Promise<TimelineEntry[]> {
  return s.posts.timeline({ count, offset });
}

/** /latest: the ten newest posts, each with headline and link, source and date, and its lead. */
export function createLatestFeature(
  s: Pick<Services, 'articles' | 'posts' | 'channels' | 'config'> &
    Partial<Pick<Services, 'redis' | 'keys'>>,
): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command('latest', async (ctx) => {
    const lang = ctx.lang;
    const t = ctx.t.latest;
    const rows = await describeArticles(s, await latestArticles(s, LATEST_COUNT));
    if (rows.length === 0) {
      await ctx.reply(markLines(lang, [escapeHtml(t.none)]), { parse_mode: 'HTML' });
      return;
    }
    const lines = [escapeHtml(t.header)];
    rows.forEach((row, i) => {
      lines.push('', ...articleLines(row, i + 1, lang, s.config.TIME_ZONE, t.untitled));
    });
    await ctx.reply(markLines(lang, lines), {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  });
  return c;
}
