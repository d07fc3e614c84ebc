import fc from 'fast-check';
import { Api, Bot } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../../src/bot/context.ts';
import { editorsOnly } from '../../src/bot/editors.ts';
import { createI18n, LRM, langOf, markLines, textsFor } from '../../src/bot/i18n.ts';
import { type BotApiFake, startBotApiFake } from '../../src/demo/bot-api-fake.ts';
import { RLM } from '../../src/telegram/bidi.ts';

describe('langOf', () => {
  it('is English for en, en-GB, EN-us; Arabic for everything else', () => {
    for (const code of ['en', 'EN', 'en-GB', 'en-US', 'En-au']) expect(langOf(code)).toBe('en');
    for (const code of [undefined, '', 'ar', 'fa', 'fr', 'e', ' en', 'ar-en', 'de-EN']) {
      expect(langOf(code)).toBe('ar');
    }
  });

  it('keeps the rule of the four functions it replaces, for any language code', () => {
    const before = (code: string | undefined) =>
      typeof code === 'string' && code.toLowerCase().startsWith('en') ? 'en' : 'ar';
    fc.assert(
      fc.property(fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), (code) => {
        expect(langOf(code)).toBe(before(code));
      }),
    );
  });
});

describe('the dictionaries', () => {
  /** Every key path with the type of its value, so ar and en can be compared at run time too. */
  function shape(value: unknown, path = ''): string[] {
    if (Array.isArray(value)) return [`${path}: array`];
    if (typeof value === 'object' && value !== null) {
      return Object.entries(value).flatMap(([k, v]) => shape(v, `${path}.${k}`));
    }
    return [`${path}: ${typeof value}`];
  }

  it('have the same keys, of the same kinds, in Arabic and English', () => {
    expect(shape(textsFor('en'))).toEqual(shape(textsFor('ar')));
    expect(textsFor('en').start.lines).toHaveLength(textsFor('ar').start.lines.length);
    expect(textsFor('en').start.commands.map((c) => c.command)).toEqual(
      textsFor('ar').start.commands.map((c) => c.command),
    );
  });

  it('are in their own language', () => {
    const arabic = /[\u0600-\u06FF]/;
    expect(textsFor('ar').sources.none).toMatch(arabic);
    expect(textsFor('ar').access.editorsOnly).toMatch(arabic);
    expect(textsFor('en').access.editorsOnly).not.toMatch(arabic);
    expect(textsFor('en').search.long(256)).toBe(
      'Sorry, that search is too long (at most 256 characters). Type a few words.',
    );
  });
});

describe('markLines', () => {
  it('leads each non-empty line with the mark of the language', () => {
    expect(markLines('ar', ['أ', '', 'ب'])).toBe(`${RLM}أ\n\n${RLM}ب`);
    expect(markLines('en', ['a', '', 'b'])).toBe(`${LRM}a\n\n${LRM}b`);
  });
});

describe('ctx.lang and ctx.t in a bot', () => {
  const AR = { id: 8201, first_name: 'قارئ', language_code: 'ar' };
  const EN = { id: 8202, first_name: 'Reader', language_code: 'en-GB' };
  const NONE = { id: 8203, first_name: 'X' };
  // A separate chat for the button: the fake keeps Telegram's ~1 message a second per chat.
  const PRESSER = { id: 8204, first_name: 'Ann', language_code: 'en' };
  let fake: BotApiFake;
  let api: Api;

  beforeAll(async () => {
    fake = await startBotApiFake();
    api = new Api(fake.token, { apiRoot: fake.apiRoot, timeoutSeconds: 5 });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('sets the language once for every later handler; editorsOnly refuses in it', async () => {
    const bot = new Bot<BotContext>(fake.token, {
      client: { apiRoot: fake.apiRoot },
      botInfo: fake.botInfo,
    });
    const errors: unknown[] = [];
    bot.catch((err) => {
      errors.push(err.error);
    });
    bot.use(createI18n());
    bot.hears('hi', () => {});
    bot.command('lang', (ctx) => ctx.reply(`${ctx.lang} ${ctx.t.latest.untitled}`));
    bot.use(editorsOnly(async () => false));
    bot.on('message', () => {
      throw new Error('a non-editor got past editorsOnly');
    });

    fake.userSends(PRESSER, 'hi');
    const sent = await api.sendMessage(PRESSER.id, 'review', {
      reply_markup: { inline_keyboard: [[{ text: 'ok', callback_data: 'rv:ok:x' }]] },
    });
    const polling = bot.start();
    try {
      for (const user of [AR, EN, NONE]) {
        fake.userSends(user, '/lang');
        fake.userSends(user, '/sources');
      }
      const press = fake.pressButton(
        PRESSER,
        { chat_id: PRESSER.id, message_id: sent.message_id },
        'rv:ok:x',
      );
      await fake.waitFor(() => fake.callbackAnswers.has(press));
      for (const user of [AR, EN, NONE]) await fake.waitForMessages(user.id, 2);
      expect(fake.callbackAnswers.get(press)).toMatchObject({
        text: 'This command is for editors only.',
        show_alert: true,
      });
    } finally {
      await bot.stop();
      await polling;
    }
    expect(errors).toEqual([]);
    const texts = (id: number) => fake.messages(id).map((m) => m.text);
    expect(texts(AR.id)).toEqual(['ar بلا عنوان', 'عذراً، هذا الأمر للمحررين فقط.']);
    expect(texts(EN.id)).toEqual(['en Untitled', 'Sorry, this command is for editors only.']);
    expect(texts(NONE.id)).toEqual(['ar بلا عنوان', 'عذراً، هذا الأمر للمحررين فقط.']);
  });
});
