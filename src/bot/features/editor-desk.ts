import { createHash, randomBytes } from 'node:crypto';
import { Api, GrammyError, type Transformer } from 'grammy';
import type { InlineKeyboardMarkup, Message, User } from 'grammy/types';
import { ArticleError } from '../../article/errors.ts';
import { rawFromInput } from '../../article/input.ts';
import type { Article } from '../../article/types.ts';
import { publishStored } from '../../jobs/enqueue.ts';
import { classifySendError } from '../../jobs/telegram-errors.ts';
import type { Services } from '../../services.ts';
import { FETCH_DEFAULTS, FetchError, type FetchErrorCode, safeFetch } from '../../sources/http.ts';
import type { StoredArticle } from '../../store/articles.ts';
import { type AuditAction, type AuditLog, createAuditLog } from '../../store/audit.ts';
import type { Post } from '../../store/posts.ts';
import { defineScript } from '../../store/script.ts';
import {
  articleToIndexDoc,
  createSearchIndex,
  type SearchIndex,
} from '../../store/search-index.ts';
import { formatPost } from '../../telegram/format.ts';
import { postLink } from '../../telegram/links.ts';
import { stripUnsafeChars } from '../../text/sanitize.ts';
import { parsePostRef } from './editor-refs.ts';
import { type Lang, textsFor } from './editor-texts.ts';
import { formatTime } from './editor-time.ts';

// The editors' desk: drafts, exact previews, publishing ahead of the backlog, review decisions,
// edits and deletions of channel posts, and the audit log. The bot's features and the publish
// conversation call these; every Redis and Bot API effect of the editor tools lives here.

export interface Editor {
  id: number;
  name: string;
  lang: Lang;
}

/** An editor as Telegram describes the user; the name is made safe to show. */
export function editorFrom(from: Pick<User, 'id' | 'first_name'> & Partial<User>): Editor {
  const full = [from.first_name, from.last_name].filter((x) => typeof x === 'string').join(' ');
  const name = stripUnsafeChars(full).replace(/\s+/g, ' ').trim().slice(0, 64);
  return {
    id: from.id,
    name: name || (from.username ? `@${from.username}` : String(from.id)),
    lang: from.language_code?.toLowerCase().startsWith('en') ? 'en' : 'ar',
  };
}

/**
 * new: built from a link or text, not stored yet. review: a stored article waiting for an
 * editor's decision. post: a posted article whose channel posts an edit will change.
 */
export type DraftKind = 'new' | 'review' | 'post';

export interface Draft {
  kind: DraftKind;
  article: Article & { seq?: number };
}

export type DraftError = FetchErrorCode | 'not-article' | 'internal';

export type DraftResult =
  | { ok: true; draftId: string }
  | { ok: false; error: DraftError; detail?: string };

export interface ReviewDecision {
  action: 'approve' | 'reject';
  by: number;
  name: string;
  at: string;
}

export type PublishOutcome =
  | { ok: true; articleId: string; at?: number }
  | { ok: false; reason: 'gone' | 'internal' }
  | { ok: false; reason: 'already-posted'; link: string }
  | { ok: false; reason: 'decided'; decision: ReviewDecision };

export type EditOutcome =
  | { ok: true; links: string[]; missing: string[]; failed: string[] }
  | { ok: false; reason: 'gone' | 'internal' };

export type UnpublishOutcome =
  | { ok: true; deleted: number; cancelled: number }
  | { ok: false; reason: 'not-published' | 'internal' }
  | { ok: false; reason: 'failed'; detail: string };

/** Where a message went: a chat (numeric or @name) and the message id. */
export interface MessageRef {
  chat: number | string;
  messageId: number;
}

interface PostWatch {
  to: number | string;
  lang: Lang;
  replyTo?: number;
}

export const MAX_TITLE = 300;
export const MAX_SUMMARY = 2000;
const MAX_SUMMARY_LINES = 10;
const REVIEW_TTL_SECONDS = 30 * 86_400;
const WATCH_TTL_SECONDS = 7 * 86_400;
const LINK_RE = /^https?:\/\/\S+$/i;

// Deletes a key only while it holds the given value (undoing our own claim, never another's).
const deleteIfEqual = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Retries a call Telegram answered with 429 after its retry_after, when that is short: an
 * editor's reply or preview should arrive a little late rather than not at all while the
 * workers post at the full rate. Longer waits are returned to the caller as they are.
 */
export function retryRateLimits(maxWaitMs = 10_000, tries = 3): Transformer {
  return async (prev, method, payload, signal) => {
    for (let i = 1; ; i++) {
      const res = await prev(method, payload, signal);
      if (res.ok || res.error_code !== 429 || i >= tries) return res;
      const waitMs = Math.max(1, res.parameters?.retry_after ?? 1) * 1000;
      if (waitMs > maxWaitMs) return res;
      await sleep(waitMs);
    }
  };
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A headline as an editor typed it → one safe line, or undefined when empty or too long. */
export function cleanTitle(input: string): string | undefined {
  const title = stripUnsafeChars(input).replace(/\s+/g, ' ').trim();
  return title === '' || title.length > MAX_TITLE ? undefined : title;
}

/** A summary as typed: one sentence (or more) per line → safe lines, or undefined. */
export function cleanSummary(input: string): string[] | undefined {
  const lines = stripUnsafeChars(input)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
  const total = lines.reduce((n, line) => n + line.length, 0);
  if (lines.length === 0 || lines.length > MAX_SUMMARY_LINES || total > MAX_SUMMARY) {
    return undefined;
  }
  return lines;
}

/** The same link preview choice as the channel post gets (jobs/publish-post.ts). */
function linkPreview(article: Article) {
  return article.url
    ? { url: article.url, prefer_small_media: true }
    : ({ is_disabled: true } as const);
}

/** The short, stable reference of a BullMQ job id for a button (ids may be too long for one). */
export function jobRef(jobId: string): string {
  return createHash('sha1').update(jobId).digest('hex').slice(0, 16);
}

export type DeskDeps = Pick<
  Services,
  | 'config'
  | 'logger'
  | 'redis'
  | 'keys'
  | 'api'
  | 'queues'
  | 'articles'
  | 'posts'
  | 'gate'
  | 'channels'
  | 'builder'
> & { search?: SearchIndex; audit?: AuditLog };

export function createEditorDesk(s: DeskDeps) {
  const { redis, keys, articles, posts, logger } = s;
  // Messages to editors (and review previews) wait out a short 429; edits of channel posts use
  // s.api and honour a 429 through the rate gate, which the workers' sends also obey.
  const api = new Api(s.api.token, s.api.options);
  api.config.use(retryRateLimits());
  const audit = s.audit ?? createAuditLog({ redis, keys });
  const search = s.search ?? createSearchIndex({ redis, keys });
  // Drafts outlive the conversation's timeout a little, so an expired one can still be named.
  const draftTtl = s.config.CONVERSATION_TIMEOUT_MINUTES * 120 + 3600;
  const fetchPolicy = {
    ...FETCH_DEFAULTS,
    userAgent: s.config.USER_AGENT,
    timeoutMs: s.config.FETCH_TIMEOUT_MS,
    accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
    allowPrivate: s.config.FETCH_ALLOW_PRIVATE,
    allowHosts: s.config.FETCH_ALLOW_HOSTS,
  };
  const time = (at: string | number | Date, lang: Lang) =>
    formatTime(new Date(at), { timeZone: s.config.TIME_ZONE, lang });

  // ---- drafts ------------------------------------------------------------------------------

  async function saveDraft(id: string, draft: Draft): Promise<void> {
    await redis.set(keys.draft(id), JSON.stringify(draft), 'EX', draftTtl);
  }

  async function getDraft(id: string): Promise<Draft | undefined> {
    const json = await redis.get(keys.draft(id));
    if (json === null) return undefined;
    try {
      const draft = JSON.parse(json) as Draft;
      return typeof draft.article?.id === 'string' ? draft : undefined;
    } catch {
      return undefined;
    }
  }

  async function newDraft(draft: Draft): Promise<string> {
    const id = randomBytes(9).toString('base64url');
    await saveDraft(id, draft);
    return id;
  }

  /** A link (fetched, with the SSRF guard) or pasted text → a new draft. */
  async function draftFromInput(input: string): Promise<DraftResult> {
    const text = stripUnsafeChars(input).trim();
    try {
      let article: Article;
      if (LINK_RE.test(text)) {
        const page = await safeFetch(text, fetchPolicy);
        const raw = rawFromInput(page.body, {
          url: page.url,
          contentType: page.contentType,
          sourceId: 'editor',
        });
        article = await s.builder.build(raw);
      } else {
        article = await s.builder.build(rawFromInput(text, { sourceId: 'editor' }));
      }
      return { ok: true, draftId: await newDraft({ kind: 'new', article }) };
    } catch (err) {
      if (err instanceof FetchError) {
        return {
          ok: false,
          error: err.code,
          ...(err.status !== undefined ? { detail: String(err.status) } : {}),
        };
      }
      if (err instanceof ArticleError) return { ok: false, error: 'not-article', detail: err.code };
      logger.error({ err: errorMessage(err) }, 'editor draft failed');
      return { ok: false, error: 'internal' };
    }
  }

  /** A stored article → a draft to edit: one in review, or one already posted. */
  async function draftFromStored(
    articleId: string,
    kind: 'review' | 'post',
  ): Promise<
    | { ok: true; draftId: string }
    | { ok: false; reason: 'gone' | 'not-published' }
    | { ok: false; reason: 'decided'; decision: ReviewDecision }
  > {
    const article = await articles.get(articleId);
    if (!article) return { ok: false, reason: 'gone' };
    if (kind === 'review') {
      const decision = await reviewDecision(articleId);
      if (decision) return { ok: false, reason: 'decided', decision };
    } else if ((await posts.list(articleId)).length === 0) {
      return { ok: false, reason: 'not-published' };
    }
    return { ok: true, draftId: await newDraft({ kind, article }) };
  }

  async function updateDraft(
    id: string,
    change: { title?: string; summary?: string[] },
  ): Promise<boolean> {
    const draft = await getDraft(id);
    if (!draft) return false;
    if (change.title !== undefined) draft.article.title = change.title;
    if (change.summary !== undefined) draft.article.summary = change.summary;
    await saveDraft(id, draft);
    return true;
  }

  async function dropDraft(id: string): Promise<void> {
    await redis.del(keys.draft(id));
  }

  // ---- messages ----------------------------------------------------------------------------

  /**
   * Sends `article` to `chat` exactly as the channel gets it (photo with caption, or text with
   * the same link preview), falling back the same way when Telegram refuses the photo or HTML.
   */
  async function sendPostLike(
    chat: number | string,
    article: Article,
    markup?: InlineKeyboardMarkup,
  ): Promise<Message> {
    const extra = markup ? { reply_markup: markup } : {};
    if (article.imageUrl) {
      const caption = formatPost(article, { caption: true });
      try {
        return await api.sendPhoto(chat, article.imageUrl, {
          caption: caption.html,
          parse_mode: 'HTML',
          ...extra,
        });
      } catch (err) {
        const kind = classifySendError(err).kind;
        if (kind === 'parse') {
          return await api.sendPhoto(chat, article.imageUrl, { caption: caption.plain, ...extra });
        }
        if (kind !== 'photo') throw err;
      }
    }
    const post = formatPost(article);
    try {
      return await api.sendMessage(chat, post.html, {
        parse_mode: 'HTML',
        link_preview_options: linkPreview(article),
        ...extra,
      });
    } catch (err) {
      if (classifySendError(err).kind !== 'parse') throw err;
      return await api.sendMessage(chat, post.plain, {
        link_preview_options: linkPreview(article),
        ...extra,
      });
    }
  }

  /** Sends the draft's exact preview with the given buttons. */
  async function sendDraftPreview(
    draftId: string,
    chat: number,
    markup: InlineKeyboardMarkup,
  ): Promise<{ ok: true; messageId: number } | { ok: false; reason: 'gone' | 'forbidden' }> {
    const draft = await getDraft(draftId);
    if (!draft) return { ok: false, reason: 'gone' };
    try {
      const message = await sendPostLike(chat, draft.article, markup);
      return { ok: true, messageId: message.message_id };
    } catch (err) {
      if (err instanceof GrammyError && err.error_code === 403) {
        return { ok: false, reason: 'forbidden' };
      }
      throw err;
    }
  }

  /** A plain-text message to an editor; false when it could not be sent (logged). */
  async function tell(chat: number | string, text: string): Promise<boolean> {
    try {
      await api.sendMessage(chat, text, { link_preview_options: { is_disabled: true } });
      return true;
    } catch (err) {
      logger.warn({ err: errorMessage(err) }, 'could not message an editor');
      return false;
    }
  }

  /** Takes the buttons off a message; a message already without them is fine. */
  async function stripButtons(chat: number | string, messageId: number): Promise<void> {
    try {
      await api.editMessageReplyMarkup(chat, messageId);
    } catch (err) {
      logger.debug({ err: errorMessage(err) }, 'could not remove buttons');
    }
  }

  /** Waits (bounded) for a send slot in a chat the workers also post to. */
  async function takeSlot(chat: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const admitted = await s.gate.admit(chat);
      if (admitted.ok || Date.now() + admitted.waitMs > deadline) return;
      await sleep(admitted.waitMs);
    }
  }

  function linkOf(post: Post): string {
    return postLink(post.chat, post.chatId, post.messageId) ?? `${post.chat}/${post.messageId}`;
  }

  // ---- publishing --------------------------------------------------------------------------

  async function watchPosts(articleId: string, watch: PostWatch, atMs?: number): Promise<void> {
    const key = keys.postWatch(articleId);
    const multi = redis.multi();
    for (const chat of s.channels) multi.hset(key, chat, JSON.stringify(watch));
    const ttl = WATCH_TTL_SECONDS + Math.max(0, Math.ceil(((atMs ?? 0) - Date.now()) / 1000));
    await multi.expire(key, ttl).exec();
  }

  async function record(
    action: AuditAction,
    editor: Editor,
    articleId: string | undefined,
    detail?: string,
  ): Promise<void> {
    await audit.record({
      action,
      by: editor.id,
      name: editor.name,
      ...(articleId ? { articleId } : {}),
      ...(detail ? { detail } : {}),
    });
  }

  /**
   * Stores the draft's article and posts it ahead of the backlog, now or at `atMs`. A review
   * draft is approved first, race-free: when another editor decided meanwhile, nothing is posted.
   */
  async function publishDraft(
    draftId: string,
    editor: Editor,
    atMs?: number,
  ): Promise<PublishOutcome> {
    try {
      const draft = await getDraft(draftId);
      if (!draft || draft.kind === 'post') return { ok: false, reason: 'gone' };
      const at = atMs === undefined ? undefined : new Date(atMs);
      let stored: StoredArticle;
      let decision: ReviewDecision | undefined;
      if (draft.kind === 'review') {
        const current = await articles.get(draft.article.id);
        if (!current) return { ok: false, reason: 'gone' };
        decision = { action: 'approve', by: editor.id, name: editor.name, at: nowIso() };
        const claim = await decideReview(draft.article.id, decision);
        if (!claim.ok) {
          await dropDraft(draftId);
          return { ok: false, reason: 'decided', decision: claim.decision };
        }
        stored = { ...current, title: draft.article.title, summary: draft.article.summary };
        await articles.save(stored);
      } else {
        const seq = await articles.nextSeq();
        stored = { ...draft.article, seq };
        if (!(await articles.create(stored))) {
          // The same link came in before (a feed, another editor): keep its place and record.
          const existing = await articles.get(stored.id);
          const posted = (await posts.list(stored.id))[0];
          if (posted) {
            await dropDraft(draftId);
            return { ok: false, reason: 'already-posted', link: linkOf(posted) };
          }
          stored = { ...stored, seq: existing?.seq ?? seq };
          await articles.save(stored);
        }
      }
      await watchPosts(stored.id, { to: editor.id, lang: editor.lang }, atMs);
      try {
        await publishStored(s, stored.id, at ? { at } : {});
      } catch (err) {
        if (decision) await undoDecision(stored.id, decision);
        throw err;
      }
      if (decision) {
        await record('approve', editor, stored.id, at ? `edited; ${at.toISOString()}` : 'edited');
        await showDecision(stored.id, decision);
      } else {
        await record(at ? 'schedule' : 'publish', editor, stored.id, at?.toISOString());
      }
      await dropDraft(draftId);
      return { ok: true, articleId: stored.id, ...(atMs !== undefined ? { at: atMs } : {}) };
    } catch (err) {
      logger.error({ err: errorMessage(err), draftId }, 'publishing a draft failed');
      return { ok: false, reason: 'internal' };
    }
  }

  /** The afterPost hook's part: tells whoever published the article where it is now. */
  async function notifyPosted(post: Post): Promise<void> {
    try {
      const key = keys.postWatch(post.articleId);
      const replies = await redis.multi().hget(key, post.chat).hdel(key, post.chat).exec();
      const json = replies?.[0]?.[1];
      if (typeof json !== 'string') return;
      const watch = JSON.parse(json) as PostWatch;
      const t = textsFor(watch.lang === 'en' ? 'en' : 'ar');
      const link = postLink(post.chat, post.chatId, post.messageId);
      await api.sendMessage(watch.to, link ? t.posted(link) : t.postedIn(post.chat), {
        link_preview_options: { is_disabled: true },
        ...(watch.replyTo
          ? { reply_parameters: { message_id: watch.replyTo, allow_sending_without_reply: true } }
          : {}),
      });
    } catch (err) {
      logger.warn({ err: errorMessage(err), articleId: post.articleId }, 'post notice failed');
    }
  }

  // ---- review ------------------------------------------------------------------------------

  function reviewKeyboard(articleId: string, lang: Lang): InlineKeyboardMarkup {
    const t = textsFor(lang);
    return {
      inline_keyboard: [
        [
          { text: t.btnApprove, callback_data: `rv:ok:${articleId}` },
          { text: t.btnEdit, callback_data: `rv:ed:${articleId}` },
          { text: t.btnReject, callback_data: `rv:no:${articleId}` },
        ],
      ],
    };
  }

  function decisionLine(decision: ReviewDecision, lang: Lang): string {
    const t = textsFor(lang);
    const when = time(decision.at, lang);
    return decision.action === 'approve'
      ? t.approvedBy(decision.name, when)
      : t.rejectedBy(decision.name, when);
  }

  function decidedText(decision: ReviewDecision, lang: Lang): string {
    const t = textsFor(lang);
    const when = time(decision.at, lang);
    return decision.action === 'approve'
      ? t.alreadyApproved(decision.name, when)
      : t.alreadyRejected(decision.name, when);
  }

  async function reviewDecision(articleId: string): Promise<ReviewDecision | undefined> {
    const json = await redis.get(keys.reviewDecision(articleId));
    if (json === null) return undefined;
    try {
      return JSON.parse(json) as ReviewDecision;
    } catch {
      return undefined;
    }
  }

  /** The first decision wins (SET NX); a later one gets the decision already taken. */
  async function decideReview(
    articleId: string,
    decision: ReviewDecision,
  ): Promise<{ ok: true } | { ok: false; decision: ReviewDecision }> {
    const key = keys.reviewDecision(articleId);
    const set = await redis.set(key, JSON.stringify(decision), 'EX', REVIEW_TTL_SECONDS, 'NX');
    if (set === 'OK') return { ok: true };
    return { ok: false, decision: (await reviewDecision(articleId)) ?? decision };
  }

  async function undoDecision(articleId: string, decision: ReviewDecision): Promise<void> {
    await deleteIfEqual(redis, [keys.reviewDecision(articleId)], [JSON.stringify(decision)]);
  }

  async function reviewMessages(articleId: string): Promise<MessageRef[]> {
    const json = await redis.get(keys.reviewMessage(articleId));
    if (json === null) return [];
    try {
      const refs = JSON.parse(json) as MessageRef[];
      return Array.isArray(refs) ? refs : [];
    } catch {
      return [];
    }
  }

  /** Replaces the review buttons with who decided and when, on every copy of the preview. */
  async function showDecision(articleId: string, decision: ReviewDecision): Promise<void> {
    const markup: InlineKeyboardMarkup = {
      inline_keyboard: [
        [{ text: decisionLine(decision, 'ar'), callback_data: `rv:st:${articleId}` }],
      ],
    };
    for (const ref of await reviewMessages(articleId)) {
      try {
        await api.editMessageReplyMarkup(ref.chat, ref.messageId, { reply_markup: markup });
      } catch (err) {
        logger.debug({ err: errorMessage(err), articleId }, 'could not show the review decision');
      }
    }
  }

  /**
   * The sendToReview hook (runs in the articles worker): the exact preview with Approve, Edit
   * and Reject goes to the editors' chat, or to each EDITOR_IDS user when there is none. A
   * re-run job finds the preview already sent and sends nothing.
   */
  async function sendToReview(article: StoredArticle): Promise<void> {
    if ((await redis.exists(keys.reviewMessage(article.id))) === 1) return;
    const targets = s.config.EDITORS_CHAT_ID ? [s.config.EDITORS_CHAT_ID] : s.config.EDITOR_IDS;
    if (targets.length === 0) {
      logger.error(
        { articleId: article.id },
        'article marked for review, but neither EDITORS_CHAT_ID nor EDITOR_IDS is set',
      );
      return;
    }
    const sent: MessageRef[] = [];
    for (const chat of targets) {
      await takeSlot(chat);
      try {
        const message = await sendPostLike(chat, article, reviewKeyboard(article.id, 'ar'));
        sent.push({ chat: message.chat.id, messageId: message.message_id });
      } catch (err) {
        const failure = classifySendError(err);
        if (failure.kind === 'rate') await s.gate.penalize(chat, failure.retryAfterMs);
        // One editor who never opened the bot must not keep the others from the draft.
        if (sent.length === 0 && chat === targets[targets.length - 1]) throw err;
        logger.warn({ err: errorMessage(err), chat }, 'could not send a review preview');
      }
    }
    await redis.set(keys.reviewMessage(article.id), JSON.stringify(sent), 'EX', REVIEW_TTL_SECONDS);
  }

  /** Approve or Reject pressed under a review preview (`where`). */
  async function decide(
    articleId: string,
    action: 'approve' | 'reject',
    editor: Editor,
    where: MessageRef,
  ): Promise<
    | { ok: true }
    | { ok: false; reason: 'gone' | 'internal' }
    | { ok: false; reason: 'decided'; decision: ReviewDecision }
  > {
    try {
      if (!(await articles.get(articleId))) return { ok: false, reason: 'gone' };
      const decision: ReviewDecision = { action, by: editor.id, name: editor.name, at: nowIso() };
      const claim = await decideReview(articleId, decision);
      if (!claim.ok) {
        await showDecision(articleId, claim.decision);
        return { ok: false, reason: 'decided', decision: claim.decision };
      }
      if (action === 'approve') {
        await watchPosts(articleId, {
          to: where.chat,
          lang: editor.lang,
          replyTo: where.messageId,
        });
        try {
          await publishStored(s, articleId);
        } catch (err) {
          await undoDecision(articleId, decision);
          throw err;
        }
      }
      await record(action, editor, articleId);
      await showDecision(articleId, decision);
      return { ok: true };
    } catch (err) {
      logger.error({ err: errorMessage(err), articleId }, 'review decision failed');
      return { ok: false, reason: 'internal' };
    }
  }

  // ---- posted articles ---------------------------------------------------------------------

  /** A post link or article id → the article id, when we posted it (or stored it, for an id). */
  async function resolveRef(input: string): Promise<string | undefined> {
    const ref = parsePostRef(input);
    if (!ref) return undefined;
    if (ref.kind === 'article') {
      return (await articles.get(ref.articleId)) ? ref.articleId : undefined;
    }
    // Usernames are case-insensitive; posts are recorded under the configured spelling.
    const chats = new Set([ref.chat]);
    for (const chat of s.channels) {
      if (chat.toLowerCase() === ref.chat.toLowerCase()) chats.add(chat);
    }
    for (const chat of chats) {
      const id = await posts.findByMessage(chat, ref.messageId);
      if (id) return id;
    }
    return undefined;
  }

  /** Edits every channel post of the draft's article in place, then the store and the index. */
  async function saveDraftToPosts(draftId: string, editor: Editor): Promise<EditOutcome> {
    try {
      const draft = await getDraft(draftId);
      const current = draft?.kind === 'post' ? await articles.get(draft.article.id) : undefined;
      if (!draft || !current) return { ok: false, reason: 'gone' };
      const article: StoredArticle = {
        ...current,
        title: draft.article.title,
        summary: draft.article.summary,
      };
      await articles.save(article);
      const links: string[] = [];
      const missing: string[] = [];
      const failed: string[] = [];
      const list = await posts.list(article.id);
      for (const post of list) {
        const result = await editPost(post, article);
        if (result === 'ok') links.push(linkOf(post));
        else if (result === 'missing') missing.push(post.chat);
        else failed.push(`${post.chat}: ${result.error}`);
      }
      const first = list
        .map((p) => Date.parse(p.sentAt))
        .filter(Number.isFinite)
        .sort((a, b) => a - b)[0];
      if (links.length > 0) await search.add(articleToIndexDoc(article, first ?? Date.now()));
      await record('edit', editor, article.id, links.join(' '));
      await dropDraft(draftId);
      return { ok: true, links, missing, failed };
    } catch (err) {
      logger.error({ err: errorMessage(err), draftId }, 'editing posts failed');
      return { ok: false, reason: 'internal' };
    }
  }

  async function editPost(
    post: Post,
    article: Article,
  ): Promise<'ok' | 'missing' | { error: string }> {
    const attempt = async () => {
      await takeSlot(post.chat);
      if (post.kind === 'photo') {
        const caption = formatPost(article, { caption: true });
        await s.api.editMessageCaption(post.chatId, post.messageId, {
          caption: caption.html,
          parse_mode: 'HTML',
        });
      } else {
        const formatted = formatPost(article);
        await s.api.editMessageText(
          post.chatId,
          post.messageId,
          post.kind === 'plain' ? formatted.plain : formatted.html,
          {
            ...(post.kind === 'plain' ? {} : { parse_mode: 'HTML' as const }),
            link_preview_options: linkPreview(article),
          },
        );
      }
    };
    for (let tries = 0; ; tries++) {
      try {
        await attempt();
        return 'ok';
      } catch (err) {
        if (err instanceof GrammyError) {
          if (/message is not modified/i.test(err.description)) return 'ok';
          if (/message to edit not found/i.test(err.description)) return 'missing';
        }
        const failure = classifySendError(err);
        if (failure.kind === 'rate' && tries === 0 && failure.retryAfterMs <= 10_000) {
          await s.gate.penalize(post.chat, failure.retryAfterMs);
          continue;
        }
        return { error: 'reason' in failure ? failure.reason : errorMessage(err) };
      }
    }
  }

  /** Scheduled 'publish' jobs of an article that have not run yet. */
  async function scheduledJobs(articleId: string) {
    const delayed = await s.queues.articles.getDelayed(0, 999);
    return delayed.filter(
      (job) =>
        job?.name === 'publish' && 'articleId' in job.data && job.data.articleId === articleId,
    );
  }

  /**
   * Deletes every channel post of an article and takes it out of search; a post already gone
   * (deleted by hand) counts as deleted. An article not posted yet loses its scheduled posts.
   */
  async function unpublish(articleId: string, editor: Editor): Promise<UnpublishOutcome> {
    try {
      let cancelled = 0;
      for (const job of await scheduledJobs(articleId)) {
        await job.remove();
        cancelled++;
      }
      const list = await posts.list(articleId);
      if (list.length === 0) {
        if (cancelled === 0) return { ok: false, reason: 'not-published' };
        await record('cancel-schedule', editor, articleId);
        return { ok: true, deleted: 0, cancelled };
      }
      const failures: string[] = [];
      let deleted = 0;
      for (const post of list) {
        try {
          await s.api.deleteMessage(post.chatId, post.messageId);
        } catch (err) {
          if (
            !(err instanceof GrammyError && /message to delete not found/i.test(err.description))
          ) {
            failures.push(`${post.chat}: ${errorMessage(err)}`);
            continue;
          }
        }
        await posts.remove(post);
        deleted++;
      }
      if (deleted > 0) {
        await record('unpublish', editor, articleId, list.map(linkOf).join(' '));
      }
      if (failures.length > 0) return { ok: false, reason: 'failed', detail: failures.join('; ') };
      await search.remove(articleId);
      // The after-post record says "indexed"; gone with the posts, so a republish indexes again.
      await redis.del(keys.postHook(articleId));
      return { ok: true, deleted, cancelled };
    } catch (err) {
      logger.error({ err: errorMessage(err), articleId }, 'unpublish failed');
      return { ok: false, reason: 'internal' };
    }
  }

  return {
    audit,
    search,
    time,
    draftFromInput,
    draftFromStored,
    updateDraft,
    dropDraft,
    getDraft,
    sendDraftPreview,
    stripButtons,
    tell,
    publishDraft,
    notifyPosted,
    sendToReview,
    reviewDecision,
    decide,
    decidedText,
    decisionLine,
    resolveRef,
    saveDraftToPosts,
    unpublish,
    record,
  };
}

function nowIso(): string {
  return new Date().toISOString();
}

export type EditorDesk = ReturnType<typeof createEditorDesk>;
