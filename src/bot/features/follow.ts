import { Composer, GrammyError, InlineKeyboard } from 'grammy';
import { SECTION_NAMES, splitSection } from '../../search/sections.ts';
import type { Services } from '../../services.ts';
import { type Follow, followId } from '../../store/follows.ts';
import { createReaderStats, type ReaderStats } from '../../store/reader-stats.ts';
import { isolate } from '../../telegram/bidi.ts';
import { escapeHtml } from '../../telegram/html.ts';
import { parseQuery } from '../../text/query.ts';
import { callbackData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { type Lang, markLines } from '../i18n.ts';
import {
  checkQuery,
  createUserLimiter,
  cutText,
  limitedText,
  refusalText,
  type UserLimiter,
} from './search.ts';

// /follow <words>, /unfollow [words], /following, in the private chat (alerts are DMs, so a
// follow only makes sense where the bot may write to the user). /unfollow alone lists the
// follows as buttons; each button carries the follow's short id.

const shown = (q: string) => escapeHtml(isolate(cutText(q, 80)));

/** A follow as the reader typed it, its section (if any) named first: "رياضة: الترجي". */
function label(f: Pick<Follow, 'query' | 'section'>, lang: Lang): string {
  return f.section ? `${SECTION_NAMES[f.section][lang]}: ${f.query}` : f.query;
}

function html(lang: Lang, lines: string[]) {
  return markLines(lang, lines);
}

/** One button per follow; pressing it removes that follow. */
function unfollowKeyboard(follows: Follow[], lang: Lang): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const f of follows)
    kb.text(
      `✖ ${cutText(label(f, lang), 40)}`,
      callbackData.encode({ kind: 'unfollow', followId: f.id }),
    ).row();
  return kb;
}

export function createFollowFeature(
  s: Pick<Services, 'follows' | 'redis' | 'keys'> & { config?: { TIME_ZONE: string } },
  deps: { limit?: UserLimiter; stats?: ReaderStats } = {},
): Composer<BotContext> {
  const limit = deps.limit ?? createUserLimiter(s);
  const stats = deps.stats ?? createReaderStats({ ...s, timeZone: s.config?.TIME_ZONE ?? 'UTC' });
  const c = new Composer<BotContext>();

  c.chatType(['group', 'supergroup']).command(['follow', 'unfollow', 'following'], async (ctx) => {
    await ctx.reply(html(ctx.lang, [escapeHtml(ctx.t.follow.privateOnly)]), {
      parse_mode: 'HTML',
    });
  });

  const pm = c.chatType('private');

  pm.command('follow', async (ctx) => {
    const lang = ctx.lang;
    const t = ctx.t.follow;
    const words = ctx.match.trim();
    if (words === '') {
      await ctx.reply(html(lang, [escapeHtml(t.usage)]), { parse_mode: 'HTML' });
      return;
    }
    const taken = await limit('follow', ctx.from.id);
    if (!taken.ok) {
      if (taken.tell)
        await ctx.reply(limitedText(lang, taken.retryAfterMs), { parse_mode: 'HTML' });
      return;
    }
    // "رياضة: الترجي" follows the words in one section only.
    const { section, rest } = splitSection(words);
    const checked = checkQuery(rest);
    if (!checked.ok) {
      await ctx.reply(
        checked.reason === 'empty'
          ? html(lang, [escapeHtml(t.common)])
          : refusalText(lang, checked.reason),
        { parse_mode: 'HTML' },
      );
      return;
    }
    const res = await s.follows.add(ctx.from.id, checked.query, lang, section);
    let line: string;
    if (res.ok) {
      await stats.followed();
      const count = (await s.follows.list(ctx.from.id)).length;
      line = t.added(shown(label(res.follow, lang)), count);
    } else if (res.reason === 'exists') {
      line = t.exists(shown(label(res.follow ?? { query: checked.query }, lang)));
    } else if (res.reason === 'limit') {
      line = escapeHtml(t.limit);
    } else {
      line = escapeHtml(t.common);
    }
    await ctx.reply(html(lang, [line]), { parse_mode: 'HTML' });
  });

  pm.command('following', async (ctx) => {
    const lang = ctx.lang;
    const t = ctx.t.follow;
    const follows = await s.follows.list(ctx.from.id);
    if (follows.length === 0) {
      await ctx.reply(html(lang, [escapeHtml(t.none)]), { parse_mode: 'HTML' });
      return;
    }
    const lines = [
      escapeHtml(t.list),
      ...follows.map((f, i) => `${i + 1}. ${shown(label(f, lang))}`),
    ];
    lines.push('', escapeHtml(t.unfollowHint));
    await ctx.reply(html(lang, lines), { parse_mode: 'HTML' });
  });

  pm.command('unfollow', async (ctx) => {
    const lang = ctx.lang;
    const t = ctx.t.follow;
    const words = ctx.match.trim();
    if (words !== '') {
      const { section, rest } = splitSection(words);
      const checked = checkQuery(rest);
      if (checked.ok) {
        const id = followId(parseQuery(checked.query), section);
        const removed = await s.follows.remove(ctx.from.id, id);
        if (removed) {
          await ctx.reply(html(lang, [t.removed(shown(label(removed, lang)))]), {
            parse_mode: 'HTML',
          });
          return;
        }
      }
    }
    const follows = await s.follows.list(ctx.from.id);
    if (follows.length === 0) {
      await ctx.reply(html(lang, [escapeHtml(t.none)]), { parse_mode: 'HTML' });
      return;
    }
    const lines =
      words !== '' ? [t.notFollowing(shown(words)), escapeHtml(t.pick)] : [escapeHtml(t.pick)];
    await ctx.reply(html(lang, lines), {
      parse_mode: 'HTML',
      reply_markup: unfollowKeyboard(follows, lang),
    });
  });

  c.use(
    callbackData.on('unfollow', async (ctx) => {
      const lang = ctx.lang;
      const t = ctx.t.follow;
      const removed = await s.follows.remove(ctx.from.id, ctx.callbackData.followId);
      const follows = await s.follows.list(ctx.from.id);
      const text =
        follows.length === 0
          ? html(lang, [
              ...(removed ? [t.removed(shown(label(removed, lang)))] : []),
              escapeHtml(t.none),
            ])
          : html(lang, [
              ...(removed ? [t.removed(shown(label(removed, lang)))] : []),
              escapeHtml(t.pick),
            ]);
      try {
        await ctx.editMessageText(text, {
          parse_mode: 'HTML',
          ...(follows.length > 0 ? { reply_markup: unfollowKeyboard(follows, lang) } : {}),
        });
      } catch (err) {
        if (!(err instanceof GrammyError && /message is not modified/i.test(err.description))) {
          throw err;
        }
      }
      await ctx.answerCallbackQuery({
        text: removed ? cutText(t.removed(cutText(removed.query, 80)), 190) : t.gone,
      });
    }),
  );

  return c;
}
