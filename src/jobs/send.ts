import { type Api, GrammyError, type Transformer } from 'grammy';
import type { Message } from 'grammy/types';
import type { Article } from '../article/types.ts';
import type { Logger } from '../logger.ts';
import type { Post } from '../store/posts.ts';
import type { RateGate } from '../store/rate-gate.ts';
import { parseTargetKey } from '../store/routes.ts';
import { formatPost } from '../telegram/format.ts';
import { startLink } from '../telegram/links.ts';
import { followPayload, mainTopic } from '../telegram/topic.ts';
import { classifySendError } from './telegram-errors.ts';

// The one place that sends, edits or deletes a channel post, and the post-like previews editors
// see: the photo → text and HTML → plain fallbacks and the link-preview choice are written here
// once. Callers get plain data back (no grammY types), so the editorial service stays grammY-free.

/** Inline buttons: rows of { text, callback_data }. */
export type Buttons = { text: string; callback_data: string }[][];

/** Where a message went: a chat (numeric or @name) and the message id. */
export interface MessageRef {
  chat: number | string;
  messageId: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A short 429 is waited out (at most `maxWaitMs`, `tries` attempts in all); longer ones are not. */
const SHORT_RETRY = { maxWaitMs: 10_000, tries: 3 };

/** The link preview a channel post gets: the article's page, small; none without a URL. */
export function linkPreview(article: Pick<Article, 'url'>) {
  return article.url
    ? { url: article.url, prefer_small_media: true }
    : ({ is_disabled: true } as const);
}

/**
 * Retries a call Telegram answered with 429 after its retry_after, when that is short: an
 * editor's reply or preview should arrive a little late rather than not at all while the
 * workers post at the full rate. Longer waits are returned to the caller as they are.
 */
export function retryRateLimits(
  maxWaitMs = SHORT_RETRY.maxWaitMs,
  tries = SHORT_RETRY.tries,
): Transformer {
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

/** retryRateLimits for one call on a shared client (a transformer would change every call). */
async function patiently<T>(call: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof GrammyError) || err.error_code !== 429 || i >= SHORT_RETRY.tries) {
        throw err;
      }
      const waitMs = Math.max(1, err.parameters.retry_after ?? 1) * 1000;
      if (waitMs > SHORT_RETRY.maxWaitMs) throw err;
      await sleep(waitMs);
    }
  }
}

/**
 * One attempt at a channel post, as the job asks: HTML or `plain`, photo unless `noPhoto`. The
 * posts worker turns each failure into a job delay or a new job shape (jobs/publish-post.ts).
 */
export async function sendPostOnce(
  api: Api,
  target: string,
  article: Article,
  opts: { plain?: boolean; noPhoto?: boolean },
  button?: FollowButton,
): Promise<{ message: Message; kind: Post['kind'] }> {
  const photo = article.imageUrl && !opts.noPhoto ? article.imageUrl : undefined;
  const formatted = formatPost(article, { caption: photo !== undefined });
  const kind: Post['kind'] = opts.plain ? 'plain' : photo ? 'photo' : 'text';
  // A target is a chat or a forum topic ("chat/thread", store/routes.ts).
  const { chat, thread } = parseTargetKey(target);
  const html = {
    ...(opts.plain ? {} : ({ parse_mode: 'HTML' } as const)),
    ...(thread === undefined ? {} : { message_thread_id: thread }),
  };
  const body = opts.plain ? formatted.plain : formatted.html;
  const markup = button ? { reply_markup: { inline_keyboard: [[button]] } } : {};
  const message = photo
    ? await api.sendPhoto(chat, photo, { caption: body, ...html, ...markup })
    : await api.sendMessage(chat, body, {
        ...html,
        link_preview_options: linkPreview(article),
        ...markup,
      });
  return { message, kind };
}

/** A URL button under a channel post. */
export interface FollowButton {
  text: string;
  url: string;
}

const FOLLOW_LABEL = '🔔 تابع';

/**
 * The optional follow button under channel posts (POST_FOLLOW_BUTTON): a deep link to the bot
 * carrying the post's article (telegram/topic.ts), labelled with its main topic. The bot's
 * username comes from one getMe per process; without it, posts go out without the button.
 */
export function createFollowButton(
  api: Api,
  enabled: boolean,
): (article: Article) => Promise<FollowButton | undefined> {
  let username: Promise<string | undefined> | undefined;
  return async (article) => {
    if (!enabled) return undefined;
    const topic = mainTopic(article);
    const payload = followPayload(article.id);
    if (!topic || !payload) return undefined;
    username ??= api.getMe().then(
      (me) => me.username,
      () => {
        username = undefined;
        return undefined;
      },
    );
    const bot = await username;
    const url = bot ? startLink(bot, payload) : undefined;
    return url ? { text: `${FOLLOW_LABEL}: ${topic}`, url } : undefined;
  };
}

export type EditResult = 'ok' | 'missing' | { error: string };

export interface Sender {
  /**
   * Sends `article` to `chat` exactly as the channel gets it (photo with caption, or text with
   * the same link preview), falling back the same way when Telegram refuses the photo or HTML.
   * A short 429 is waited out. `paced`: take a slot of the chat's rate bucket first (a chat the
   * workers also post to) and push the gate back on a 429. Throws what Telegram answered.
   */
  sendPreview(
    chat: number | string,
    article: Article,
    opts?: { buttons?: Buttons; paced?: boolean },
  ): Promise<MessageRef & { chat: number }>;
  /** Replaces a channel post's text or caption in place; an unchanged post counts as done. */
  editPost(post: Post, article: Article): Promise<EditResult>;
  /** Deletes a channel post; one already deleted by hand is 'missing'. */
  deletePost(post: Post): Promise<EditResult>;
}

export function createSender({
  api,
  gate,
  config,
}: {
  api: Api;
  gate: RateGate;
  /** POST_FOLLOW_BUTTON: an edit sends the follow button again (an edit without it drops it). */
  config?: { POST_FOLLOW_BUTTON?: boolean };
}): Sender {
  const followButton = createFollowButton(api, config?.POST_FOLLOW_BUTTON === true);
  /** Waits (bounded) for a send slot in a chat the workers also post to. */
  async function takeSlot(chat: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const admitted = await gate.admit(chat);
      if (admitted.ok || Date.now() + admitted.waitMs > deadline) return;
      await sleep(admitted.waitMs);
    }
  }

  async function sendPostLike(
    chat: number | string,
    article: Article,
    buttons: Buttons | undefined,
  ): Promise<Message> {
    const extra = buttons ? { reply_markup: { inline_keyboard: buttons } } : {};
    if (article.imageUrl) {
      const photo = article.imageUrl;
      const caption = formatPost(article, { caption: true });
      try {
        return await patiently(() =>
          api.sendPhoto(chat, photo, { caption: caption.html, parse_mode: 'HTML', ...extra }),
        );
      } catch (err) {
        const kind = classifySendError(err).kind;
        if (kind === 'parse') {
          return await patiently(() =>
            api.sendPhoto(chat, photo, { caption: caption.plain, ...extra }),
          );
        }
        if (kind !== 'photo') throw err;
      }
    }
    const post = formatPost(article);
    const preview = { link_preview_options: linkPreview(article), ...extra };
    try {
      return await patiently(() =>
        api.sendMessage(chat, post.html, { parse_mode: 'HTML', ...preview }),
      );
    } catch (err) {
      if (classifySendError(err).kind !== 'parse') throw err;
      return await patiently(() => api.sendMessage(chat, post.plain, preview));
    }
  }

  async function editOnce(post: Post, article: Article): Promise<void> {
    const button = await followButton(article);
    const markup = button ? { reply_markup: { inline_keyboard: [[button]] } } : {};
    await takeSlot(post.chat);
    if (post.kind === 'photo') {
      const caption = formatPost(article, { caption: true });
      await api.editMessageCaption(post.chatId, post.messageId, {
        caption: caption.html,
        parse_mode: 'HTML',
        ...markup,
      });
      return;
    }
    const formatted = formatPost(article);
    await api.editMessageText(
      post.chatId,
      post.messageId,
      post.kind === 'plain' ? formatted.plain : formatted.html,
      {
        ...(post.kind === 'plain' ? {} : { parse_mode: 'HTML' as const }),
        link_preview_options: linkPreview(article),
        ...markup,
      },
    );
  }

  return {
    async sendPreview(chat, article, opts = {}) {
      if (opts.paced) await takeSlot(String(chat));
      try {
        const message = await sendPostLike(chat, article, opts.buttons);
        return { chat: message.chat.id, messageId: message.message_id };
      } catch (err) {
        const failure = classifySendError(err);
        if (opts.paced && failure.kind === 'rate') {
          await gate.penalize(String(chat), failure.retryAfterMs);
        }
        throw err;
      }
    },

    async editPost(post, article) {
      for (let tries = 0; ; tries++) {
        try {
          await editOnce(post, article);
          return 'ok';
        } catch (err) {
          if (err instanceof GrammyError) {
            if (/message is not modified/i.test(err.description)) return 'ok';
            if (/message to edit not found/i.test(err.description)) return 'missing';
          }
          const failure = classifySendError(err);
          // One short 429 is waited out through the gate the workers' sends also obey.
          if (failure.kind === 'rate' && tries === 0 && failure.retryAfterMs <= 10_000) {
            await gate.penalize(post.chat, failure.retryAfterMs);
            continue;
          }
          return { error: 'reason' in failure ? failure.reason : errorMessage(err) };
        }
      }
    },

    async deletePost(post) {
      try {
        await api.deleteMessage(post.chatId, post.messageId);
        return 'ok';
      } catch (err) {
        if (err instanceof GrammyError && /message to delete not found/i.test(err.description)) {
          return 'missing';
        }
        return { error: errorMessage(err) };
      }
    },
  };
}

/** Plain-text messages to editors and the buttons under them. Never throws (logs instead). */
export interface Messenger {
  /** A plain-text message (no link preview), optionally as a reply; false when not sent. */
  tell(chat: number | string, text: string, opts?: { replyTo?: number }): Promise<boolean>;
  /** Sets the buttons under a message, or takes them off (`buttons` absent); false when not. */
  setButtons(chat: number | string, messageId: number, buttons?: Buttons): Promise<boolean>;
}

export function createMessenger({ api, logger }: { api: Api; logger: Logger }): Messenger {
  return {
    async tell(chat, text, opts = {}) {
      try {
        await patiently(() =>
          api.sendMessage(chat, text, {
            link_preview_options: { is_disabled: true },
            ...(opts.replyTo
              ? {
                  reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true },
                }
              : {}),
          }),
        );
        return true;
      } catch (err) {
        logger.warn({ err: errorMessage(err) }, 'could not message an editor');
        return false;
      }
    },

    async setButtons(chat, messageId, buttons) {
      try {
        await patiently(() =>
          api.editMessageReplyMarkup(
            chat,
            messageId,
            buttons ? { reply_markup: { inline_keyboard: buttons } } : undefined,
          ),
        );
        return true;
      } catch (err) {
        // A message already without them (or deleted) is fine.
        logger.debug({ err: errorMessage(err) }, 'could not change buttons');
        return false;
      }
    },
  };
}
