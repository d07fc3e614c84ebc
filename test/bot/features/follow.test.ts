import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage, UserSpec } from '../../../src/demo/bot-api-fake.ts';
import { parseTelegramHtml } from '../../../src/demo/telegram-html.ts';
import { createFollowStore, MAX_FOLLOWS_PER_USER } from '../../../src/store/follows.ts';
import { createTestBot, type TestBot } from '../../support/newsbot.ts';

let t: TestBot;
let follows: ReturnType<typeof createFollowStore>;
let nextUser = 8000;
const newUser = (lang = 'ar'): UserSpec => ({
  id: nextUser++,
  first_name: 'متابع',
  language_code: lang,
});

async function ask(user: UserSpec, text: string): Promise<FakeMessage> {
  const reply = await t.ask(user, text);
  expect(() => parseTelegramHtml(reply.html ?? '')).not.toThrow();
  return reply;
}

const buttons = (m: FakeMessage) =>
  (m.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ({
    text: b.text,
    data: 'callback_data' in b ? (b.callback_data ?? '') : '',
  }));

beforeAll(async () => {
  t = await createTestBot({ name: 'follow', env: { PRIVATE_RATE_PER_MINUTE: '50' } });
  await t.start({ ROLE: 'all' });
  follows = createFollowStore({ redis: t.redis, keys: t.keys });
});
afterAll(async () => {
  await t.close();
});

describe('/follow, /following, /unfollow', () => {
  it('follows words, refuses the same follow in another letter form, and lists them', async () => {
    const user = newUser();
    expect((await ask(user, '/follow وزير الدفاع')).text).toContain('تمت متابعة «⁨وزير الدفاع⁩»');
    expect((await ask(user, '/follow الدفاع وزیر')).text).toContain('من قبل');
    await ask(user, '/follow "جمعة عناد سعدون"');
    const list = await ask(user, '/following');
    expect(list.text).toContain('1. ⁨وزير الدفاع⁩');
    expect(list.text).toContain('2. ⁨"جمعة عناد سعدون"⁩');
    expect((await follows.list(user.id)).map((f) => f.query)).toEqual([
      'وزير الدفاع',
      '"جمعة عناد سعدون"',
    ]);
  });

  it('explains usage, refuses stopwords only, and hostile text', async () => {
    const user = newUser();
    expect((await ask(user, '/follow')).text).toContain('/follow وزير الدفاع');
    expect((await ask(user, '/follow في من')).text).toContain('شائعة جداً');
    expect((await ask(user, `/follow ${'شمخاني '.repeat(100)}`)).text).toContain('طويل جداً');
    expect((await ask(user, `/follow <b>باقري</b>&`)).text).toContain('«⁨<b>باقري</b>&⁩»');
    expect(await follows.list(user.id)).toHaveLength(1);
  });

  it(`caps follows at ${MAX_FOLLOWS_PER_USER} per user`, async () => {
    const user = newUser('en');
    for (let i = 0; i < MAX_FOLLOWS_PER_USER; i++) await follows.add(user.id, `كلمة${i}`, 'en');
    expect((await ask(user, '/follow شمخاني')).text).toContain('reached the limit');
    expect(await follows.list(user.id)).toHaveLength(MAX_FOLLOWS_PER_USER);
  });

  it('/unfollow alone lists follows as buttons; pressing one removes it', async () => {
    const user = newUser();
    await ask(user, '/follow شمخاني');
    await ask(user, '/follow باقري');
    const menu = await ask(user, '/unfollow');
    const [first, second] = buttons(menu);
    expect(first?.text).toContain('شمخاني');
    expect(second?.text).toContain('باقري');
    for (const b of buttons(menu)) expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);

    const q = t.fake.pressButton(user, menu, first!.data);
    await t.fake.waitFor(() => t.fake.callbackAnswers.has(q));
    expect(t.fake.callbackAnswers.get(q)?.text).toContain('شمخاني');
    expect(menu.text).toContain('أُلغيت متابعة');
    expect(buttons(menu).map((b) => b.text)).toEqual([second?.text]);
    expect((await follows.list(user.id)).map((f) => f.query)).toEqual(['باقري']);

    // The last one: the menu says there is nothing left and loses its buttons.
    const q2 = t.fake.pressButton(user, menu, second!.data);
    await t.fake.waitFor(() => t.fake.callbackAnswers.has(q2));
    expect(menu.text).toContain('لا متابعات لديك');
    expect(menu.reply_markup).toBeUndefined();
    expect(await follows.list(user.id)).toEqual([]);
  });

  it('/unfollow <words> removes that follow, in any letter form', async () => {
    const user = newUser();
    await ask(user, '/follow کبار المسؤولين');
    await ask(user, '/follow طهران');
    expect((await ask(user, '/unfollow كبار المسؤولين')).text).toContain('أُلغيت متابعة');
    const missing = await ask(user, '/unfollow بغداد');
    expect(missing.text).toContain('لست تتابع');
    expect(buttons(missing).map((b) => b.text)).toEqual(['✖ طهران']);
  });

  it('works only in the private chat', async () => {
    const group = { id: -1005550002, title: 'مجموعة' };
    t.fake.addGroup(group);
    const user = newUser();
    const before = t.fake.messages(group.id).length;
    t.fake.pushUpdate({
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: group.id, type: 'supergroup', title: group.title },
        from: { ...user, is_bot: false },
        text: '/follow شمخاني',
        entities: [{ type: 'bot_command', offset: 0, length: 7 }],
      },
    });
    const [reply] = (await t.fake.waitForMessages(group.id, before + 1)).slice(before);
    expect(reply?.text).toContain('المحادثة الخاصة');
    expect(await follows.list(user.id)).toEqual([]);
  });
});
