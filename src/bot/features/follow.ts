import { Composer, GrammyError, InlineKeyboard } from 'grammy';
import type { Services } from '../../services.ts';
import { type Follow, followId } from '../../store/follows.ts';
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

function html(lang: Lang, lines: string[]) {
  return markLines(lang, lines);
}

/** One button per follow; pressing it removes that follow. */
function unfollowKeyboard(follows: Follow[]): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const f of follows)
    kb.text(
      `✖ ${cutText(f.query, 40)}`,
      callbackData.encode({ kind: 'unfollow', followId: f.id }),
    ).row();
  return kb;
}

export function createFollowFeature(
  s: Pick<Services, 'follows' | 'redis' | 'keys'>,
  deps: { limit?: UserLimiter } = {},
): Composer<BotContext> {
  const limit = deps.limit ?? createUserLimiter(s);
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
    const checked = checkQuery(words);
    if (!checked.ok) {
      await ctx.reply(
        checked.reason === 'empty'
          ? html(lang, [escapeHtml(t.common)])
          : refusalText(lang, checked.reason),
        { parse_mode: 'HTML' },
      );
      return;
    }
    const res = await s.follows.add(ctx.from.id, checked.query, lang);
    let line: string;
    if (res.ok) {
      const count = (await s.follows.list(ctx.from.id)).length;
      line = t.added(shown(res.follow.query), count);
    } else if (res.reason === 'exists') {
      line = t.exists(shown(res.follow?.query ?? checked.query));
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
    const lines = [escapeHtml(t.list), ...follows.map((f, i) => `${i + 1}. ${shown(f.query)}`)];
    lines.push('', escapeHtml(t.unfollowHint));
    await ctx.reply(html(lang, lines), { parse_mode: 'HTML' });
  });

  pm.command('unfollow', async (ctx) => {
    const lang = ctx.lang;
    const t = ctx.t.follow;
    const words = ctx.match.trim();
    if (words !== '') {
      const checked = checkQuery(words);
      if (checked.ok) {
        const removed = await s.follows.remove(ctx.from.id, followId(parseQuery(checked.query)));
        if (removed) {
          await ctx.reply(html(lang, [t.removed(shown(removed.query))]), { parse_mode: 'HTML' });
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
      reply_markup: unfollowKeyboard(follows),
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
          ? html(lang, [...(removed ? [t.removed(shown(removed.query))] : []), escapeHtml(t.none)])
          : html(lang, [...(removed ? [t.removed(shown(removed.query))] : []), escapeHtml(t.pick)]);
      try {
        await ctx.editMessageText(text, {
          parse_mode: 'HTML',
          ...(follows.length > 0 ? { reply_markup: unfollowKeyboard(follows) } : {}),
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
