import { Composer } from 'grammy';
import type { Editorial } from '../../editorial/service.ts';
import type { BotContext } from '../context.ts';
import { editorFrom, refuseEditor } from '../editors.ts';

// /unpublish <post link or article id>: deletes the channel posts (or cancels a scheduled one).

export function createUnpublishFeature(
  editorial: Editorial,
  only: Composer<BotContext>,
): Composer<BotContext> {
  const c = new Composer<BotContext>();
  c.command('unpublish', only, async (ctx) => {
    if (!ctx.from) return;
    const editor = editorFrom(ctx.from);
    const t = ctx.t.editor;
    const ref = ctx.match.trim();
    if (ref === '') {
      await ctx.reply(t.refUsage('unpublish'));
      return;
    }
    const articleId = await editorial.resolveRef(ref);
    if (!articleId) {
      await ctx.reply(t.refNotFound);
      return;
    }
    const result = await editorial.unpublish(articleId, editor);
    if (result.ok) {
      await ctx.reply(
        result.deleted > 0 ? t.unpublished(result.deleted) : t.scheduleCancelled(result.cancelled),
      );
    } else if (result.reason === 'not-published') {
      await ctx.reply(t.notPublished);
    } else if (result.reason === 'failed') {
      await ctx.reply(t.unpublishFailed(result.detail));
    } else if (result.reason === 'forbidden') {
      await refuseEditor(ctx);
    } else {
      await ctx.reply(t.internal);
    }
  });
  return c;
}
