import { Composer } from 'grammy';
import { createEditorCheck } from '../../editorial/rights.ts';
import { createEditorViews } from '../../editorial/views.ts';
import { retryRateLimits } from '../../jobs/send.ts';
import type { Services } from '../../services.ts';
import type { BotContext } from '../context.ts';
import { editorsOnly } from '../editors.ts';
import { createAuditFeature } from './editor-audit.ts';
import { createPublishFeature } from './editor-publish.ts';
import { createQueueFeature } from './editor-queue.ts';
import { createUnpublishFeature } from './editor-unpublish.ts';
import { createReviewFeature } from './review.ts';

// Everything editors use in the bot: /publish (a conversation), /edit, /cancel, /unpublish,
// /queue (with Retry), /audit, and the review buttons. Non-editors get a short refusal from
// editorsOnly on every command and button here; nothing is queued for them. The work itself is
// the editorial service's (s.editorial, editorial/service.ts); these features parse, call and
// render, with the editorial views (editorial/views.ts) and the editor texts of ctx.t.editor.

const EDITOR_COMMAND = /^\/(?:publish|edit|cancel|unpublish|queue|audit)(?:@\w+)?(?:\s|$)/;
const EDITOR_BUTTON = /^(?:pv|rv|q):/;

/** Updates the handlers below answer: editor commands and the editors' buttons. */
function isEditorUpdate(ctx: BotContext): boolean {
  const data = ctx.callbackQuery?.data;
  if (data !== undefined) return EDITOR_BUTTON.test(data);
  return EDITOR_COMMAND.test(ctx.message?.text ?? '');
}

export function createEditorFeatures(s: Services): Composer<BotContext> {
  const isEditor = createEditorCheck(s);
  const only = editorsOnly(isEditor, { editorsChat: s.config.EDITORS_CHAT_ID });
  const views = createEditorViews(s.config.TIME_ZONE);
  const c = new Composer<BotContext>();
  // ctx.api is made per update: replies to editors wait out a short 429 instead of failing.
  c.use((ctx, next) => {
    if (isEditorUpdate(ctx)) ctx.api.config.use(retryRateLimits());
    return next();
  });
  // The conversation first: it must see an editor's updates before the commands below.
  c.use(createPublishFeature(s, { views, isEditor, only }));
  c.use(createUnpublishFeature(s.editorial, only));
  c.use(createQueueFeature(s, views, only));
  c.use(createAuditFeature(s, views, only));
  c.use(createReviewFeature(s.editorial, views, only));
  return c;
}
