import {
  type Conversation,
  type ConversationData,
  type ConversationFlavor,
  conversations,
  createConversation,
  type VersionedState,
} from '@grammyjs/conversations';
import type { Context } from 'grammy';
import { cleanSummary, cleanTitle, MAX_SUMMARY, MAX_TITLE } from '../../editorial/draft-text.ts';
import type { EditorCheck } from '../../editorial/rights.ts';
import type { Editorial } from '../../editorial/service.ts';
import { parseScheduleTime } from '../../editorial/time.ts';
import type { DraftResult } from '../../editorial/types.ts';
import type { EditorViews } from '../../editorial/views.ts';
import type { Buttons } from '../../jobs/send.ts';
import type { EditorTexts } from '../../locales/index.ts';
import { createJsonStorage } from '../../redis.ts';
import type { Services } from '../../services.ts';
import { callbackData, type PreviewAction } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { editorFrom } from '../editors.ts';
import { textsFor } from '../i18n.ts';

// The /publish conversation (@grammyjs/conversations v2): link or text → exact preview →
// Publish now / Schedule / Edit headline / Edit summary / Cancel. The same steps edit a review
// draft (Approve after editing) and a posted article (/edit, saved in place).
//
// The builder replays from the top on every update: every effect other than ctx.api goes
// through conversation.external (the editorial service), and returns small JSON (ids, outcomes).

/** The outside context: what the editor features see. */
export type EditorContext = ConversationFlavor<BotContext>;

export const PUBLISH = 'publish';
/** Bump when the steps below change shape: stored conversations of another shape are dropped. */
export const PUBLISH_STORAGE_VERSION = 1;

export type PublishStart =
  | { mode: 'new'; input?: string }
  | { mode: 'review'; articleId: string }
  | { mode: 'post'; articleId: string };

type Action = PreviewAction;

/** Buttons under a preview; the token and round make buttons of older previews stale. */
export function previewKeyboard(
  kind: PublishStart['mode'],
  token: string,
  round: number,
  t: EditorTexts,
): Buttons {
  const b = (text: string, action: Action) => ({
    text,
    callback_data: callbackData.encode({ kind: 'preview', token, round, action }),
  });
  const edits = [b(t.btnTitle, 'hl'), b(t.btnSummary, 'sm')];
  if (kind === 'post') {
    return [[b(t.btnSave, 'sv')], edits, [b(t.btnCancel, 'cx')]];
  }
  const publish = b(kind === 'review' ? t.btnApprovePublish : t.btnPublish, 'pub');
  return [[publish, b(t.btnSchedule, 'sch')], edits, [b(t.btnCancel, 'cx')]];
}

function describeDraftError(r: Extract<DraftResult, { ok: false }>, t: EditorTexts): string {
  switch (r.error) {
    case 'not-article':
      return `${t.notArticle} (${r.detail ?? '?'}).`;
    case 'internal':
      return t.internal;
    case 'http-status':
      return `${t.fetchError['http-status']} (${r.detail ?? '?'}).`;
    default:
      return t.fetchError[r.error];
  }
}

/** The leading /command of a message, lower-cased, without the @bot suffix. */
function commandOf(ctx: Context): string | undefined {
  const text = ctx.message?.text;
  const entity = ctx.message?.entities?.[0];
  if (!text || entity?.type !== 'bot_command' || entity.offset !== 0) return undefined;
  return /^\/([A-Za-z0-9_]+)/.exec(text.slice(0, entity.length))?.[1]?.toLowerCase();
}

export interface PublishDeps {
  editorial: Editorial;
  views: EditorViews;
  isEditor: EditorCheck;
  /** A step left alone this long ends the conversation (checked when the next update comes). */
  timeoutMs: number;
  timeZone: string;
}

export function createPublishConversation(deps: PublishDeps) {
  const { editorial, views } = deps;

  return async function publish(
    conversation: Conversation<EditorContext, Context>,
    ctx: Context,
    start: PublishStart,
  ): Promise<void> {
    const from = ctx.from;
    if (!from || typeof start !== 'object' || start === null) return;
    const editor = editorFrom(from);
    // The conversation's own context has no ctx.t (the i18n middleware runs outside it).
    const texts = textsFor(editor.lang);
    const t = texts.editor;
    // Everything happens in the editor's private chat, even when a review draft's Edit button
    // was pressed in the editors' group.
    const chatId = from.id;
    const entering = ctx.callbackQuery ? ctx : undefined;
    const token = Math.floor((await conversation.random()) * 36 ** 6)
      .toString(36)
      .padStart(6, '0');
    let lastSeen = await conversation.now();
    let draftId: string | undefined;
    let previewId: number | undefined;

    // Through the service's messenger (an external): a short 429 is waited out once, not again on each replay.
    const say = (text: string) => conversation.external(() => editorial.tell(chatId, text));

    const cleanUp = async () => {
      const draft = draftId;
      const preview = previewId;
      await conversation.external(async () => {
        if (draft) await editorial.dropDraft(draft);
        if (preview) await editorial.stripButtons(chatId, preview);
      });
    };

    /**
     * The next update of this editor in their private chat. Other chats, other features'
     * buttons and other commands go on to the rest of the bot; /cancel and the timeout end here.
     *
     * The timeout is ours, not the plugin's maxMillisecondsToWait: that halts with `next` (a late
     * headline would go on to search) and its onHalt sees neither the update nor this draft, so
     * it could not answer "expired" nor drop the draft and the preview's buttons. The loops below
     * ask again rather than skip through `otherwise`: a skipped update leaves the replay log, so
     * a stale press or a stray text would no longer count as activity against the timeout.
     */
    const next = async (): Promise<Context> => {
      const u = await conversation
        .wait()
        .and((x) => x.chat?.id === chatId, { next: true })
        .andFrom(from.id, { next: true })
        .and((x) => !x.callbackQuery || x.callbackQuery.data?.startsWith('pv:') === true, {
          next: true,
        });
      const command = commandOf(u);
      const now = await conversation.now();
      if (now - lastSeen > deps.timeoutMs) {
        await cleanUp();
        // A command after the timeout is simply handled as if no draft were open.
        if (command !== undefined) return await conversation.halt({ next: true });
        if (u.callbackQuery) await u.answerCallbackQuery({ text: t.expired, show_alert: true });
        else await say(t.expired);
        return await conversation.halt();
      }
      if (command === 'cancel') {
        await cleanUp();
        await say(t.cancelled);
        return await conversation.halt();
      }
      if (command !== undefined) return await conversation.skip({ next: true });
      lastSeen = now;
      return u;
    };

    /** Text (or a caption, or a forwarded message's text) sent in reply to a prompt. */
    const readText = async (reminder: string): Promise<string> => {
      for (;;) {
        const u = await next();
        if (u.callbackQuery) {
          await u.answerCallbackQuery({ text: t.stale });
          continue;
        }
        const text = u.message?.text ?? u.message?.caption;
        if (text !== undefined && text.trim() !== '') return text;
        await say(reminder);
      }
    };

    const readValid = async <T>(
      prompt: string,
      clean: (s: string) => T | undefined,
      complaint: string,
    ): Promise<T> => {
      await say(prompt);
      for (;;) {
        const value = clean(await readText(prompt));
        if (value !== undefined) return value;
        await say(complaint);
      }
    };

    const readTime = async (): Promise<number> => {
      await say(t.askTime(deps.timeZone));
      for (;;) {
        const text = await readText(t.askTime(deps.timeZone));
        const now = await conversation.now();
        const parsed = parseScheduleTime(text, { now, timeZone: deps.timeZone });
        if (parsed.ok) return parsed.at.getTime();
        if (parsed.reason === 'past') await say(t.timePast(views.time(now, editor.lang)));
        else if (parsed.reason === 'too-far') await say(t.timeTooFar);
        else if (parsed.reason === 'invalid') await say(t.timeInvalid);
        else await say(t.timeFormat);
      }
    };

    const readButton = async (round: number, allowed: readonly Action[]): Promise<Action> => {
      for (;;) {
        const u = await next();
        const data = u.callbackQuery?.data;
        if (data === undefined) {
          await say(t.useButtons);
          continue;
        }
        const pressed = callbackData.parse(data);
        if (
          pressed?.kind === 'preview' &&
          pressed.token === token &&
          pressed.round === round &&
          allowed.includes(pressed.action)
        ) {
          await u.answerCallbackQuery();
          const preview = previewId;
          if (preview) await conversation.external(() => editorial.stripButtons(chatId, preview));
          return pressed.action;
        }
        await u.answerCallbackQuery({ text: t.stale });
      }
    };

    /** Tells the editor why the draft could not start: on the pressed button, or in the chat. */
    const refuse = async (text: string) => {
      if (entering) await entering.answerCallbackQuery({ text, show_alert: true });
      else await say(text);
    };

    // 1. The draft: from a link or text, or from a stored article.
    if (start.mode === 'new') {
      let input = typeof start.input === 'string' ? start.input.trim() : '';
      if (input === '') {
        await say(t.askInput);
        input = await readText(t.needInput);
      }
      for (;;) {
        const source = input;
        const made = await conversation.external(() => editorial.draftFromInput(source));
        if (made.ok) {
          draftId = made.draftId;
          break;
        }
        await say(`${describeDraftError(made, t)}\n${t.tryAgain}`);
        input = await readText(t.needInput);
      }
    } else {
      const { articleId, mode } = start;
      const made = await conversation.external(() => editorial.draftFromStored(articleId, mode));
      if (!made.ok) {
        if (made.reason === 'decided') await refuse(views.decidedText(made.decision, editor.lang));
        else if (made.reason === 'not-published') await refuse(t.notPublished);
        else await refuse(mode === 'review' ? t.reviewGone : t.refNotFound);
        return;
      }
      draftId = made.draftId;
    }
    const draft = draftId;

    // 2. Preview, then what the editor chose, until it is published, saved or cancelled.
    const allowed: readonly Action[] =
      start.mode === 'post' ? ['sv', 'hl', 'sm', 'cx'] : ['pub', 'sch', 'hl', 'sm', 'cx'];
    for (let round = 0; ; round++) {
      const buttons = previewKeyboard(start.mode, token, round, t);
      const shown = await conversation.external(() =>
        editorial.sendDraftPreview(draft, chatId, buttons),
      );
      if (!shown.ok) {
        await conversation.external(() => editorial.dropDraft(draft));
        if (shown.reason === 'forbidden') await refuse(t.dmFirst);
        else await say(t.draftGone);
        return;
      }
      previewId = shown.messageId;
      if (round === 0 && entering) {
        const elsewhere = entering.chat?.id !== chatId;
        await entering.answerCallbackQuery(elsewhere ? { text: t.sentToPrivate } : {});
      }

      const action = await readButton(round, allowed);
      if (action === 'hl') {
        const title = await readValid(t.askTitle, cleanTitle, t.badTitle(MAX_TITLE));
        await conversation.external(() => editorial.updateDraft(draft, { title }));
        continue;
      }
      if (action === 'sm') {
        const summary = await readValid(t.askSummary, cleanSummary, t.badSummary(MAX_SUMMARY));
        await conversation.external(() => editorial.updateDraft(draft, { summary }));
        continue;
      }
      if (action === 'cx') {
        await conversation.external(() => editorial.dropDraft(draft));
        await say(t.cancelled);
        return;
      }

      const at = action === 'sch' ? await readTime() : undefined;
      // Rights can change while a draft is open; check them again before anything is posted.
      if (!(await conversation.external(() => deps.isEditor(from.id)))) {
        await conversation.external(() => editorial.dropDraft(draft));
        await say(texts.access.editorsOnly);
        return;
      }
      if (action === 'sv') {
        const saved = await conversation.external(() => editorial.saveDraftToPosts(draft, editor));
        if (!saved.ok) {
          if (saved.reason === 'forbidden')
            await conversation.external(() => editorial.dropDraft(draft));
          await say(
            saved.reason === 'gone'
              ? t.draftGone
              : saved.reason === 'forbidden'
                ? texts.access.editorsOnly
                : t.internal,
          );
          return;
        }
        const lines = [];
        if (saved.links.length > 0) lines.push(t.editSaved(saved.links.join(' ')));
        for (const chat of saved.missing) lines.push(t.editMissing(chat));
        for (const failure of saved.failed) lines.push(t.editFailed(failure));
        await say(lines.join('\n') || t.notPublished);
        return;
      }
      const outcome = await conversation.external(() => editorial.publishDraft(draft, editor, at));
      if (outcome.ok) {
        if (outcome.at !== undefined) await say(t.scheduled(views.time(outcome.at, editor.lang)));
        else await say(start.mode === 'review' ? t.approvedNow : t.queuedNow);
      } else if (outcome.reason === 'already-posted') {
        await say(t.alreadyPosted(outcome.link));
      } else if (outcome.reason === 'decided') {
        await say(views.decidedText(outcome.decision, editor.lang));
      } else if (outcome.reason === 'forbidden') {
        // No longer an editor (asked of Telegram just now): nothing was posted.
        await conversation.external(() => editorial.dropDraft(draft));
        await say(texts.access.editorsOnly);
      } else {
        await say(outcome.reason === 'gone' ? t.draftGone : t.internal);
      }
      return;
    }
  };
}

/**
 * The conversations plugin with Redis storage, keyed per editor (not per chat), and the publish
 * conversation. Install only on updates with a sender (see editor-publish.ts).
 */
export function createEditorConversations(
  s: Pick<Services, 'redis' | 'keys' | 'config'>,
  deps: PublishDeps,
) {
  const ttl = s.config.CONVERSATION_TIMEOUT_MINUTES * 60 * 2;
  return [
    conversations<EditorContext, Context>({
      storage: {
        type: 'key',
        version: PUBLISH_STORAGE_VERSION,
        adapter: createJsonStorage<VersionedState<ConversationData>>(s.redis, ttl),
        getStorageKey: (ctx) => (ctx.from ? s.keys.conversation(ctx.from.id) : undefined),
      },
    }),
    createConversation<EditorContext, Context>(createPublishConversation(deps), { id: PUBLISH }),
  ];
}
