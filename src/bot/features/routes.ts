import { Composer } from 'grammy';
import { createEditorCheck, type EditorCheck } from '../../editorial/rights.ts';
import { syncDigestSchedulers } from '../../jobs/digests.ts';
import {
  checkTarget,
  createRouteService,
  describeRoute,
  parseRoute,
  ROUTE_SYNTAX,
} from '../../jobs/routes.ts';
import type { Services } from '../../services.ts';
import type { Route } from '../../store/routes.ts';
import { stripUnsafeChars } from '../../text/sanitize.ts';
import { callbackData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { editorsOnly } from '../editors.ts';

// Editors route articles to channels, groups and forum topics: /routes lists them with
// Pause/Resume and Remove buttons, /route add <syntax> adds one after checking that the bot may
// post in the target. Replies are plain text: route lines carry user-typed keywords.

const MAX_LINE = 300;
const line = (r: Route) => {
  const text = stripUnsafeChars(describeRoute(r)).replace(/\s+/g, ' ');
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text;
};

export function createRoutesFeature(
  s: Services,
  opts: { isEditor?: EditorCheck } = {},
): Composer<BotContext> {
  // Route changes take effect at once: rights are asked of Telegram afresh (not from the cache).
  const only = editorsOnly(opts.isEditor ?? createEditorCheck(s), {
    editorsChat: s.config.EDITORS_CHAT_ID,
    fresh: true,
  });
  const service = createRouteService({
    store: s.routes,
    sync: async (all) => {
      await syncDigestSchedulers(s.queues.digests, all, s.config.TIME_ZONE);
    },
  });
  const c = new Composer<BotContext>();

  const buttons = (r: Route, ctx: BotContext) => [
    {
      text: `${r.id} ${r.paused ? ctx.t.routes.resume : ctx.t.routes.pause}`,
      callback_data: callbackData.encode({
        kind: 'route',
        action: r.paused ? 'resume' : 'pause',
        id: r.id,
      }),
    },
    {
      text: `${r.id} ${ctx.t.routes.remove}`,
      callback_data: callbackData.encode({ kind: 'route', action: 'remove', id: r.id }),
    },
  ];

  const listMessage = async (ctx: BotContext) => {
    const all = await service.list();
    if (all.length === 0) return { text: ctx.t.routes.none, keyboard: [] };
    return {
      text: [ctx.t.routes.header(all.length), ...all.map(line)].join('\n'),
      keyboard: all.slice(0, 50).map((r) => buttons(r, ctx)),
    };
  };

  c.command('routes', only, async (ctx) => {
    const { text, keyboard } = await listMessage(ctx);
    await ctx.reply(text.slice(0, 4000), {
      link_preview_options: { is_disabled: true },
      ...(keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}),
    });
  });

  c.command('route', only, async (ctx) => {
    const t = ctx.t.routes;
    const [sub = '', ...rest] = ctx.match.trim().split(/\s+/);
    const args = ctx.match.trim().slice(sub.length);
    if (sub.toLowerCase() === 'remove' && rest.length === 1) {
      const removed = await service.remove(rest[0] ?? '');
      await ctx.reply(
        removed ? t.removed(removed.id) : t.notFound(stripUnsafeChars(rest[0] ?? '')),
      );
      return;
    }
    if (sub.toLowerCase() !== 'add') {
      await ctx.reply(t.usage(ROUTE_SYNTAX));
      return;
    }
    const parsed = parseRoute(args);
    if ('error' in parsed) {
      await ctx.reply(`${t.bad(stripUnsafeChars(parsed.error))}\n\n${t.usage(ROUTE_SYNTAX)}`);
      return;
    }
    const check = await checkTarget(s.api, parsed.target);
    if (!check.ok) {
      await ctx.reply(t.refused(stripUnsafeChars(check.reason)));
      return;
    }
    const route = await service.add(parsed);
    s.logger.info({ routeId: route.id, by: ctx.from?.id }, 'route added');
    await ctx.reply(t.added(line(route)));
  });

  c.use(
    callbackData.on('route', only, async (ctx) => {
      const t = ctx.t.routes;
      const { action, id } = ctx.callbackData;
      const route =
        action === 'remove'
          ? await service.remove(id)
          : await service.setPaused(id, action === 'pause');
      const done = !route
        ? t.notFound(id)
        : action === 'remove'
          ? t.removed(id)
          : action === 'pause'
            ? t.paused(id)
            : t.resumed(id);
      await ctx.answerCallbackQuery({ text: done.slice(0, 200) });
      const { text, keyboard } = await listMessage(ctx);
      await ctx
        .editMessageText(text.slice(0, 4000), {
          link_preview_options: { is_disabled: true },
          ...(keyboard.length ? { reply_markup: { inline_keyboard: keyboard } } : {}),
        })
        .catch(() => {});
    }),
  );

  return c;
}
