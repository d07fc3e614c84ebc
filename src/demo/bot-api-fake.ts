import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  BotCommand,
  CallbackQuery,
  Chat,
  ChatMember,
  ChatMemberAdministrator,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  PhotoSize,
  Update,
  User,
  UserFromGetMe,
} from 'grammy/types';
import { parseTelegramHtml, TelegramHtmlError } from './telegram-html.ts';

/**
 * A strict, in-process Telegram Bot API on 127.0.0.1 for tests. The bot talks real HTTP to it
 * (grammY `client.apiRoot`); tests inject updates and faults and read back what each chat shows.
 * Error descriptions are the Bot API's own (tdlib/telegram-bot-api Client.cpp); where the fake
 * invents one (nested blockquote, unsupported features) the text says so.
 */

/** A sliding-window limit: at most `max` counted requests in any `windowMs`. */
export interface RateLimit {
  max: number;
  windowMs: number;
}
export type RateScope = 'chat' | 'global';

export interface BotApiFakeOptions {
  /** Default '123456:TEST-token_abcdefghijklmnopqrstuvwxyz0123456'. */
  token?: string;
  bot?: { id: number; username: string; first_name: string };
  /** Per channel or group. Telegram documents 20 messages per minute; default 20 per 60_000 ms. */
  chatRate?: RateLimit;
  /**
   * Per private chat. Telegram's FAQ says "avoid sending more than one message per second",
   * with short bursts tolerated; default 3 per 3_000 ms (1/s on average, a burst of 3).
   */
  privateRate?: RateLimit;
  /** Across all chats. Telegram documents about 30 messages per second; default 30 per 1_000 ms. */
  globalRate?: RateLimit;
  /** retry_after in seconds from the wait until a slot frees; default ceil(waitMs / 1000), at least 1. */
  retryAfterSeconds?: (waitMs: number, scope: RateScope) => number;
}

export interface AdminSpec {
  userId: number;
  status: 'creator' | 'administrator';
  canPostMessages?: boolean;
}
export interface ChannelSpec {
  id: number;
  username?: string;
  title: string;
  botIsAdmin?: boolean;
  canPost?: boolean;
  admins?: AdminSpec[];
}
export interface GroupSpec {
  id: number;
  username?: string;
  title: string;
  botIsMember?: boolean;
  botIsAdmin?: boolean;
  admins?: AdminSpec[];
  /** A forum supergroup (is_forum): messages may go to its topics (message_thread_id). */
  isForum?: boolean;
}
export interface UserSpec {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** One earlier state of an edited message. */
export interface MessageVersion {
  text?: string;
  caption?: string;
  entities: MessageEntity[];
  html?: string;
  parse_mode?: string;
  reply_markup?: InlineKeyboardMarkup;
}

/** A message that went through the Bot API (sent by the bot, or posted via the bot). */
export interface FakeMessage extends MessageVersion {
  message_id: number;
  chat_id: number;
  date: number;
  /** The bot, or the user who posted an inline result. */
  from: User;
  /** Photo URL or file_id as sent. */
  photo?: string;
  link_preview_options?: Record<string, unknown>;
  edit_history: MessageVersion[];
  edit_date?: number;
  deleted: boolean;
  via_bot?: User;
  /** The forum topic it was sent to. */
  message_thread_id?: number;
}

export interface RequestRecord {
  method: string;
  params: Record<string, unknown>;
  /** HTTP status, or 0 when the fake dropped the connection without answering. */
  status: number;
  at: number;
}

export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert: boolean;
  url?: string;
}

export interface InlineAnswer {
  inline_query_id: string;
  results: Record<string, unknown>[];
  next_offset: string;
  cache_time?: number;
  is_personal: boolean;
}

export type FaultKind =
  | 'http500'
  | 'http502'
  | 'rateLimit'
  | 'timeout'
  | 'lostResponse'
  | 'networkReset'
  | 'apiError';
export interface Fault {
  method?: string;
  chatId?: number | string;
  kind: FaultKind;
  /** For 'apiError': the error Telegram answers with (default 400 "Bad Request: can't parse entities: ..."). */
  errorCode?: number;
  description?: string;
  /** For 'rateLimit': the retry_after to answer (default 1). */
  retryAfter?: number;
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** Delay before acting; for 'timeout', how long to hold before dropping the connection. */
  delayMs?: number;
}

export interface FakeStats {
  sent: number;
  edited: number;
  deleted: number;
  tooManyRequests: Record<RateScope, number>;
  serverErrors: number;
  /** Requests that arrived before a retry_after deadline the fake gave for their scope. */
  earlyRetries: number;
}

type Params = Record<string, string>;
type Handler = (p: Params, res: ServerResponse) => unknown;

interface ChatRecord {
  chat: Chat;
  botIsMember: boolean;
  botIsAdmin: boolean;
  canPost: boolean;
  admins: AdminSpec[];
  started: boolean;
  blocked: boolean;
  nextMessageId: number;
  /** Ids of messages people sent (the bot may reply to or delete them, not edit them). */
  incoming: Set<number>;
  /** Forum topics by message_thread_id → name. */
  topics: Map<number, string>;
}

interface Content {
  text: string;
  entities: MessageEntity[];
  html: string;
  parse_mode?: string;
}

interface StoredInlineAnswer extends InlineAnswer {
  query: string;
  contents: Map<string, { content?: Content; photo?: string; markup?: InlineKeyboardMarkup }>;
}

/** One POST of an update to a webhook target (see BotApiFake.deliverWebhookTo). */
export interface WebhookDelivery {
  update_id: number;
  target: string;
  /** HTTP status, or 0 when the request failed (connection refused, reset, timed out). */
  status: number;
  /** True for a test's explicit postWebhook(), false for the fake's own delivery. */
  manual: boolean;
}

interface Webhook {
  url: string;
  secret?: string;
  maxConnections: number;
  /** update_id → delivery state of a pending update that was tried at least once. */
  tries: Map<number, { inFlight: boolean; wakeAt: number; delayMs: number }>;
  inFlight: number;
  lastError?: string;
  timer?: NodeJS.Timeout;
}

interface HeldPoll {
  limit: number;
  timer: NodeJS.Timeout;
  resolve: (updates: Update[]) => void;
  reject: (error: ApiError) => void;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

const bad = (description: string): ApiError => new ApiError(400, `Bad Request: ${description}`);
const CHAT_NOT_FOUND = 'chat not found';
const QUERY_TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';
const DEFAULT_TOKEN = '123456:TEST-token_abcdefghijklmnopqrstuvwxyz0123456';
const DEFAULT_EXCLUDED_UPDATES = ['chat_member', 'message_reaction', 'message_reaction_count'];
const CHAT_ACTIONS = new Set(
  'typing upload_photo record_video upload_video record_voice upload_voice upload_document choose_sticker find_location record_video_note upload_video_note'.split(
    ' ',
  ),
);
const BUTTON_KINDS =
  'url callback_data switch_inline_query switch_inline_query_current_chat switch_inline_query_chosen_chat copy_text web_app login_url callback_game pay'.split(
    ' ',
  );
const SIMPLE_ENTITY_TYPES =
  'mention hashtag cashtag bot_command url email phone_number bold italic underline strikethrough spoiler blockquote expandable_blockquote code'.split(
    ' ',
  );
const isSimpleEntityType = (t: string): t is MessageEntity.CommonMessageEntity['type'] =>
  SIMPLE_ENTITY_TYPES.includes(t);
const MAX_BODY_BYTES = 10 * 1024 * 1024;

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Telegram's webhook queue of an update: its chat (or sender); updates without one queue alone. */
function webhookQueueOf(update: Update): string {
  for (const [key, value] of Object.entries(update)) {
    if (key === 'update_id' || !isRecord(value)) continue;
    const message = isRecord(value.message) ? value.message : undefined;
    const chat = isRecord(value.chat)
      ? value.chat
      : isRecord(message?.chat)
        ? message.chat
        : undefined;
    const from = isRecord(value.from) ? value.from : undefined;
    const id = chat?.id ?? from?.id;
    if (typeof id === 'number') return String(id);
  }
  return `u${update.update_id}`;
}

/** td::to_integer: leading digits, 0 when there are none. */
function toInt(raw: string | undefined): number {
  const n = Number.parseInt(raw ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}
const toBool = (raw: string | undefined): boolean => /^(true|yes|1)$/i.test(raw ?? '');

function parseJson(raw: string | undefined, what: string): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw bad(`can't parse ${what} JSON object`);
  }
}

/** tdlib's fix_formatted_text trimming: spaces and newlines at the end, and at the start up to the first entity. */
function trimContent(
  text: string,
  entities: MessageEntity[],
): { text: string; entities: MessageEntity[] } {
  const blank = (ch: string | undefined): boolean => ch === ' ' || ch === '\n';
  let end = text.length;
  while (end > 0 && blank(text[end - 1])) end--;
  if (end === 0) return { text: '', entities: [] };
  const kept = entities
    .filter((e) => e.offset < end)
    .map((e) => (e.offset + e.length > end ? { ...e, length: end - e.offset } : e));
  const firstEntity = Math.min(end, ...kept.map((e) => e.offset));
  let start = 0;
  while (start < firstEntity && blank(text[start])) start++;
  return {
    text: text.slice(start, end),
    entities: kept.map((e) => (start > 0 ? { ...e, offset: e.offset - start } : e)),
  };
}

/** A message text or caption as the Bot API checks it: parse mode, trimming, length limits. */
function parseContent(
  raw: string | undefined,
  parseModeRaw: string | undefined,
  entitiesRaw: unknown,
  kind: 'text' | 'caption',
): Content {
  const html = raw ?? '';
  if (kind === 'text' && html === '') throw bad('message text is empty');
  if (byteLength(html) > 1 << 15) throw bad('text is too long');
  const parseMode = parseModeRaw?.toLowerCase() ?? '';
  let parsed: { text: string; entities: MessageEntity[] };
  if (html !== '' && parseMode === 'html') {
    try {
      parsed = parseTelegramHtml(html);
    } catch (error) {
      if (error instanceof TelegramHtmlError) throw new ApiError(400, error.message);
      throw error;
    }
  } else if (html !== '' && parseMode !== '' && parseMode !== 'none') {
    throw bad(
      parseMode === 'markdown' || parseMode === 'markdownv2'
        ? 'the fake supports parse_mode HTML only'
        : 'unsupported parse_mode',
    );
  } else {
    parsed = { text: html, entities: parseEntities(entitiesRaw, html.length) };
  }
  const trimmed = trimContent(parsed.text, parsed.entities);
  if (kind === 'text' && trimmed.text === '') throw bad('message text is empty');
  if (kind === 'text' && trimmed.text.length > 4096) throw bad('message is too long');
  if (kind === 'caption' && trimmed.text.length > 1024) throw bad('message caption is too long');
  return {
    text: trimmed.text,
    entities: trimmed.entities,
    html,
    ...(parseModeRaw ? { parse_mode: parseModeRaw } : {}),
  };
}

/** Explicit `entities` (no parse_mode): shape and bounds only. */
function parseEntities(raw: unknown, textLength: number): MessageEntity[] {
  const value = typeof raw === 'string' ? parseJson(raw, 'entities') : raw;
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad("can't parse entities JSON object");
  return value.map((e): MessageEntity => {
    if (!isRecord(e) || typeof e.type !== 'string') {
      throw bad('can\'t parse MessageEntity: Can\'t find field "type"');
    }
    const { type, offset, length } = e;
    if (typeof offset !== 'number' || typeof length !== 'number' || offset < 0 || length < 0) {
      throw bad('can\'t parse MessageEntity: Field "offset" must be a valid Number');
    }
    if (offset + length > textLength) {
      throw bad(`entity beginning at UTF-16 offset ${offset} ends after the end of the text`);
    }
    if (type === 'text_link' && typeof e.url === 'string')
      return { type, offset, length, url: e.url };
    if (type === 'pre') {
      return {
        type,
        offset,
        length,
        ...(typeof e.language === 'string' ? { language: e.language } : {}),
      };
    }
    if (!isSimpleEntityType(type))
      throw bad(`the fake does not support entity type "${type}" here`);
    return { type, offset, length };
  });
}

/** reply_markup as the Bot API validates an inline keyboard; other keyboards pass and are not kept. */
function parseReplyMarkup(raw: string | undefined): InlineKeyboardMarkup | undefined {
  if (raw === undefined || raw === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw bad("can't parse reply keyboard markup JSON object");
  }
  if (!isRecord(value)) throw bad('object expected as reply markup');
  const rows = value.inline_keyboard;
  if (rows === undefined) return undefined;
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  for (const row of rows as unknown[][]) {
    for (const button of row) {
      if (!isRecord(button))
        throw bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      if (typeof button.text !== 'string') {
        throw bad('can\'t parse inline keyboard button: Can\'t find field "text"');
      }
      const kind = BUTTON_KINDS.find((k) => button[k] !== undefined && button[k] !== '');
      if (kind === undefined) throw bad('text buttons are unallowed in the inline keyboard');
      const data = button.callback_data;
      if (kind === 'callback_data' && (typeof data !== 'string' || byteLength(data) > 64)) {
        throw bad('BUTTON_DATA_INVALID');
      }
      if (
        kind === 'url' &&
        (typeof button.url !== 'string' || !/^(https?|tg):\/\/\S+$/i.test(button.url))
      ) {
        throw bad('BUTTON_URL_INVALID');
      }
    }
  }
  if (rows.length === 0) return undefined;
  return { inline_keyboard: rows as InlineKeyboardMarkup['inline_keyboard'] };
}

function toParams(value: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    out[key] = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

function adminMember(
  user: User,
  canPost: boolean | undefined,
  channel: boolean,
): ChatMemberAdministrator {
  return {
    status: 'administrator',
    user,
    can_be_edited: false,
    is_anonymous: false,
    can_manage_chat: true,
    can_delete_messages: true,
    can_manage_video_chats: true,
    can_restrict_members: true,
    can_promote_members: false,
    can_change_info: true,
    can_invite_users: true,
    can_send_welcome_messages: false,
    can_post_stories: channel,
    can_edit_stories: channel,
    can_delete_stories: channel,
    ...(channel
      ? { can_post_messages: canPost ?? true, can_edit_messages: true }
      : { can_pin_messages: true }),
  };
}

/** See the file comment; create one with `startBotApiFake`. */
export class BotApiFake {
  /** Every request in arrival order; `status` is filled in when it is answered. */
  readonly requests: RequestRecord[] = [];
  /** The answer the bot gave to each callback query id; absent = not answered. */
  readonly callbackAnswers = new Map<string, CallbackAnswer>();
  /** The last answer for each inline query id. */
  readonly inlineAnswers = new Map<string, InlineAnswer>();
  /** Counters since start or the last reset(). */
  readonly stats: FakeStats = BotApiFake.zeroStats();
  /** The getMe answer; pass it as grammY's `botInfo` so the bot skips getMe at start. */
  readonly botInfo: UserFromGetMe;
  /** The one token the fake accepts; any other gets 401. */
  readonly token: string;
  /** 'http://127.0.0.1:<port>', for grammY's `client.apiRoot`. */
  apiRoot = '';

  private readonly server: Server;
  private readonly chats = new Map<number, ChatRecord>();
  private readonly users = new Map<number, User>();
  private readonly handlers = new Map<string, { name: string; fn: Handler }>();
  private sent: FakeMessage[] = [];
  private updates: Update[] = [];
  private nextUpdateId = 1000;
  private nextQueryId = 1;
  private nextFileId = 1;
  private allowedUpdates: string[] = [];
  private poll: HeldPoll | undefined;
  private webhook: Webhook | undefined;
  private webhookTargets: string[] = [];
  private nextTarget = 0;
  private readonly webhookAborts = new Set<AbortController>();
  /** Every webhook POST, in the order answered. */
  readonly webhookDeliveries: WebhookDelivery[] = [];
  private faults: (Fault & { remaining: number })[] = [];
  private windows = new Map<string, number[]>();
  private deadlines = new Map<string, number>();
  private pendingCallbacks = new Set<string>();
  private storedInline = new Map<string, StoredInlineAnswer>();
  private commands = new Map<string, BotCommand[]>();
  private readonly held = new Set<ServerResponse>();
  private readonly limits: { chat: RateLimit; private: RateLimit; global: RateLimit };
  private readonly retryAfterSeconds: (waitMs: number, scope: RateScope) => number;

  constructor(options: BotApiFakeOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    const bot = options.bot ?? {
      id: 123456,
      username: 'newsbot_test_bot',
      first_name: 'Newsbot Test',
    };
    this.botInfo = {
      ...bot,
      is_bot: true,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: true,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.limits = {
      chat: options.chatRate ?? { max: 20, windowMs: 60_000 },
      private: options.privateRate ?? { max: 3, windowMs: 3_000 },
      global: options.globalRate ?? { max: 30, windowMs: 1_000 },
    };
    this.retryAfterSeconds =
      options.retryAfterSeconds ?? ((waitMs) => Math.max(1, Math.ceil(waitMs / 1000)));
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.stats.serverErrors++;
        this.reply(res, undefined, new ApiError(500, `Internal Server Error: ${String(error)}`));
      });
    });
    // No idle timeout: a server closing a keep-alive socket as grammY reuses it gives spurious resets.
    this.server.keepAliveTimeout = 0;
    this.registerMethods();
  }

  /** Listens on 127.0.0.1 with a random port and sets `apiRoot`. */
  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Requests that arrived before a retry_after deadline the fake gave for their scope. */
  get earlyRetries(): number {
    return this.stats.earlyRetries;
  }

  // ---- chats ------------------------------------------------------------------------------

  /** A channel; the bot is an admin that can post unless told otherwise. */
  addChannel(spec: ChannelSpec): void {
    const chat: Chat = {
      id: spec.id,
      type: 'channel',
      title: spec.title,
      ...(spec.username ? { username: spec.username } : {}),
    };
    const botIsAdmin = spec.botIsAdmin ?? true;
    this.addChat(chat, {
      botIsMember: botIsAdmin,
      botIsAdmin,
      canPost: spec.canPost ?? true,
      admins: spec.admins ?? [],
    });
  }

  /** A supergroup; the bot is a plain member unless told otherwise. */
  addGroup(spec: GroupSpec): void {
    const chat: Chat = {
      id: spec.id,
      type: 'supergroup',
      title: spec.title,
      ...(spec.username ? { username: spec.username } : {}),
      ...(spec.isForum ? { is_forum: true as const } : {}),
    };
    const botIsAdmin = spec.botIsAdmin ?? false;
    this.addChat(chat, {
      botIsMember: spec.botIsMember ?? true,
      botIsAdmin,
      canPost: true,
      admins: spec.admins ?? [],
    });
  }

  /** A known user. Their private chat accepts messages only after they "sent" something. */
  addUser(spec: UserSpec): User {
    const user: User = { ...this.users.get(spec.id), ...spec, is_bot: false };
    this.users.set(spec.id, user);
    const existing = this.chats.get(spec.id);
    const chat: Chat = {
      id: spec.id,
      type: 'private',
      first_name: spec.first_name,
      ...(spec.last_name ? { last_name: spec.last_name } : {}),
      ...(spec.username ? { username: spec.username } : {}),
    };
    if (existing) existing.chat = chat;
    else this.addChat(chat, { botIsMember: true, botIsAdmin: false, canPost: true, admins: [] });
    return user;
  }

  /** The user blocks the bot: a my_chat_member update, then 403 on every send to them. */
  blockUser(userId: number): void {
    this.myChatMember(userId, 'kicked');
  }

  private addChat(
    chat: Chat,
    rights: Pick<ChatRecord, 'botIsMember' | 'botIsAdmin' | 'canPost' | 'admins'>,
  ): void {
    if (!Number.isSafeInteger(chat.id))
      throw new Error(`chat id must be an integer, got ${chat.id}`);
    this.chats.set(chat.id, {
      chat,
      ...rights,
      started: false,
      blocked: false,
      nextMessageId: 1,
      incoming: new Set(),
      topics: new Map(),
    });
  }

  /**
   * A topic in a forum supergroup, as someone created it; returns its message_thread_id (as in
   * Telegram, the id of the topic's service message).
   */
  addForumTopic(chatId: number, name: string): number {
    const rec = this.chats.get(chatId);
    if (rec?.chat.type !== 'supergroup' || !rec.chat.is_forum)
      throw new Error(`addForumTopic: ${chatId} is not a forum supergroup`);
    const thread = rec.nextMessageId++;
    rec.topics.set(thread, name);
    return thread;
  }

  /** A topic is deleted: sends to it then fail with "message thread not found". */
  deleteForumTopic(chatId: number, thread: number): void {
    this.chats.get(chatId)?.topics.delete(thread);
  }

  // ---- reading back -----------------------------------------------------------------------

  /** Messages that went through the Bot API into this chat, oldest first (deleted ones flagged). */
  messages(chatId: number | string): FakeMessage[] {
    const id = this.findChat(String(chatId))?.chat.id;
    return this.sent.filter((m) => m.chat_id === id);
  }

  /** Every message that went through the Bot API, in order, across chats. */
  allMessages(): FakeMessage[] {
    return [...this.sent];
  }

  /** Polls `predicate` every 10 ms; throws a clear error after `timeoutMs` (default 10 s). */
  async waitFor(
    predicate: () => boolean,
    opts: { timeoutMs?: number; message?: string } = {},
  ): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (performance.now() > deadline) {
        const recent = this.requests.slice(-5).map((r) => `${r.method} → ${r.status}`);
        throw new Error(
          `waitFor: ${opts.message ?? 'condition'} not met within ${timeoutMs} ms; last requests: ${recent.join(', ') || 'none'}`,
        );
      }
      await sleep(10);
    }
  }

  /** Waits until `count` messages went into the chat and returns them all. */
  async waitForMessages(
    chatId: number | string,
    count: number,
    opts: { timeoutMs?: number } = {},
  ): Promise<FakeMessage[]> {
    await this.waitFor(() => this.messages(chatId).length >= count, {
      ...opts,
      message: `${count} message(s) in chat ${chatId} (have ${this.messages(chatId).length})`,
    });
    return this.messages(chatId);
  }

  /** Waits for the bot's answer to an inline query. */
  async waitForInlineAnswer(
    inlineQueryId: string,
    opts: { timeoutMs?: number } = {},
  ): Promise<InlineAnswer> {
    await this.waitFor(() => this.inlineAnswers.has(inlineQueryId), {
      ...opts,
      message: `an answer to inline query ${inlineQueryId}`,
    });
    return this.inlineAnswers.get(inlineQueryId)!;
  }

  // ---- injecting updates ------------------------------------------------------------------

  /** Queues any update; returns it with its update_id. */
  pushUpdate(raw: Omit<Update, 'update_id'>): Update {
    const update: Update = { ...raw, update_id: this.nextUpdateId++ };
    this.updates.push(update);
    if (this.webhook) {
      this.pumpWebhook();
      return update;
    }
    const poll = this.poll;
    if (poll) {
      const ready = this.takeUpdates(poll.limit);
      if (ready.length > 0) poll.resolve(ready);
    }
    return update;
  }

  /** A private message from a user (which opens, or unblocks, their chat with the bot). */
  userSends(from: UserSpec, text: string, extra: Partial<Omit<Message, 'chat'>> = {}): Message {
    const user = this.addUser(from);
    const rec = this.chats.get(user.id)!;
    rec.started = true;
    rec.blocked = false;
    // Like Telegram, a leading /command (optionally @bot) gets a bot_command entity.
    const command = /^\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\p{L}\p{N}_/<>])/u.exec(text);
    const chat = rec.chat;
    if (chat.type !== 'private') throw new Error(`userSends: ${user.id} is not a user`);
    const message: Message & Update.NonChannel = {
      message_id: rec.nextMessageId++,
      from: user,
      chat,
      date: nowSeconds(),
      text,
      ...(command
        ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }
        : {}),
      ...extra,
    };
    rec.incoming.add(message.message_id);
    this.pushUpdate({ message });
    return message;
  }

  /**
   * Opens a t.me link the way a Telegram client does. A deep link to this bot
   * (https://t.me/<bot>?start=<payload>) starts the private chat with "/start <payload>"; the
   * payload must be 1–64 characters of A–Z, a–z, 0–9, _ and - (https://core.telegram.org/bots/features#deep-linking).
   * Any other link (another bot, a bad payload, not t.me) throws: a test should not rely on it.
   */
  openLink(from: UserSpec, url: string): Message {
    const m = /^https:\/\/t\.me\/([A-Za-z][A-Za-z0-9_]{3,31})\?start=([^&#]*)$/.exec(url);
    if (!m) throw new Error(`openLink: not a bot deep link: ${url}`);
    if (m[1]?.toLowerCase() !== this.botInfo.username.toLowerCase())
      throw new Error(`openLink: ${url} opens another bot`);
    const payload = m[2] ?? '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(payload))
      throw new Error(`openLink: Telegram would not pass the start parameter of ${url}`);
    return this.userSends(from, `/start ${payload}`);
  }

  /**
   * The owner gives a channel or group a public username, renames it, or (undefined) makes it
   * private. Telegram sends the bot no update for this; getChat and later updates show it.
   */
  setChatUsername(chatId: number, username: string | undefined): void {
    const rec = this.chats.get(chatId);
    if (!rec || rec.chat.type === 'private') throw new Error(`setChatUsername: no chat ${chatId}`);
    if (username !== undefined && !/^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(username))
      throw new Error(`setChatUsername: invalid username ${username}`);
    const { username: _old, ...rest } = rec.chat as Chat & { username?: string };
    rec.chat = (username === undefined ? rest : { ...rest, username }) as Chat;
  }

  /** The user forwards a channel post to the bot; text comes from the stored post or `origin.text`. */
  userForwards(
    from: UserSpec,
    origin: { chatId: number | string; messageId?: number; text?: string },
  ): Message {
    const channel = this.findChat(String(origin.chatId));
    if (channel?.chat.type !== 'channel')
      throw new Error(`userForwards: unknown channel ${origin.chatId}`);
    const chat = channel.chat;
    const post = this.sent.find(
      (m) => m.chat_id === channel.chat.id && m.message_id === origin.messageId,
    );
    const text = post?.text ?? post?.caption ?? origin.text;
    if (text === undefined)
      throw new Error('userForwards: give origin.text or the id of a stored post');
    const messageId = origin.messageId ?? channel.nextMessageId++;
    return this.userSends(from, text, {
      forward_origin: {
        type: 'channel',
        chat,
        message_id: messageId,
        date: post?.date ?? nowSeconds(),
      },
      entities: post?.entities ?? [],
    });
  }

  /** A user presses an inline button the bot sent; returns the callback query id. */
  pressButton(
    from: UserSpec,
    message: { chat_id: number; message_id: number },
    data: string,
  ): string {
    const user = this.addUser(from);
    const target = this.sent.find(
      (m) => m.chat_id === message.chat_id && m.message_id === message.message_id,
    );
    const rec = this.chats.get(message.chat_id);
    if (!target || !rec || target.deleted)
      throw new Error(`pressButton: no message ${message.message_id} in chat ${message.chat_id}`);
    const buttons = target.reply_markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => 'callback_data' in b && b.callback_data === data)) {
      const have = buttons.map((b) => ('callback_data' in b ? b.callback_data : `(${b.text})`));
      throw new Error(
        `pressButton: no button with data ${JSON.stringify(data)}; buttons: ${JSON.stringify(have)}`,
      );
    }
    const id = String(4_000_000_000 + this.nextQueryId++);
    const callbackQuery: CallbackQuery = {
      id,
      from: user,
      message: this.toApiMessage(target),
      chat_instance: String(rec.chat.id),
      data,
    };
    this.pendingCallbacks.add(id);
    this.pushUpdate({ callback_query: callbackQuery });
    return id;
  }

  /** A user types "@bot query"; returns the inline query id. */
  inlineQuery(from: UserSpec, query: string, offset = ''): string {
    if (query.length > 256) throw new Error('inlineQuery: Telegram sends at most 256 characters');
    const user = this.addUser(from);
    const id = String(4_000_000_000 + this.nextQueryId++);
    this.storedInline.set(id, {
      inline_query_id: id,
      results: [],
      next_offset: '',
      is_personal: false,
      query,
      contents: new Map(),
    });
    this.pushUpdate({ inline_query: { id, from: user, query, offset, chat_type: 'sender' } });
    return id;
  }

  /** The user picks a result: its message is posted into `chatId` via the bot, and chosen_inline_result is sent. */
  chooseInlineResult(
    from: UserSpec,
    inlineQueryId: string,
    resultId: string,
    chatId: number | string,
  ): FakeMessage {
    const user = this.addUser(from);
    const stored = this.storedInline.get(inlineQueryId);
    const picked = stored?.contents.get(resultId);
    if (!stored || !picked)
      throw new Error(
        `chooseInlineResult: query ${inlineQueryId} has no answered result ${resultId}`,
      );
    const rec = this.findChat(String(chatId));
    if (!rec) throw new Error(`chooseInlineResult: unknown chat ${chatId}`);
    const content = picked.content ?? { text: '', entities: [], html: '' };
    const message = this.store(rec, user, {
      ...(picked.photo
        ? { photo: picked.photo, caption: content.text || undefined }
        : { text: content.text }),
      entities: content.entities,
      html: content.html,
      ...(content.parse_mode ? { parse_mode: content.parse_mode } : {}),
      ...(picked.markup ? { reply_markup: picked.markup } : {}),
      via_bot: this.botInfo,
    });
    this.pushUpdate({
      chosen_inline_result: { result_id: resultId, from: user, query: stored.query },
    });
    return message;
  }

  /** Someone else posts in a channel; the bot gets channel_post only while it is an admin. */
  channelPost(
    chatId: number | string,
    text: string,
    extra: Partial<Omit<Message, 'chat'>> = {},
  ): Message {
    const rec = this.findChat(String(chatId));
    const chat = rec?.chat;
    if (!rec || chat?.type !== 'channel') throw new Error(`channelPost: unknown channel ${chatId}`);
    const post: Message & Update.Channel = {
      message_id: rec.nextMessageId++,
      sender_chat: chat,
      chat,
      date: nowSeconds(),
      text,
      ...extra,
    };
    rec.incoming.add(post.message_id);
    if (rec.botIsAdmin) this.pushUpdate({ channel_post: post });
    return post;
  }

  /** The bot's status changes in a chat (promoted, demoted, removed, blocked); updates rights and emits my_chat_member. */
  myChatMember(
    chatId: number | string,
    status: 'administrator' | 'member' | 'left' | 'kicked',
    opts: { from?: UserSpec; canPostMessages?: boolean } = {},
  ): Update {
    const rec = this.findChat(String(chatId));
    if (!rec) throw new Error(`myChatMember: unknown chat ${chatId}`);
    const oldMember = this.botMember(rec);
    const active = status === 'administrator' || status === 'member';
    if (rec.chat.type === 'private') {
      rec.blocked = !active;
      if (active) rec.started = true;
    } else {
      rec.botIsMember = active && (rec.chat.type !== 'channel' || status === 'administrator');
      rec.botIsAdmin = status === 'administrator';
      if (status === 'administrator') rec.canPost = opts.canPostMessages ?? true;
    }
    const fromId = opts.from?.id ?? rec.admins[0]?.userId ?? rec.chat.id;
    const from = opts.from ? this.addUser(opts.from) : this.userInfo(fromId);
    return this.pushUpdate({
      my_chat_member: {
        chat: rec.chat,
        from,
        date: nowSeconds(),
        old_chat_member: oldMember,
        new_chat_member: this.botMember(rec),
      },
    });
  }

  // ---- faults and lifecycle ---------------------------------------------------------------

  /** The next matching request(s) fail the given way. */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  // ---- webhook delivery --------------------------------------------------------------------

  /**
   * Where webhook updates really go. The bot registers an https URL, which a test cannot serve;
   * each origin given here (http://127.0.0.1:PORT) stands for it, taking the URL's path, and
   * deliveries go to them round-robin, as a load balancer in front of several instances would.
   */
  deliverWebhookTo(origins: string[]): void {
    this.webhookTargets = [...origins];
    this.pumpWebhook();
  }

  /**
   * A test's own POST of an update to the next target (or `target`): a re-delivery of an update
   * already delivered, or a forged request. `secret` undefined sends the registered secret; null
   * sends no header. Returns the HTTP status (0 when the request failed).
   */
  async postWebhook(
    update: Update,
    opts: { secret?: string | null; target?: string } = {},
  ): Promise<number> {
    const hook = this.webhook;
    if (!hook) throw new Error('postWebhook: no webhook is set');
    const secret = opts.secret === undefined ? hook.secret : (opts.secret ?? undefined);
    const target = opts.target ?? this.takeTarget();
    if (target === undefined) throw new Error('postWebhook: call deliverWebhookTo first');
    const status = await this.postUpdate(hook, target, update, secret);
    this.webhookDeliveries.push({ update_id: update.update_id, target, status, manual: true });
    return status;
  }

  /** Waits until every update was acknowledged by a webhook target with a 2xx. */
  async waitForWebhookIdle(opts: { timeoutMs?: number } = {}): Promise<void> {
    await this.waitFor(() => this.webhook !== undefined && this.updates.length === 0, {
      ...opts,
      message: `webhook deliveries done (${this.updates.length} pending)`,
    });
  }

  /** Removes all faults not yet used up. */
  clearFaults(): void {
    this.faults = [];
  }

  /** Drops messages, updates, faults, answers, commands, limits and counters; keeps chats and users. */
  reset(): void {
    this.sent = [];
    this.updates = [];
    this.faults = [];
    this.requests.length = 0;
    this.callbackAnswers.clear();
    this.inlineAnswers.clear();
    this.pendingCallbacks.clear();
    this.storedInline.clear();
    this.commands.clear();
    this.windows.clear();
    this.deadlines.clear();
    this.clearWebhook();
    this.webhookDeliveries.length = 0;
    for (const rec of this.chats.values()) rec.incoming.clear();
    Object.assign(this.stats, BotApiFake.zeroStats());
  }

  /** Ends held polls (empty result), drops held connections and stops the server. */
  async close(): Promise<void> {
    this.clearWebhook();
    for (const abort of this.webhookAborts) abort.abort();
    this.poll?.resolve([]);
    // Let the held poll's empty answer go out before the connections are cut.
    await new Promise((resolve) => setImmediate(resolve));
    for (const res of this.held) res.destroy();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private static zeroStats(): FakeStats {
    return {
      sent: 0,
      edited: 0,
      deleted: 0,
      tooManyRequests: { chat: 0, global: 0 },
      serverErrors: 0,
      earlyRetries: 0,
    };
  }

  // ---- HTTP -------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]*)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!match) return this.reply(res, undefined, new ApiError(404, 'Not Found'));
    const record: RequestRecord = { method: match[2] ?? '', params: {}, status: 0, at: Date.now() };
    this.requests.push(record);
    if (match[1] !== this.token) return this.reply(res, record, new ApiError(401, 'Unauthorized'));
    const handler = this.handlers.get(record.method.toLowerCase());
    if (!handler) return this.reply(res, record, new ApiError(404, 'Not Found'));
    record.method = handler.name;

    let params: Params;
    try {
      record.params = await readParams(req, url);
      params = toParams(record.params);
    } catch (error) {
      return this.reply(res, record, error instanceof ApiError ? error : bad(String(error)));
    }

    const fault = this.takeFault(handler.name, params);
    if (fault?.kind === 'timeout') {
      // Never answered: the client's own timeout (or close()) ends it.
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      if (fault.delayMs !== undefined) setTimeout(() => res.destroy(), fault.delayMs).unref();
      return;
    }
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.kind === 'networkReset') return void req.socket.destroy();
    if (fault?.kind === 'http500' || fault?.kind === 'http502') {
      this.stats.serverErrors++;
      if (fault.kind === 'http500')
        return this.reply(res, record, new ApiError(500, 'Internal Server Error'));
      record.status = 502;
      res.writeHead(502, { 'content-type': 'text/html' });
      return void res.end(
        '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.18.0</center></body></html>\r\n',
      );
    }
    if (fault?.kind === 'apiError') {
      const description =
        fault.description ??
        'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0';
      return this.reply(res, record, new ApiError(fault.errorCode ?? 400, description));
    }
    if (fault?.kind === 'rateLimit') {
      const chat = this.findChat(params.chat_id);
      const retryAfter = fault.retryAfter ?? 1;
      return this.reply(
        res,
        record,
        this.recordTooMany(
          chat ? 'chat' : 'global',
          chat ? `chat:${chat.chat.id}` : 'global',
          retryAfter,
        ),
      );
    }

    let result: unknown;
    let error: ApiError | undefined;
    try {
      result = await handler.fn(params, res);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      error = e;
    }
    if (fault?.kind === 'lostResponse') return void req.socket.destroy();
    this.reply(res, record, error, result);
  }

  private reply(
    res: ServerResponse,
    record: RequestRecord | undefined,
    error?: ApiError,
    result?: unknown,
  ): void {
    const status = error?.code ?? 200;
    if (record) record.status = res.destroyed ? 0 : status;
    if (res.headersSent || res.destroyed) return;
    const body = error
      ? {
          ok: false,
          error_code: error.code,
          description: error.description,
          ...(error.retryAfter !== undefined
            ? { parameters: { retry_after: error.retryAfter } }
            : {}),
        }
      : { ok: true, result };
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private takeFault(method: string, params: Params): Fault | undefined {
    const chatId = this.findChat(params.chat_id)?.chat.id;
    const fault = this.faults.find(
      (f) =>
        (f.method === undefined || f.method.toLowerCase() === method.toLowerCase()) &&
        (f.chatId === undefined ||
          (chatId !== undefined && this.findChat(String(f.chatId))?.chat.id === chatId)),
    );
    if (fault && --fault.remaining <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    return fault;
  }

  // ---- rate limits ------------------------------------------------------------------------

  /** Counts a message-changing request against the chat and global windows, or throws 429. */
  private admit(rec: ChatRecord): void {
    const now = performance.now();
    const chatKey = `chat:${rec.chat.id}`;
    for (const [key, scope] of [
      [chatKey, 'chat'],
      ['global', 'global'],
    ] as const) {
      const deadline = this.deadlines.get(key);
      if (deadline !== undefined && now < deadline) {
        // An early retry is refused again with the time still left; the deadline stays.
        const left = Math.ceil((deadline - now) / 1000);
        this.stats.earlyRetries++;
        this.stats.tooManyRequests[scope]++;
        throw new ApiError(429, `Too Many Requests: retry after ${left}`, left);
      }
    }
    const chatLimit = rec.chat.type === 'private' ? this.limits.private : this.limits.chat;
    for (const [key, scope, limit] of [
      [chatKey, 'chat', chatLimit],
      ['global', 'global', this.limits.global],
    ] as const) {
      const window = (this.windows.get(key) ?? []).filter((t) => t > now - limit.windowMs);
      this.windows.set(key, window);
      const oldest = window[window.length - limit.max];
      if (oldest !== undefined) {
        throw this.recordTooMany(
          scope,
          key,
          this.retryAfterSeconds(oldest + limit.windowMs - now, scope),
        );
      }
    }
    this.windows.get(chatKey)?.push(now);
    this.windows.get('global')?.push(now);
  }

  private recordTooMany(scope: RateScope, key: string, retryAfter: number): ApiError {
    this.deadlines.set(key, performance.now() + retryAfter * 1000);
    this.stats.tooManyRequests[scope]++;
    return new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
  }

  // ---- chats and messages -----------------------------------------------------------------

  /** chat_id as a number, numeric string or @username (public channels and groups). */
  private findChat(raw: string | undefined): ChatRecord | undefined {
    if (raw === undefined || raw === '') return undefined;
    if (raw.startsWith('@')) {
      const name = raw.slice(1).toLowerCase();
      return [...this.chats.values()].find(
        (r) => r.chat.type !== 'private' && r.chat.username?.toLowerCase() === name,
      );
    }
    return this.chats.get(toInt(raw));
  }

  private requireChat(raw: string | undefined): ChatRecord {
    if (raw === undefined || raw === '') throw bad('chat_id is empty');
    const rec = this.findChat(raw);
    if (!rec) throw bad(CHAT_NOT_FOUND);
    return rec;
  }

  /** The checks Telegram makes before the bot may post or edit in a chat. */
  private checkWrite(rec: ChatRecord): void {
    if (rec.chat.type === 'private') {
      if (rec.blocked) throw new ApiError(403, 'Forbidden: bot was blocked by the user');
      if (!rec.started)
        throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
    } else if (rec.chat.type === 'channel') {
      if (!rec.botIsAdmin)
        throw new ApiError(403, 'Forbidden: bot is not a member of the channel chat');
      if (!rec.canPost) throw bad('need administrator rights in the channel chat');
    } else if (!rec.botIsMember) {
      throw new ApiError(403, 'Forbidden: bot is not a member of the supergroup chat');
    }
  }

  private store(
    rec: ChatRecord,
    from: User,
    content: Omit<
      FakeMessage,
      'message_id' | 'chat_id' | 'date' | 'from' | 'edit_history' | 'deleted'
    >,
  ): FakeMessage {
    const message: FakeMessage = {
      message_id: rec.nextMessageId++,
      chat_id: rec.chat.id,
      date: nowSeconds(),
      from,
      ...content,
      edit_history: [],
      deleted: false,
    };
    this.sent.push(message);
    return message;
  }

  private toApiMessage(m: FakeMessage): Message {
    const rec = this.chats.get(m.chat_id)!;
    const fileId = m.photo ?? '';
    const photo: PhotoSize[] = [
      {
        file_id: `${fileId}s`,
        file_unique_id: `u${m.message_id}s`,
        width: 90,
        height: 60,
        file_size: 1500,
      },
      {
        file_id: fileId,
        file_unique_id: `u${m.message_id}`,
        width: 1280,
        height: 853,
        file_size: 120_000,
      },
    ];
    return {
      message_id: m.message_id,
      date: m.date,
      chat: rec.chat,
      ...(rec.chat.type === 'channel' && !m.via_bot ? { sender_chat: rec.chat } : { from: m.from }),
      ...(m.photo !== undefined
        ? { photo, ...(m.caption ? { caption: m.caption, caption_entities: m.entities } : {}) }
        : { text: m.text ?? '', ...(m.entities.length ? { entities: m.entities } : {}) }),
      ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
      ...(m.via_bot ? { via_bot: m.via_bot } : {}),
      ...(m.message_thread_id !== undefined
        ? { message_thread_id: m.message_thread_id, is_topic_message: true as const }
        : {}),
      ...(m.edit_date ? { edit_date: m.edit_date } : {}),
    };
  }

  private userInfo(id: number): User {
    return this.users.get(id) ?? { id, is_bot: false, first_name: `User ${id}` };
  }

  private botMember(rec: ChatRecord): ChatMember {
    const user = this.botInfo;
    if (rec.chat.type === 'private')
      return rec.blocked ? { status: 'kicked', user, until_date: 0 } : { status: 'member', user };
    if (rec.botIsAdmin) return adminMember(user, rec.canPost, rec.chat.type === 'channel');
    return rec.botIsMember ? { status: 'member', user } : { status: 'left', user };
  }

  private member(rec: ChatRecord, userId: number): ChatMember {
    if (userId === this.botInfo.id) return this.botMember(rec);
    const user = this.userInfo(userId);
    const admin = rec.admins.find((a) => a.userId === userId);
    if (admin?.status === 'creator') return { status: 'creator', user, is_anonymous: false };
    if (admin) return adminMember(user, admin.canPostMessages, rec.chat.type === 'channel');
    if (rec.chat.type === 'private') return { status: 'member', user };
    return rec.chat.type === 'channel' ? { status: 'left', user } : { status: 'member', user };
  }

  /** The bot's own message for edit/delete, or the Bot API's error. */
  private findOwnMessage(
    p: Params,
    what: 'edit' | 'delete',
  ): { rec: ChatRecord; message: FakeMessage } {
    const rec = this.requireChat(p.chat_id);
    const id = toInt(p.message_id);
    if (id <= 0) throw bad('message identifier is not specified');
    const message = this.sent.find(
      (m) => m.chat_id === rec.chat.id && m.message_id === id && !m.deleted,
    );
    if (message) return { rec, message };
    if (what === 'edit' && rec.incoming.has(id)) throw bad("message can't be edited");
    throw bad(`message to ${what} not found`);
  }

  private edit(p: Params, change: (m: FakeMessage) => Partial<MessageVersion>): Message {
    const { rec, message } = this.findOwnMessage(p, 'edit');
    const before: MessageVersion = {
      entities: message.entities,
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.caption !== undefined ? { caption: message.caption } : {}),
      ...(message.html !== undefined ? { html: message.html } : {}),
      ...(message.parse_mode !== undefined ? { parse_mode: message.parse_mode } : {}),
      ...(message.reply_markup ? { reply_markup: message.reply_markup } : {}),
    };
    const after = { ...before, reply_markup: undefined, ...change(message) };
    if (
      after.text === before.text &&
      after.caption === before.caption &&
      sameJson(after.entities, before.entities) &&
      sameJson(after.reply_markup, before.reply_markup)
    ) {
      throw bad(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    this.checkWrite(rec);
    this.admit(rec);
    message.edit_history.push(before);
    Object.assign(message, after, { edit_date: nowSeconds() });
    if (after.reply_markup === undefined) delete message.reply_markup;
    this.stats.edited++;
    return this.toApiMessage(message);
  }

  /** message_thread_id: only a forum's existing topics (Telegram: 400 "message thread not found"). */
  private threadOf(rec: ChatRecord, p: Params): number | undefined {
    if (p.message_thread_id === undefined || p.message_thread_id === '') return undefined;
    const thread = toInt(p.message_thread_id);
    if (!rec.topics.has(thread)) throw bad('message thread not found');
    return thread;
  }

  private checkReplyTarget(rec: ChatRecord, p: Params): void {
    const reply = parseJson(p.reply_parameters, 'reply parameters');
    const target = isRecord(reply) ? Number(reply.message_id) : toInt(p.reply_to_message_id);
    const allowMissing =
      (isRecord(reply) && reply.allow_sending_without_reply === true) ||
      toBool(p.allow_sending_without_reply);
    if (!target || allowMissing) return;
    const exists =
      rec.incoming.has(target) ||
      this.sent.some((m) => m.chat_id === rec.chat.id && m.message_id === target && !m.deleted);
    if (!exists) throw bad('message to be replied not found');
  }

  private send(p: Params, content: Content, photo?: string): Message {
    const rec = this.requireChat(p.chat_id);
    const markup = parseReplyMarkup(p.reply_markup);
    const preview = parseJson(p.link_preview_options, 'link preview options');
    if (preview !== undefined && !isRecord(preview))
      throw bad('object expected as link preview options');
    this.checkWrite(rec);
    const thread = this.threadOf(rec, p);
    this.checkReplyTarget(rec, p);
    this.admit(rec);
    const message = this.store(rec, this.botInfo, {
      ...(thread === undefined ? {} : { message_thread_id: thread }),
      ...(photo !== undefined
        ? { photo, ...(content.text ? { caption: content.text } : {}) }
        : { text: content.text }),
      entities: content.entities,
      html: content.html,
      ...(content.parse_mode ? { parse_mode: content.parse_mode } : {}),
      ...(markup ? { reply_markup: markup } : {}),
      ...(isRecord(preview) ? { link_preview_options: preview } : {}),
    });
    this.stats.sent++;
    return this.toApiMessage(message);
  }

  // ---- updates ----------------------------------------------------------------------------

  private clearWebhook(): void {
    if (this.webhook?.timer) clearTimeout(this.webhook.timer);
    this.webhook = undefined;
  }

  private takeTarget(): string | undefined {
    if (this.webhookTargets.length === 0) return undefined;
    return this.webhookTargets[this.nextTarget++ % this.webhookTargets.length];
  }

  /**
   * Telegram's WebhookActor: updates are queued per chat; only the oldest pending update of a
   * chat is sent, and the chat's next one only after a 2xx; up to max_connections at once. A
   * non-2xx or a failed request is retried after a doubling delay (from 20 ms instead of
   * Telegram's 1 s, up to 1 s, to keep tests fast).
   */
  private pumpWebhook(): void {
    const hook = this.webhook;
    if (!hook || this.webhookTargets.length === 0) return;
    this.takeUpdates(Number.POSITIVE_INFINITY);
    const now = Date.now();
    const seen = new Set<string>();
    let nextWake = Number.POSITIVE_INFINITY;
    for (const update of this.updates) {
      const queue = webhookQueueOf(update);
      if (seen.has(queue)) continue;
      seen.add(queue);
      const state = hook.tries.get(update.update_id);
      if (state?.inFlight) continue;
      if (state && state.wakeAt > now) {
        nextWake = Math.min(nextWake, state.wakeAt);
        continue;
      }
      if (hook.inFlight >= hook.maxConnections) break;
      const target = this.takeTarget();
      if (target === undefined) break;
      const tries = state ?? { inFlight: false, wakeAt: 0, delayMs: 20 };
      tries.inFlight = true;
      hook.tries.set(update.update_id, tries);
      hook.inFlight++;
      void this.postUpdate(hook, target, update, hook.secret).then((status) => {
        hook.inFlight--;
        tries.inFlight = false;
        this.webhookDeliveries.push({ update_id: update.update_id, target, status, manual: false });
        if (status >= 200 && status < 300) {
          hook.tries.delete(update.update_id);
          this.updates = this.updates.filter((u) => u !== update);
        } else {
          hook.lastError =
            status === 0 ? 'Connection failed' : `Wrong response from the webhook: ${status}`;
          tries.wakeAt = Date.now() + tries.delayMs;
          tries.delayMs = Math.min(tries.delayMs * 2, 1000);
        }
        if (this.webhook === hook) this.pumpWebhook();
      });
    }
    if (hook.timer) clearTimeout(hook.timer);
    if (nextWake < Number.POSITIVE_INFINITY) {
      hook.timer = setTimeout(() => this.pumpWebhook(), Math.max(1, nextWake - now));
      hook.timer.unref();
    }
  }

  private async postUpdate(
    hook: Webhook,
    origin: string,
    update: Update,
    secret: string | undefined,
  ): Promise<number> {
    const url = new URL(hook.url);
    const abort = new AbortController();
    this.webhookAborts.add(abort);
    const timer = setTimeout(() => abort.abort(), 30_000);
    try {
      const res = await fetch(`${origin}${url.pathname}${url.search}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret !== undefined ? { 'x-telegram-bot-api-secret-token': secret } : {}),
        },
        body: JSON.stringify(update),
        signal: abort.signal,
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    } finally {
      clearTimeout(timer);
      this.webhookAborts.delete(abort);
    }
  }

  private takeUpdates(limit: number): Update[] {
    const allowed = (u: Update): boolean => {
      const type = Object.keys(u).find((k) => k !== 'update_id') ?? '';
      return this.allowedUpdates.length > 0
        ? this.allowedUpdates.includes(type)
        : !DEFAULT_EXCLUDED_UPDATES.includes(type);
    };
    // Updates of types the bot did not ask for are dropped, as Telegram does.
    this.updates = this.updates.filter(allowed);
    return this.updates.slice(0, limit);
  }

  private getUpdates(p: Params, res: ServerResponse): Update[] | Promise<Update[]> {
    if (this.webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = toInt(p.offset);
    if (offset > 0) this.updates = this.updates.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.updates = this.updates.slice(offset);
    const allowed = parseJson(p.allowed_updates, 'allowed updates');
    if (Array.isArray(allowed))
      this.allowedUpdates = allowed.filter((x): x is string => typeof x === 'string');
    // Like the Bot API, a new getUpdates terminates the one being held.
    this.poll?.reject(
      new ApiError(
        409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      ),
    );
    const limit = Math.min(100, Math.max(1, toInt(p.limit) || 100));
    const ready = this.takeUpdates(limit);
    const timeout = Math.max(0, toInt(p.timeout));
    if (ready.length > 0 || timeout === 0) return ready;
    return new Promise<Update[]>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(poll.timer);
        if (this.poll === poll) this.poll = undefined;
      };
      const poll: HeldPoll = {
        limit,
        timer: setTimeout(() => poll.resolve([]), timeout * 1000),
        resolve: (updates) => {
          finish();
          resolve(updates);
        },
        reject: (error) => {
          finish();
          reject(error);
        },
      };
      this.poll = poll;
      res.on('close', () => {
        if (!res.writableEnded) poll.resolve([]);
      });
    });
  }

  // ---- methods ----------------------------------------------------------------------------

  private registerMethods(): void {
    const methods: Record<string, Handler> = {
      getMe: () => this.botInfo,
      getUpdates: (p, res) => this.getUpdates(p, res),
      deleteWebhook: (p) => {
        if (toBool(p.drop_pending_updates)) this.updates = [];
        this.clearWebhook();
        return true;
      },
      setWebhook: (p) => {
        const url = p.url ?? '';
        if (url !== '' && !/^https:\/\//i.test(url))
          throw bad('bad webhook: An HTTPS URL must be provided for webhook');
        if (p.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(p.secret_token)) {
          throw bad('secret token contains unallowed characters');
        }
        const maxConnections = p.max_connections === undefined ? 40 : toInt(p.max_connections);
        if (maxConnections < 1 || maxConnections > 100)
          throw bad('bad webhook: max_connections must be between 1 and 100');
        if (toBool(p.drop_pending_updates)) this.updates = [];
        const allowed = parseJson(p.allowed_updates, 'allowed updates');
        if (Array.isArray(allowed))
          this.allowedUpdates = allowed.filter((x): x is string => typeof x === 'string');
        this.clearWebhook();
        if (url) {
          this.webhook = {
            url,
            secret: p.secret_token,
            maxConnections,
            tries: new Map(),
            inFlight: 0,
          };
          this.poll?.reject(new ApiError(409, 'Conflict: terminated by setWebhook request'));
          this.pumpWebhook();
        }
        return true;
      },
      getWebhookInfo: () => ({
        url: this.webhook?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: this.updates.length,
        ...(this.webhook
          ? {
              max_connections: this.webhook.maxConnections,
              ...(this.allowedUpdates.length > 0 ? { allowed_updates: this.allowedUpdates } : {}),
              ...(this.webhook.lastError ? { last_error_message: this.webhook.lastError } : {}),
            }
          : {}),
      }),
      sendMessage: (p) => this.send(p, parseContent(p.text, p.parse_mode, p.entities, 'text')),
      sendPhoto: (p) => {
        const photo = p.photo ?? '';
        if (photo === '') throw bad('there is no photo in the request');
        const isUrl = /^https?:\/\/[^\s/]+\.[^\s]+$/i.test(photo);
        if (!isUrl && !photo.startsWith('AgACfake'))
          throw bad('wrong file identifier/HTTP URL specified');
        const content = parseContent(p.caption, p.parse_mode, p.caption_entities, 'caption');
        return this.send(p, content, isUrl ? `AgACfake${this.nextFileId++}` : photo);
      },
      editMessageText: (p) => {
        if (!p.chat_id && p.inline_message_id)
          throw bad('the fake does not support inline_message_id');
        const content = parseContent(p.text, p.parse_mode, p.entities, 'text');
        const markup = parseReplyMarkup(p.reply_markup);
        return this.edit(p, (m) => {
          if (m.photo !== undefined) throw bad('there is no text in the message to edit');
          return {
            text: content.text,
            entities: content.entities,
            html: content.html,
            parse_mode: content.parse_mode,
            reply_markup: markup,
          };
        });
      },
      editMessageCaption: (p) => {
        const content = parseContent(p.caption, p.parse_mode, p.caption_entities, 'caption');
        const markup = parseReplyMarkup(p.reply_markup);
        return this.edit(p, (m) => {
          if (m.photo === undefined) throw bad('there is no caption in the message to edit');
          return {
            caption: content.text || undefined,
            entities: content.entities,
            html: content.html,
            parse_mode: content.parse_mode,
            reply_markup: markup,
          };
        });
      },
      editMessageReplyMarkup: (p) => {
        const markup = parseReplyMarkup(p.reply_markup);
        return this.edit(p, () => ({ reply_markup: markup }));
      },
      deleteMessage: (p) => {
        const rec = this.requireChat(p.chat_id);
        const id = toInt(p.message_id);
        if (rec.incoming.delete(id)) return true;
        const { message } = this.findOwnMessage(p, 'delete');
        message.deleted = true;
        this.stats.deleted++;
        return true;
      },
      answerCallbackQuery: (p) => {
        const id = p.callback_query_id ?? '';
        if (!this.pendingCallbacks.delete(id)) throw bad(QUERY_TOO_OLD);
        if ((p.text ?? '').length > 200) throw bad('MESSAGE_TOO_LONG');
        this.callbackAnswers.set(id, {
          callback_query_id: id,
          show_alert: toBool(p.show_alert),
          ...(p.text ? { text: p.text } : {}),
          ...(p.url ? { url: p.url } : {}),
        });
        return true;
      },
      answerInlineQuery: (p) => this.answerInlineQuery(p),
      getChat: (p) => {
        const rec = this.requireChat(p.chat_id);
        const visible =
          rec.chat.type === 'private'
            ? rec.started
            : rec.botIsMember || rec.chat.username !== undefined;
        if (!visible) throw bad(CHAT_NOT_FOUND);
        return {
          ...rec.chat,
          accent_color_id: 0,
          max_reaction_count: 11,
          accepted_gift_types: {
            unlimited_gifts: false,
            limited_gifts: false,
            unique_gifts: false,
            premium_subscription: false,
          },
        };
      },
      getChatMember: (p) => {
        const rec = this.requireChat(p.chat_id);
        const userId = toInt(p.user_id);
        if (userId <= 0) throw bad('invalid user_id specified');
        if (rec.chat.type === 'channel' && !rec.botIsAdmin)
          throw new ApiError(403, 'Forbidden: bot is not a member of the channel chat');
        return this.member(rec, userId);
      },
      getChatAdministrators: (p) => {
        const rec = this.requireChat(p.chat_id);
        if (rec.chat.type === 'private')
          throw bad('there are no administrators in the private chat');
        if (rec.chat.type === 'channel' && !rec.botIsAdmin)
          throw new ApiError(403, 'Forbidden: bot is not a member of the channel chat');
        const admins = rec.admins.map((a) => this.member(rec, a.userId));
        return rec.botIsAdmin ? [...admins, this.botMember(rec)] : admins;
      },
      setMyCommands: (p) => {
        const commands = parseJson(p.commands, 'bot commands');
        if (!Array.isArray(commands)) throw bad('field "commands" must be an Array');
        if (commands.length > 100) throw bad('too many bot commands specified');
        const valid = commands.map((c): BotCommand => {
          if (
            !isRecord(c) ||
            typeof c.command !== 'string' ||
            !/^\/?[a-z0-9_]{1,32}$/.test(c.command)
          )
            throw bad('BOT_COMMAND_INVALID');
          if (
            typeof c.description !== 'string' ||
            c.description.length < 1 ||
            c.description.length > 256
          ) {
            throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
          }
          return { command: c.command.replace(/^\//, ''), description: c.description };
        });
        this.commands.set(this.commandsKey(p), valid);
        return true;
      },
      getMyCommands: (p) => this.commands.get(this.commandsKey(p)) ?? [],
      deleteMyCommands: (p) => {
        this.commands.delete(this.commandsKey(p));
        return true;
      },
      sendChatAction: (p) => {
        const rec = this.requireChat(p.chat_id);
        if (!CHAT_ACTIONS.has(p.action ?? '')) throw bad('wrong parameter action in request');
        this.checkWrite(rec);
        this.threadOf(rec, p);
        return true;
      },
      createForumTopic: (p) => {
        const rec = this.requireChat(p.chat_id);
        if (rec.chat.type !== 'supergroup' || !rec.chat.is_forum)
          throw bad('the chat is not a forum');
        if (!rec.botIsAdmin) throw bad('not enough rights to create a topic');
        const name = p.name ?? '';
        if (name.length < 1 || name.length > 128) throw bad('TOPIC_TITLE_EMPTY');
        const thread = rec.nextMessageId++;
        rec.topics.set(thread, name);
        return { message_thread_id: thread, name, icon_color: 7322096 };
      },
    };
    for (const [name, fn] of Object.entries(methods))
      this.handlers.set(name.toLowerCase(), { name, fn });
  }

  /** Commands are stored per (scope, language_code), and getMyCommands reads the exact pair. */
  private commandsKey(p: Params): string {
    const scope = parseJson(p.scope, 'bot command scope') ?? { type: 'default' };
    const types = [
      'default',
      'all_private_chats',
      'all_group_chats',
      'all_chat_administrators',
      'chat',
      'chat_administrators',
      'chat_member',
    ];
    if (!isRecord(scope) || typeof scope.type !== 'string' || !types.includes(scope.type))
      throw bad('unsupported bot command scope type');
    const lang = p.language_code ?? '';
    if (lang !== '' && !/^[a-z]{2}$/.test(lang)) throw bad('invalid language code specified');
    let chat = '';
    if (scope.type.startsWith('chat')) {
      const rec = this.requireChat(String(scope.chat_id ?? ''));
      // As Telegram: a user who never opened the bot is a chat it cannot see.
      if (rec.chat.type === 'private' && !rec.started) throw bad(CHAT_NOT_FOUND);
      chat = String(rec.chat.id);
    }
    const user = scope.type === 'chat_member' ? toInt(String(scope.user_id ?? '')) : '';
    return `${scope.type}:${chat}:${user}|${lang}`;
  }

  private answerInlineQuery(p: Params): true {
    const id = p.inline_query_id ?? '';
    const stored = this.storedInline.get(id);
    if (!stored) throw bad(QUERY_TOO_OLD);
    const results = parseJson(p.results, 'inline query results');
    if (!Array.isArray(results)) throw bad('expected an Array of inline query results');
    if (results.length > 50) throw bad('RESULTS_TOO_MUCH');
    const nextOffset = p.next_offset ?? '';
    if (byteLength(nextOffset) > 64) throw bad('NEXT_OFFSET_INVALID');
    const contents: StoredInlineAnswer['contents'] = new Map();
    for (const r of results) {
      if (!isRecord(r) || typeof r.type !== 'string')
        throw bad('can\'t parse inline query result: Can\'t find field "type"');
      if (typeof r.id !== 'string' || byteLength(r.id) < 1 || byteLength(r.id) > 64)
        throw bad('RESULT_ID_INVALID');
      if (contents.has(r.id)) throw bad('RESULT_ID_DUPLICATE');
      const imc = r.input_message_content;
      if (r.type === 'article' && (typeof r.title !== 'string' || !isRecord(imc))) {
        throw bad('can\'t parse inline query result: Can\'t find field "input_message_content"');
      }
      if (
        r.type === 'photo' &&
        (typeof r.photo_url !== 'string' || typeof r.thumbnail_url !== 'string')
      ) {
        throw bad('can\'t parse inline query result: Can\'t find field "photo_url"');
      }
      const markup = parseReplyMarkup(
        r.reply_markup === undefined ? undefined : JSON.stringify(r.reply_markup),
      );
      const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
      let content: Content | undefined;
      if (isRecord(imc)) {
        if (typeof imc.message_text !== 'string')
          throw bad('can\'t parse inline query result: Can\'t find field "message_text"');
        content = parseContent(imc.message_text, str(imc.parse_mode), imc.entities, 'text');
      } else if (r.caption !== undefined) {
        content = parseContent(str(r.caption), str(r.parse_mode), r.caption_entities, 'caption');
      }
      contents.set(r.id, {
        ...(content ? { content } : {}),
        ...(r.type === 'photo' && !isRecord(imc) ? { photo: str(r.photo_url) } : {}),
        ...(markup ? { markup } : {}),
      });
    }
    const answer: InlineAnswer = {
      inline_query_id: id,
      results: results as Record<string, unknown>[],
      next_offset: nextOffset,
      is_personal: toBool(p.is_personal),
      ...(p.cache_time !== undefined ? { cache_time: toInt(p.cache_time) } : {}),
    };
    this.storedInline.set(id, { ...answer, query: stored.query, contents });
    this.inlineAnswers.set(id, answer);
    return true;
  }
}

/** Reads GET query, JSON or urlencoded bodies; multipart is refused with a clear description. */
async function readParams(req: IncomingMessage, url: URL): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'multipart/form-data') {
    req.resume();
    throw bad('multipart/form-data is not supported by the fake: send photos by URL or file_id');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'Request Entity Too Large');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks).toString('utf8');
  if (body.trim() === '') return params;
  if (type === 'application/x-www-form-urlencoded')
    return { ...params, ...Object.fromEntries(new URLSearchParams(body)) };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw bad("can't parse JSON object");
  }
  if (!isRecord(json)) throw bad("can't parse JSON object");
  return { ...params, ...json };
}

/** Starts a fake Bot API on 127.0.0.1 with a random port. Call `close()` when done. */
export async function startBotApiFake(options: BotApiFakeOptions = {}): Promise<BotApiFake> {
  return new BotApiFake(options).listen();
}
