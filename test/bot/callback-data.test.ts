import fc from 'fast-check';
import { Api, Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnyCallbackValue,
  type CallbackCodec,
  type CallbackData,
  callbackData,
  defineCallbackData,
  field,
  MAX_CALLBACK_BYTES,
  type Specs,
} from '../../src/bot/callback-data.ts';
import type { BotContext } from '../../src/bot/context.ts';
import { createI18n } from '../../src/bot/i18n.ts';
import { type BotApiFake, startBotApiFake } from '../../src/demo/bot-api-fake.ts';

const TOKEN_RE = /[A-Za-z0-9_-]{12}/;
const token = fc.stringMatching(/^[A-Za-z0-9_-]{12}$/);
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

// The editors' buttons are kinds of the same table (telegram/callback-data.ts): adopting the
// codec kept every string that buttons already in chats carry (the block below).
const PREVIEW_ACTIONS = ['pub', 'sch', 'hl', 'sm', 'sv', 'cx'] as const;

const articleId = fc.stringMatching(/^[ah]-[0-9a-f]{20}$/);
const subscriberValue: fc.Arbitrary<CallbackData> = fc.oneof(
  fc.record({
    kind: fc.constant('searchPage' as const),
    token,
    page: fc.integer({ min: 0, max: 9999 }),
  }),
  fc.record({ kind: fc.constant('unfollow' as const), followId: token }),
);
const editorValue: fc.Arbitrary<CallbackData> = fc.oneof(
  fc.record({ kind: fc.constant('reviewApprove' as const), articleId }),
  fc.record({ kind: fc.constant('reviewReject' as const), articleId }),
  fc.record({ kind: fc.constant('reviewEdit' as const), articleId }),
  fc.record({ kind: fc.constant('reviewStatus' as const), articleId }),
  fc.record({
    kind: fc.constant('queueRetry' as const),
    queue: fc.constantFrom('a' as const, 'p' as const),
    job: fc.stringMatching(/^[0-9a-f]{16}$/),
  }),
  fc.record({
    kind: fc.constant('preview' as const),
    token: fc.stringMatching(/^[0-9a-z]{6}$/),
    round: fc.integer({ min: 0, max: 99_999 }),
    action: fc.constantFrom(...PREVIEW_ACTIONS),
  }),
);

/** Strings near our formats: known prefixes, separators and field-like pieces in any order. */
const nearMiss = fc
  .array(
    fc.oneof(
      fc.constantFrom('s', 'u', 'rv', 'ok', 'q', 'rt', 'pv', 'a', '', ':', '::', '-1', '0'),
      fc.string({ maxLength: 14 }),
      token,
      fc.integer({ min: -5, max: 100_000 }).map(String),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(':'));
const anyString = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 70 }),
  fc.string({ unit: 'binary', maxLength: 70 }),
  nearMiss,
);

function roundTrips<D extends Specs>(
  codec: CallbackCodec<D>,
  value: fc.Arbitrary<AnyCallbackValue<D>>,
): void {
  fc.assert(
    fc.property(value, (x) => {
      const data = codec.encode(x);
      expect(bytes(data)).toBeLessThanOrEqual(MAX_CALLBACK_BYTES);
      expect(codec.parse(data)).toEqual(x);
    }),
    { numRuns: 500 },
  );
}

function neverThrows<D extends Specs>(codec: CallbackCodec<D>): void {
  fc.assert(
    fc.property(anyString, (s) => {
      const value = codec.parse(s);
      // Whatever is accepted is a value our own encoder writes (and reads back the same).
      if (value !== undefined) expect(codec.parse(codec.encode(value))).toEqual(value);
    }),
    { numRuns: 2000 },
  );
}

describe('callback data: the subscriber kinds', () => {
  it('writes the same strings as before: s:<token>:<page> and u:<follow id>', () => {
    expect(callbackData.encode({ kind: 'searchPage', token: 'AbC_-0123456', page: 3 })).toBe(
      's:AbC_-0123456:3',
    );
    expect(callbackData.encode({ kind: 'unfollow', followId: 'zZ9_-zZ9_-zZ' })).toBe(
      'u:zZ9_-zZ9_-zZ',
    );
  });

  it('reads what the old regexes took, and only that', () => {
    expect(callbackData.parse('s:AbC_-0123456:0')).toEqual({
      kind: 'searchPage',
      token: 'AbC_-0123456',
      page: 0,
    });
    // /^s:([A-Za-z0-9_-]{12}):(\d{1,4})$/ took leading zeros too.
    expect(callbackData.parse('s:AbC_-0123456:0007')).toEqual({
      kind: 'searchPage',
      token: 'AbC_-0123456',
      page: 7,
    });
    expect(callbackData.parse('u:zZ9_-zZ9_-zZ')).toEqual({
      kind: 'unfollow',
      followId: 'zZ9_-zZ9_-zZ',
    });
    for (const bad of [
      '',
      's',
      'u',
      'u:',
      's:AbC_-0123456',
      's:AbC_-0123456:',
      's:AbC_-0123456:12345',
      's:AbC_-0123456:-1',
      's:AbC_-0123456:1.5',
      's:AbC_-0123456:1e3',
      's:AbC_-0123456:٣',
      's:AbC_-0123456:1:2',
      's:AbC_-012345:1',
      's:AbC_-01234567:1',
      's:AbC/-0123456:1',
      'S:AbC_-0123456:1',
      ' s:AbC_-0123456:1',
      's:AbC_-0123456:1\n',
      'u:zZ9_-zZ9_-zZ:',
      'u:zZ9_-zZ9_-z\u200F',
      'x:zZ9_-zZ9_-zZ',
      `u:${'a'.repeat(80)}`,
    ]) {
      expect(callbackData.parse(bad), JSON.stringify(bad)).toBeUndefined();
    }
    for (const notText of [undefined, null, 7, {}, ['u', 'zZ9_-zZ9_-zZ']]) {
      expect(callbackData.parse(notText)).toBeUndefined();
    }
  });

  it('refuses to write a value our code should never build', () => {
    const bad: CallbackData[] = [
      { kind: 'searchPage', token: 'short', page: 0 },
      { kind: 'searchPage', token: 'AbC_-0123456', page: 10_000 },
      { kind: 'searchPage', token: 'AbC_-0123456', page: -1 },
      { kind: 'searchPage', token: 'AbC_-0123456', page: 1.5 },
      { kind: 'searchPage', token: 'AbC_-0123456', page: Number.NaN },
      { kind: 'unfollow', followId: 'zZ9_-zZ9:-zZ' },
    ];
    for (const value of bad) expect(() => callbackData.encode(value)).toThrow(/callback data/);
  });

  it('parse(encode(x)) = x for every value, in at most 64 bytes', () => {
    roundTrips(callbackData, subscriberValue);
  });

  it('parse never throws on any string, and accepts only what it would write', () => {
    neverThrows(callbackData);
  });
});

describe('callback data: the editor kinds keep their strings', () => {
  const editors = callbackData;

  it('writes rv:ok:<id>, q:rt:<queue>:<job>, pv:<token>:<round>:<action> as today', () => {
    const id = 'a-0123456789abcdef0123';
    expect(editors.encode({ kind: 'reviewApprove', articleId: id })).toBe(`rv:ok:${id}`);
    expect(editors.encode({ kind: 'reviewReject', articleId: id })).toBe(`rv:no:${id}`);
    expect(editors.encode({ kind: 'reviewEdit', articleId: id })).toBe(`rv:ed:${id}`);
    expect(editors.encode({ kind: 'reviewStatus', articleId: id })).toBe(`rv:st:${id}`);
    expect(editors.encode({ kind: 'queueRetry', queue: 'p', job: '00ff00ff00ff00ff' })).toBe(
      'q:rt:p:00ff00ff00ff00ff',
    );
    expect(editors.encode({ kind: 'preview', token: '0a1b2c', round: 12, action: 'sch' })).toBe(
      'pv:0a1b2c:12:sch',
    );
    expect(editors.parse(`rv:st:${id}`)).toEqual({ kind: 'reviewStatus', articleId: id });
    expect(editors.parse(`rv:ok:${id}`)).toEqual({ kind: 'reviewApprove', articleId: id });
    expect(editors.parse(`rv:xx:${id}`)).toBeUndefined();
    expect(editors.parse('pv:0a1b2c:12:nope')).toBeUndefined();
    expect(editors.parse('q:rt:x:00ff00ff00ff00ff')).toBeUndefined();
  });

  it('parse(encode(x)) = x, and parse never throws', () => {
    roundTrips(editors, editorValue);
    neverThrows(editors);
  });
});

describe('defineCallbackData', () => {
  const id = { id: field.pattern(TOKEN_RE) };

  it('refuses prefixes that clash, bad prefixes and a field named kind', () => {
    expect(() =>
      defineCallbackData({ a: { prefix: 'rv', fields: id }, b: { prefix: 'rv:ok', fields: id } }),
    ).toThrow(/one prefix starts the other/);
    expect(() =>
      defineCallbackData({ a: { prefix: 'u', fields: id }, b: { prefix: 'u', fields: {} } }),
    ).toThrow(/one prefix starts the other/);
    for (const prefix of ['', 'a:', ':a', 'a b', 'ر']) {
      expect(() => defineCallbackData({ a: { prefix, fields: id } })).toThrow(/bad prefix/);
    }
    expect(() =>
      defineCallbackData({ a: { prefix: 'a', fields: { kind: field.oneOf('x') } } }),
    ).toThrow(/not a field name/);
    // Sharing a first word is fine when neither prefix starts the other.
    expect(() =>
      defineCallbackData({
        a: { prefix: 'rv:ok', fields: id },
        b: { prefix: 'rv:no', fields: id },
      }),
    ).not.toThrow();
  });

  it('refuses to write more than 64 bytes', () => {
    const long = defineCallbackData({
      big: { prefix: 'b', fields: { text: field.pattern(/[a-z]{1,100}/) } },
    });
    expect(long.encode({ kind: 'big', text: 'a'.repeat(62) })).toHaveLength(64);
    expect(() => long.encode({ kind: 'big', text: 'a'.repeat(63) })).toThrow(/64 bytes/);
    expect(long.parse(`b:${'a'.repeat(63)}`)).toBeUndefined();
  });
});

describe('callback data: on(kind) in a bot', () => {
  const USER = { id: 8101, first_name: 'Sam', language_code: 'en' };
  let fake: BotApiFake;
  let api: Api;

  beforeAll(async () => {
    fake = await startBotApiFake();
    api = new Api(fake.token, { apiRoot: fake.apiRoot, timeoutSeconds: 5 });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('runs the handler of that kind with typed data; anything else goes on', async () => {
    const seen: string[] = [];
    const bot = new Bot<BotContext>(fake.token, {
      client: { apiRoot: fake.apiRoot },
      botInfo: fake.botInfo,
    });
    bot.use(createI18n());
    bot.use(
      callbackData.on('unfollow', async (ctx) => {
        seen.push(`unfollow ${ctx.callbackData.followId} ${ctx.lang}`);
        await ctx.answerCallbackQuery({ text: 'removed' });
      }),
    );
    bot.use(
      callbackData.on('searchPage', async (ctx) => {
        seen.push(`page ${ctx.callbackData.page + 1}`);
        await ctx.answerCallbackQuery({ text: 'paged' });
      }),
    );
    bot.on('callback_query', async (ctx) => {
      seen.push(`other ${ctx.callbackQuery.data ?? ''}`);
      await ctx.answerCallbackQuery({ text: 'other' });
    });
    fake.userSends(USER, 'hi');
    const data = [
      callbackData.encode({ kind: 'unfollow', followId: 'zZ9_-zZ9_-zZ' }),
      callbackData.encode({ kind: 'searchPage', token: 'AbC_-0123456', page: 4 }),
      'u:zZ9_-zZ9_-z',
      's:AbC_-0123456:99999',
    ];
    const sent = await api.sendMessage(USER.id, 'buttons', {
      reply_markup: { inline_keyboard: [data.map((d) => ({ text: d, callback_data: d }))] },
    });
    const polling = bot.start();
    try {
      const message = { chat_id: USER.id, message_id: sent.message_id };
      const ids = data.map((d) => fake.pressButton(USER, message, d));
      await fake.waitFor(() => ids.every((id) => fake.callbackAnswers.has(id)));
      expect(ids.map((id) => fake.callbackAnswers.get(id)?.text)).toEqual([
        'removed',
        'paged',
        'other',
        'other',
      ]);
    } finally {
      await bot.stop();
      await polling;
    }
    expect(seen).toEqual([
      'unfollow zZ9_-zZ9_-zZ en',
      'page 5',
      'other u:zZ9_-zZ9_-z',
      'other s:AbC_-0123456:99999',
    ]);
  });
});
