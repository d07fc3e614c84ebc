import { Api, Bot, GrammyError, HttpError } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type BotApiFake,
  type BotApiFakeOptions,
  startBotApiFake,
} from '../../src/demo/bot-api-fake.ts';

const CHANNEL = -1001234567890;
const ALI = { id: 501, first_name: 'علي', language_code: 'ar' };

let fake: BotApiFake;
let api: Api;

async function start(options: BotApiFakeOptions = {}): Promise<void> {
  await fake?.close();
  fake = await startBotApiFake(options);
  fake.addChannel({ id: CHANNEL, title: 'أخبار', username: 'akhbar_test' });
  api = new Api(fake.token, { apiRoot: fake.apiRoot, timeoutSeconds: 5 });
}

/** The error a call rejects with (fails the test if it resolves). */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function grammyError(call: Promise<unknown>): Promise<GrammyError> {
  const error = await failure(call);
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

/** A real grammY bot polling the fake; `run` gets it after start, and it is stopped afterwards. */
async function withBot(setup: (bot: Bot) => void, run: (bot: Bot) => Promise<void>): Promise<void> {
  const bot = new Bot(fake.token, { client: { apiRoot: fake.apiRoot }, botInfo: fake.botInfo });
  const errors: unknown[] = [];
  bot.catch((e) => {
    errors.push(e.error);
  });
  setup(bot);
  const polling = bot.start();
  try {
    await run(bot);
  } finally {
    await bot.stop();
    await polling;
  }
  expect(errors).toEqual([]);
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  await fake.close();
});

describe('sending and reading back', () => {
  it('stores what the bot sent to a channel, addressed by @username', async () => {
    const markup = { inline_keyboard: [[{ text: 'المصدر', url: 'https://example.com/a' }]] };
    const result = await api.sendMessage('@akhbar_test', '<b>عاجل</b>: خبر 😀', {
      parse_mode: 'HTML',
      reply_markup: markup,
      link_preview_options: { is_disabled: true },
    });
    expect(result.chat).toEqual({
      id: CHANNEL,
      type: 'channel',
      title: 'أخبار',
      username: 'akhbar_test',
    });
    expect(result.sender_chat?.id).toBe(CHANNEL);
    expect(result.text).toBe('عاجل: خبر 😀');
    expect(result.entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);

    const [stored] = fake.messages(CHANNEL);
    expect(stored).toMatchObject({
      message_id: result.message_id,
      chat_id: CHANNEL,
      text: 'عاجل: خبر 😀',
      html: '<b>عاجل</b>: خبر 😀',
      parse_mode: 'HTML',
      reply_markup: markup,
      link_preview_options: { is_disabled: true },
      deleted: false,
      edit_history: [],
    });
    expect(fake.stats.sent).toBe(1);
    expect(fake.requests.map((r) => [r.method, r.status])).toEqual([['sendMessage', 200]]);
  });

  it('trims spaces and newlines at the ends like Telegram, moving entity offsets', async () => {
    const result = await api.sendMessage(CHANNEL, '\n  <i>x</i> y \n', { parse_mode: 'HTML' });
    expect(result.text).toBe('x y');
    expect(result.entities).toEqual([{ type: 'italic', offset: 0, length: 1 }]);
  });

  it('sends photos by URL with a parsed caption, and edits the caption', async () => {
    const photo = await api.sendPhoto(CHANNEL, 'https://example.com/p.jpg', {
      caption: '<i>صورة</i>',
      parse_mode: 'HTML',
    });
    expect(photo.caption).toBe('صورة');
    expect(photo.photo?.at(-1)?.file_id).toMatch(/^AgACfake/);
    const edited = await api.editMessageCaption(CHANNEL, photo.message_id, { caption: 'جديد' });
    expect(edited).toMatchObject({ caption: 'جديد' });
    const [stored] = fake.messages(CHANNEL);
    expect(stored?.edit_history).toEqual([
      {
        caption: 'صورة',
        entities: [{ type: 'italic', offset: 0, length: 4 }],
        html: '<i>صورة</i>',
        parse_mode: 'HTML',
      },
    ]);
    const textEdit = await grammyError(api.editMessageText(CHANNEL, photo.message_id, 'x'));
    expect(textEdit.description).toBe('Bad Request: there is no text in the message to edit');
    const badPhoto = await grammyError(api.sendPhoto(CHANNEL, 'not-a-file-id'));
    expect(badPhoto.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
  });
});

describe('validation like Telegram', () => {
  it('surfaces an HTML parse error as a 400 GrammyError with the tdlib description', async () => {
    const error = await grammyError(
      api.sendMessage(CHANNEL, 'خبر <p>فقرة</p>', { parse_mode: 'HTML' }),
    );
    expect(error.error_code).toBe(400);
    expect(error.description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 7',
    );
    expect(fake.messages(CHANNEL)).toEqual([]);
  });

  it('limits text to 4096 and captions to 1024 visible UTF-16 units', async () => {
    await api.sendMessage(CHANNEL, `<b>${'ع'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    const text = await grammyError(api.sendMessage(CHANNEL, 'ع'.repeat(4097)));
    expect(text.description).toBe('Bad Request: message is too long');
    const emoji = await grammyError(api.sendMessage(CHANNEL, '😀'.repeat(2049)));
    expect(emoji.description).toBe('Bad Request: message is too long');
    const caption = await grammyError(
      api.sendPhoto(CHANNEL, 'https://example.com/p.jpg', { caption: 'x'.repeat(1025) }),
    );
    expect(caption.description).toBe('Bad Request: message caption is too long');
    const empty = await grammyError(
      api.sendMessage(CHANNEL, ' \n <b> </b>', { parse_mode: 'HTML' }),
    );
    expect(empty.description).toBe('Bad Request: message text is empty');
  });

  it('checks inline keyboards', async () => {
    const long = await grammyError(
      api.sendMessage(CHANNEL, 'x', {
        reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'd'.repeat(65) }]] },
      }),
    );
    expect(long.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    const plain = await grammyError(
      api.raw.sendMessage({
        chat_id: CHANNEL,
        text: 'x',
        reply_markup: { inline_keyboard: [[{ text: 'b' }]] },
      } as never),
    );
    expect(plain.description).toBe(
      'Bad Request: text buttons are unallowed in the inline keyboard',
    );
    await api.sendMessage(CHANNEL, 'x', {
      reply_markup: { inline_keyboard: [[{ text: 'b', callback_data: 'ب'.repeat(32) }]] },
    });
  });

  it('answers edits and deletes of missing or unchanged messages like Telegram', async () => {
    const sent = await api.sendMessage(CHANNEL, 'نص');
    const same = await grammyError(api.editMessageText(CHANNEL, sent.message_id, 'نص'));
    expect(same.description).toBe(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
    const missing = await grammyError(api.editMessageText(CHANNEL, 999, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
    await api.editMessageText(CHANNEL, sent.message_id, '<b>نص</b>', { parse_mode: 'HTML' });
    expect(await api.deleteMessage(CHANNEL, sent.message_id)).toBe(true);
    const again = await grammyError(api.deleteMessage(CHANNEL, sent.message_id));
    expect(again.description).toBe('Bad Request: message to delete not found');
    const [stored] = fake.messages(CHANNEL);
    expect(stored).toMatchObject({
      deleted: true,
      entities: [{ type: 'bold', offset: 0, length: 2 }],
    });
    expect(stored?.edit_history.map((v) => v.text)).toEqual(['نص']);
  });
});

describe('chats and access', () => {
  it('answers 400 chat not found, 403 for users who never wrote or blocked the bot', async () => {
    expect((await grammyError(api.sendMessage(-100999, 'x'))).description).toBe(
      'Bad Request: chat not found',
    );
    fake.addUser(ALI);
    const never = await grammyError(api.sendMessage(ALI.id, 'x'));
    expect([never.error_code, never.description]).toEqual([
      403,
      "Forbidden: bot can't initiate conversation with a user",
    ]);
    fake.userSends(ALI, 'مرحبا');
    await api.sendMessage(ALI.id, 'أهلا');
    fake.blockUser(ALI.id);
    const blocked = await grammyError(api.sendMessage(ALI.id, 'x'));
    expect([blocked.error_code, blocked.description]).toEqual([
      403,
      'Forbidden: bot was blocked by the user',
    ]);
    expect(fake.messages(ALI.id).map((m) => m.text)).toEqual(['أهلا']);
  });

  it('needs the bot to be a channel admin that can post', async () => {
    fake.addChannel({ id: -1002, title: 'not admin', botIsAdmin: false });
    fake.addChannel({ id: -1003, title: 'no post right', canPost: false });
    const notMember = await grammyError(api.sendMessage(-1002, 'x'));
    expect([notMember.error_code, notMember.description]).toEqual([
      403,
      'Forbidden: bot is not a member of the channel chat',
    ]);
    const noRight = await grammyError(api.sendMessage(-1003, 'x'));
    expect([noRight.error_code, noRight.description]).toEqual([
      400,
      'Bad Request: need administrator rights in the channel chat',
    ]);
    fake.myChatMember(-1003, 'administrator', { canPostMessages: true });
    await api.sendMessage(-1003, 'now allowed');
  });

  it('reports chat members and administrators', async () => {
    fake.addUser({ id: 7, first_name: 'Owner' });
    fake.addChannel({
      id: -1004,
      title: 'c',
      admins: [
        { userId: 7, status: 'creator' },
        { userId: 8, status: 'administrator', canPostMessages: false },
      ],
    });
    expect((await api.getChatMember(-1004, 7)).status).toBe('creator');
    expect(await api.getChatMember(-1004, 8)).toMatchObject({
      status: 'administrator',
      can_post_messages: false,
    });
    expect((await api.getChatMember(-1004, 9)).status).toBe('left');
    expect(await api.getChatMember(-1004, fake.botInfo.id)).toMatchObject({
      status: 'administrator',
      can_post_messages: true,
    });
    const admins = await api.getChatAdministrators(-1004);
    expect(admins.map((a) => a.user.id)).toEqual([7, 8, fake.botInfo.id]);
    expect(await api.getChat(-1004)).toMatchObject({ id: -1004, type: 'channel', title: 'c' });
  });

  it('stores commands per scope and language', async () => {
    await api.setMyCommands([{ command: 'search', description: 'بحث' }], { language_code: 'ar' });
    await api.setMyCommands([{ command: 'publish', description: 'نشر' }], {
      scope: { type: 'chat', chat_id: CHANNEL },
    });
    expect(await api.getMyCommands({ language_code: 'ar' })).toEqual([
      { command: 'search', description: 'بحث' },
    ]);
    expect(await api.getMyCommands()).toEqual([]);
    expect(await api.getMyCommands({ scope: { type: 'chat', chat_id: CHANNEL } })).toHaveLength(1);
    const bad = await grammyError(
      api.setMyCommands([{ command: 'Bad Command', description: 'x' }]),
    );
    expect(bad.description).toBe('Bad Request: BOT_COMMAND_INVALID');
    await api.deleteMyCommands({ language_code: 'ar' });
    expect(await api.getMyCommands({ language_code: 'ar' })).toEqual([]);
  });
});

describe('rate limits', () => {
  it('answers 429 with retry_after per chat and counts early retries', async () => {
    await start({ chatRate: { max: 2, windowMs: 60_000 } });
    await api.sendMessage(CHANNEL, '1');
    await api.sendMessage(CHANNEL, '2');
    const limited = await grammyError(api.sendMessage(CHANNEL, '3'));
    expect(limited.error_code).toBe(429);
    expect(limited.parameters.retry_after).toBeGreaterThanOrEqual(59);
    expect(limited.parameters.retry_after).toBeLessThanOrEqual(60);
    expect(limited.description).toBe(
      `Too Many Requests: retry after ${limited.parameters.retry_after}`,
    );
    expect(fake.earlyRetries).toBe(0);
    // Retrying at once, before retry_after has passed, is what the counter catches.
    const early = await grammyError(api.sendMessage(CHANNEL, '3'));
    expect(early.error_code).toBe(429);
    expect(fake.earlyRetries).toBe(1);
    expect(fake.stats.tooManyRequests).toEqual({ chat: 2, global: 0 });
    expect(fake.messages(CHANNEL)).toHaveLength(2);
  });

  it('lets a client that waits retry_after through, with no early retries', async () => {
    await start({ privateRate: { max: 1, windowMs: 300 } });
    fake.userSends(ALI, 'hi');
    await api.sendMessage(ALI.id, '1');
    const limited = await grammyError(api.sendMessage(ALI.id, '2'));
    expect(limited.parameters.retry_after).toBe(1);
    await new Promise((r) => setTimeout(r, (limited.parameters.retry_after ?? 0) * 1000 + 20));
    await api.sendMessage(ALI.id, '2');
    expect(fake.earlyRetries).toBe(0);
    expect(fake.messages(ALI.id).map((m) => m.text)).toEqual(['1', '2']);
  });

  it('applies the global limit across chats', async () => {
    await start({ globalRate: { max: 3, windowMs: 60_000 } });
    fake.addChannel({ id: -1005, title: 'other' });
    await api.sendMessage(CHANNEL, '1');
    await api.sendMessage(-1005, '2');
    await api.sendMessage(CHANNEL, '3');
    const limited = await grammyError(api.sendMessage(-1005, '4'));
    expect(limited.error_code).toBe(429);
    expect(fake.stats.tooManyRequests.global).toBe(1);
    // The global deadline covers every chat.
    await grammyError(api.sendMessage(CHANNEL, '5'));
    expect(fake.earlyRetries).toBe(1);
  });
});

describe('updates and a real grammY bot', () => {
  it('long-polls: /start from a user reaches the bot, which replies', async () => {
    await withBot(
      (bot) => bot.command('start', (ctx) => ctx.reply(`أهلا ${ctx.from?.first_name}`)),
      async () => {
        const message = fake.userSends(ALI, '/start');
        expect(message.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
        const [reply] = await fake.waitForMessages(ALI.id, 1);
        expect(reply?.text).toBe('أهلا علي');
      },
    );
    const polls = fake.requests.filter((r) => r.method === 'getUpdates');
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(fake.requests[0]?.method).toBe('deleteWebhook');
  });

  it('delivers a button press and records the callback answer', async () => {
    fake.userSends(ALI, 'hi');
    const sent = await api.sendMessage(ALI.id, 'اختر', {
      reply_markup: { inline_keyboard: [[{ text: 'نعم', callback_data: 'yes' }]] },
    });
    let callbackId = '';
    await withBot(
      (bot) =>
        bot.callbackQuery('yes', async (ctx) => {
          await ctx.answerCallbackQuery({ text: 'تم' });
          await ctx.editMessageText('تم الاختيار');
        }),
      async () => {
        const [message] = fake.messages(ALI.id);
        if (!message) throw new Error('no message');
        callbackId = fake.pressButton(ALI, message, 'yes');
        await fake.waitFor(() => fake.messages(ALI.id)[0]?.text === 'تم الاختيار');
      },
    );
    expect(sent.reply_markup).toBeDefined();
    expect(fake.callbackAnswers.get(callbackId)).toEqual({
      callback_query_id: callbackId,
      text: 'تم',
      show_alert: false,
    });
    // Editing without reply_markup removes the keyboard, as on Telegram.
    expect(fake.messages(ALI.id)[0]?.reply_markup).toBeUndefined();
    const twice = await grammyError(api.answerCallbackQuery(callbackId));
    expect(twice.description).toBe(
      'Bad Request: query is too old and response timeout expired or query ID is invalid',
    );
    expect(() =>
      fake.pressButton(ALI, { chat_id: ALI.id, message_id: sent.message_id }, 'no'),
    ).toThrow(/no button with data "no"/);
  });

  it('answers inline queries and posts the chosen result via the bot', async () => {
    const chosen: string[] = [];
    let queryId = '';
    await withBot(
      (bot) => {
        bot.on('inline_query', (ctx) =>
          ctx.answerInlineQuery(
            [
              {
                type: 'article',
                id: 'art-1',
                title: ctx.inlineQuery.query,
                input_message_content: { message_text: '<b>خبر</b>', parse_mode: 'HTML' },
              },
            ],
            { cache_time: 0, next_offset: '10' },
          ),
        );
        bot.on('chosen_inline_result', (ctx) => {
          chosen.push(ctx.chosenInlineResult.result_id);
        });
      },
      async () => {
        queryId = fake.inlineQuery(ALI, 'إيران');
        const answer = await fake.waitForInlineAnswer(queryId);
        expect(answer.results).toHaveLength(1);
        expect(answer).toMatchObject({ next_offset: '10', cache_time: 0 });
        fake.addUser({ id: 77, first_name: 'Friend' });
        const posted = fake.chooseInlineResult(ALI, queryId, 'art-1', 77);
        expect(posted).toMatchObject({
          text: 'خبر',
          entities: [{ type: 'bold', offset: 0, length: 3 }],
          via_bot: { id: fake.botInfo.id },
          from: { id: ALI.id },
        });
        await fake.waitFor(() => chosen.length === 1);
      },
    );
    expect(chosen).toEqual(['art-1']);
    const results = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        type: 'article' as const,
        id: `r${i % 50}`,
        title: 't',
        input_message_content: { message_text: 'x' },
      }));
    const tooMany = await grammyError(api.answerInlineQuery(queryId, results(51)));
    expect(tooMany.description).toBe('Bad Request: RESULTS_TOO_MUCH');
    const dup = await grammyError(api.answerInlineQuery(queryId, [...results(1), ...results(1)]));
    expect(dup.description).toBe('Bad Request: RESULT_ID_DUPLICATE');
    const html = await grammyError(
      api.answerInlineQuery(queryId, [
        {
          type: 'article',
          id: 'a',
          title: 't',
          input_message_content: { message_text: '<x>', parse_mode: 'HTML' },
        },
      ]),
    );
    expect(html.description).toBe(
      'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 0',
    );
  });

  it('terminates a held getUpdates when another one arrives (409 Conflict)', async () => {
    const first = api.getUpdates({ timeout: 5 });
    await fake.waitFor(() => fake.requests.length === 1);
    const second = api.getUpdates({ timeout: 5 });
    const conflict = await grammyError(first);
    expect([conflict.error_code, conflict.description]).toEqual([
      409,
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    ]);
    const update = fake.userSends(ALI, 'x');
    const updates = await second;
    expect(updates).toHaveLength(1);
    expect(updates[0]?.message?.message_id).toBe(update.message_id);
  });

  it('injects forwards, channel posts and my_chat_member updates', async () => {
    const post = await api.sendMessage(CHANNEL, '<b>خبر</b> اليوم', { parse_mode: 'HTML' });
    const forwarded = fake.userForwards(ALI, { chatId: CHANNEL, messageId: post.message_id });
    expect(forwarded).toMatchObject({
      text: 'خبر اليوم',
      entities: [{ type: 'bold', offset: 0, length: 3 }],
      forward_origin: { type: 'channel', chat: { id: CHANNEL }, message_id: post.message_id },
    });
    fake.channelPost(CHANNEL, 'من المحرر');
    fake.myChatMember(CHANNEL, 'left');
    const updates = await api.getUpdates({ timeout: 0 });
    expect(updates.map((u) => Object.keys(u).find((k) => k !== 'update_id'))).toEqual([
      'message',
      'channel_post',
      'my_chat_member',
    ]);
    expect(updates[2]?.my_chat_member?.old_chat_member.status).toBe('administrator');
    expect(updates[2]?.my_chat_member?.new_chat_member.status).toBe('left');
    // The update ids increase by one.
    expect(updates.map((u) => u.update_id - (updates[0]?.update_id ?? 0))).toEqual([0, 1, 2]);
    const gone = await grammyError(api.sendMessage(CHANNEL, 'x'));
    expect(gone.error_code).toBe(403);
  });

  it('confirms updates below offset and filters by allowed_updates', async () => {
    const a = fake.userSends(ALI, 'a');
    fake.inlineQuery(ALI, 'q');
    const all = await api.getUpdates({ timeout: 0 });
    expect(all).toHaveLength(2);
    const onlyMessages = await api.getUpdates({
      offset: (all[0]?.update_id ?? 0) + 1,
      allowed_updates: ['message'],
    });
    expect(onlyMessages).toEqual([]);
    fake.userSends(ALI, 'b');
    const next = await api.getUpdates({ timeout: 0 });
    expect(next.map((u) => u.message?.text)).toEqual(['b']);
    expect(a.text).toBe('a');
  });
});

describe('faults', () => {
  it('http500 answers a JSON 500 and http502 an HTML gateway page', async () => {
    fake.injectFault({ kind: 'http500', method: 'sendMessage' });
    const e500 = await grammyError(api.sendMessage(CHANNEL, 'x'));
    expect([e500.error_code, e500.description]).toEqual([500, 'Internal Server Error']);
    fake.injectFault({ kind: 'http502' });
    expect(await failure(api.sendMessage(CHANNEL, 'x'))).toBeInstanceOf(HttpError);
    expect(fake.stats.serverErrors).toBe(2);
    await api.sendMessage(CHANNEL, 'ok');
    expect(fake.messages(CHANNEL).map((m) => m.text)).toEqual(['ok']);
  });

  it('rateLimit answers 429 with the given retry_after and records the deadline', async () => {
    fake.injectFault({ kind: 'rateLimit', chatId: '@akhbar_test', retryAfter: 7 });
    const limited = await grammyError(api.sendMessage(CHANNEL, 'x'));
    expect([limited.error_code, limited.parameters.retry_after]).toEqual([429, 7]);
    await grammyError(api.sendMessage(CHANNEL, 'x'));
    expect(fake.earlyRetries).toBe(1);
  });

  it('timeout holds the request without answering or acting', async () => {
    const impatient = new Api(fake.token, { apiRoot: fake.apiRoot, timeoutSeconds: 1 });
    fake.injectFault({ kind: 'timeout', method: 'sendMessage' });
    expect(await failure(impatient.sendMessage(CHANNEL, 'x'))).toBeInstanceOf(HttpError);
    expect(fake.messages(CHANNEL)).toEqual([]);
    expect(fake.requests[0]?.status).toBe(0);
  });

  it('lostResponse posts the message but the client gets an HttpError', async () => {
    fake.injectFault({ kind: 'lostResponse', method: 'sendMessage', chatId: CHANNEL });
    expect(await failure(api.sendMessage(CHANNEL, 'posted'))).toBeInstanceOf(HttpError);
    expect(fake.messages(CHANNEL).map((m) => m.text)).toEqual(['posted']);
  });

  it('networkReset drops the connection before doing anything', async () => {
    fake.injectFault({ kind: 'networkReset', times: 2 });
    expect(await failure(api.sendMessage(CHANNEL, 'a'))).toBeInstanceOf(HttpError);
    expect(await failure(api.getMe())).toBeInstanceOf(HttpError);
    expect(await api.getMe()).toEqual(fake.botInfo);
    expect(fake.messages(CHANNEL)).toEqual([]);
  });

  it('matches faults by method and chat, and clearFaults removes them', async () => {
    fake.addChannel({ id: -1006, title: 'other' });
    fake.injectFault({ kind: 'http500', chatId: -1006 });
    fake.injectFault({ kind: 'http500', method: 'getMe', times: 5 });
    await api.sendMessage(CHANNEL, 'not matched');
    await grammyError(api.sendMessage(-1006, 'matched'));
    fake.clearFaults();
    await api.getMe();
  });
});

describe('HTTP surface', () => {
  it('answers 401 for a wrong token and 404 for an unknown method', async () => {
    const wrong = await fetch(`${fake.apiRoot}/bot1:wrong/getMe`);
    expect([wrong.status, await wrong.json()]).toEqual([
      401,
      { ok: false, error_code: 401, description: 'Unauthorized' },
    ]);
    const unknown = await fetch(`${fake.apiRoot}/bot${fake.token}/sendTelepathy`);
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { ok: false, error_code: 404, description: 'Not Found' },
    ]);
  });

  it('accepts GET query parameters and urlencoded bodies, refuses multipart', async () => {
    const get = await fetch(
      `${fake.apiRoot}/bot${fake.token}/sendMessage?chat_id=${CHANNEL}&text=a`,
    );
    expect(((await get.json()) as { ok: boolean }).ok).toBe(true);
    const form = await fetch(`${fake.apiRoot}/bot${fake.token}/sendmessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(CHANNEL), text: '<b>b</b>', parse_mode: 'HTML' }),
    });
    expect(form.status).toBe(200);
    const multipart = new FormData();
    multipart.set('chat_id', String(CHANNEL));
    const refused = await fetch(`${fake.apiRoot}/bot${fake.token}/sendPhoto`, {
      method: 'POST',
      body: multipart,
    });
    expect(refused.status).toBe(400);
    expect(fake.messages(CHANNEL).map((m) => [m.text, m.entities.length])).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(fake.requests.map((r) => r.method)).toEqual(['sendMessage', 'sendMessage', 'sendPhoto']);
  });

  it('answers malformed JSON with 400 instead of failing', async () => {
    const res = await fetch(`${fake.apiRoot}/bot${fake.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"chat_id":',
    });
    expect(res.status).toBe(400);
    await api.sendMessage(CHANNEL, 'still fine');
  });

  it('reset drops messages, updates and counters but keeps chats', async () => {
    await api.sendMessage(CHANNEL, 'x');
    fake.userSends(ALI, 'hi');
    fake.reset();
    expect(fake.allMessages()).toEqual([]);
    expect(await api.getUpdates({ timeout: 0 })).toEqual([]);
    expect(fake.stats.sent).toBe(0);
    await api.sendMessage(CHANNEL, 'y');
    await api.sendMessage(ALI.id, 'still started');
    expect(fake.allMessages()).toHaveLength(2);
  });
});
