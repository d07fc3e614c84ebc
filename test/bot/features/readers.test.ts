import { Api } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../../src/article/input.ts';
import { buildArticle } from '../../../src/article/pipeline.ts';
import type { Section } from '../../../src/article/types.ts';
import { refreshChannelNames } from '../../../src/bot/features/start.ts';
import type { FakeMessage, UserSpec } from '../../../src/demo/bot-api-fake.ts';
import { parseTelegramHtml } from '../../../src/demo/telegram-html.ts';
import { createSender } from '../../../src/jobs/send.ts';
import type { Newsbot } from '../../../src/main.ts';
import { createSearchIndex, postedIndexDocs } from '../../../src/store/search-index.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../../support/newsbot.ts';

// Issue 14 through the Bot API fake: results worth reading, links that open, the follow button
// and its deep link, menus and /help by role, /stats, and section filters.

const EDITOR: UserSpec = { id: 9001, first_name: 'محرر', language_code: 'ar' };
const EDITORS_CHAT = { id: -1009999000001, title: 'غرفة التحرير' };

interface Story {
  text: string;
  url: string;
  publisher: string;
  section: Section;
}

const DERBY: Story = {
  url: 'https://sport.example/derby',
  publisher: 'الصباح الرياضي',
  section: 'sport',
  text: [
    'الترجي يفوز على النجم الساحلي في قمة الجولة',
    '',
    'حقق فريق الترجي الرياضي فوزاً ثميناً على النجم الساحلي بهدفين دون رد في قمة الجولة العاشرة من البطولة.',
    '',
    'وسجل المهاجم الهدفين في الشوط الثاني أمام جماهير غفيرة ملأت مدرجات الملعب الأولمبي.',
  ].join('\n'),
};
const INSURER: Story = {
  url: 'https://eco.example/insurer',
  publisher: 'الاقتصادي',
  section: 'economy',
  text: [
    'شركة الترجي للتأمين تعلن ارتفاع أرباحها السنوية',
    '',
    'أعلنت شركة الترجي للتأمين أن أرباحها السنوية ارتفعت بنسبة عشرين في المائة مقارنة بالعام الماضي.',
    '',
    'وقال المدير العام إن الشركة تعتزم توسيع شبكة فروعها في المدن الداخلية خلال العام المقبل.',
  ].join('\n'),
};
const CUSTOMS: Story = {
  url: 'https://local.example/customs',
  publisher: 'موزاييك',
  section: 'local',
  text: [
    'قلعة سنان : حجز سيارة مهربة محملة بالسجائر',
    '',
    'تمكنت وحدات الحرس الديواني بقلعة سنان من حجز سيارة مهربة محملة بكميات كبيرة من السجائر الأجنبية.',
    '',
    'وأذنت النيابة العمومية بفتح بحث تحقيقي في الغرض وإيقاف السائق.',
  ].join('\n'),
};
const STORIES = [DERBY, INSURER, CUSTOMS];

const articleOf = (s: Story) =>
  buildArticle(rawFromInput(s.text, { url: s.url, publisher: s.publisher }));

let t: TestBot;
let app: Newsbot;
let nextUser = 9100;
const newUser = (lang = 'ar'): UserSpec => ({
  id: nextUser++,
  first_name: 'قارئ',
  language_code: lang,
});

const links = (m: FakeMessage): string[] =>
  m.entities
    .filter((e): e is MessageEntity.TextLinkMessageEntity => e.type === 'text_link')
    .map((e) => e.url);
const bolds = (m: FakeMessage): string[] =>
  m.entities
    .filter((e) => e.type === 'bold')
    .map((e) => (m.text ?? '').slice(e.offset, e.offset + e.length));

function valid(m: FakeMessage): string {
  expect(m.parse_mode).toBe('HTML');
  expect(() => parseTelegramHtml(m.html ?? '')).not.toThrow();
  return m.text ?? '';
}

async function press(user: UserSpec, m: FakeMessage, label: RegExp): Promise<FakeMessage> {
  const button = m.reply_markup?.inline_keyboard
    .flat()
    .find((b) => label.test(b.text) && 'callback_data' in b);
  if (!button || !('callback_data' in button)) throw new Error(`no button ${label}`);
  const before = t.fake.messages(user.id).length;
  t.fake.pressButton(user, m, button.callback_data);
  return (await t.fake.waitForMessages(user.id, before + 1))[before]!;
}

beforeAll(async () => {
  t = await createTestBot({
    name: 'readers',
    env: {
      // Numeric: the username must come from getChat for links to be public.
      CHANNEL_ID: String(CHANNEL.id),
      POST_FOLLOW_BUTTON: 'true',
      EDITOR_IDS: String(EDITOR.id),
      EDITORS_CHAT_ID: String(EDITORS_CHAT.id),
      PRIVATE_RATE_PER_MINUTE: '50',
    },
  });
  t.fake.addGroup({ ...EDITORS_CHAT, botIsMember: true });
  app = await t.start({ ROLE: 'all' });
  for (const s of STORIES) await t.enqueueText(s.text, { url: s.url, publisher: s.publisher });
  await until(
    async () => {
      const ids = await t.redis.zrange(t.keys.timeline, '0', '-1');
      if (ids.length < STORIES.length) return false;
      const done = await Promise.all(ids.map((id) => t.redis.exists(t.keys.postHook(id))));
      return done.every((d) => d === 1);
    },
    { timeoutMs: 60_000, what: 'every story posted and indexed' },
  );
  // The section classifier is another helper's work: give the stored articles their sections
  // and reindex, as `newsbot reindex` would after it lands.
  for (const s of STORIES) {
    const a = await t.articles.get(articleOf(s).id);
    if (!a) throw new Error('story not stored');
    await t.articles.save({ ...a, section: s.section });
  }
  await createSearchIndex({ redis: t.redis, keys: t.keys }).rebuild(
    postedIndexDocs({ redis: t.redis, keys: t.keys }),
  );
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('results worth reading', () => {
  it('shows headline, source, date and the story line with the matched words in bold', async () => {
    const reply = await t.ask(newUser(), '/search حجز سيارة');
    const text = valid(reply);
    expect(text).toContain(articleOf(CUSTOMS).title);
    expect(text).toContain('📰 \u2068موزاييك\u2069');
    expect(bolds(reply)).toEqual(expect.arrayContaining(['حجز', 'سيارة']));
    // The snippet line is isolated and every line keeps the Arabic direction mark.
    const snippet = text.split('\n').find((l) => l.includes('الحرس الديواني'));
    expect(snippet).toMatch(/^\u200F\u2068.*\u2069$/);
    for (const line of text.split('\n').filter(Boolean)) expect(line[0]).toBe('\u200F');
  });

  it('escapes what a story holds and keeps a result under the message limit', async () => {
    const reply = await t.ask(newUser(), '/search الترجي');
    const text = valid(reply);
    expect(text.length).toBeLessThan(4096);
    expect(bolds(reply).filter((b) => b === 'الترجي').length).toBeGreaterThanOrEqual(2);
  });

  it('/latest shows source and lead without bold', async () => {
    const reply = await t.ask(newUser(), '/latest');
    const text = valid(reply);
    for (const s of STORIES) expect(text).toContain(s.publisher);
    expect(text).toContain('حقق فريق الترجي');
    expect(bolds(reply).every((b) => /^\d+\.$/.test(b))).toBe(true);
  });

  it('filters a search by section: "رياضة: الترجي" and "economy: الترجي"', async () => {
    const sport = valid(await t.ask(newUser(), '/search رياضة: الترجي'));
    expect(sport).toContain(articleOf(DERBY).title);
    expect(sport).not.toContain(articleOf(INSURER).title);
    expect(sport).toContain('رياضة');
    const eco = valid(await t.ask(newUser('en'), 'economy: الترجي'));
    expect(eco).toContain(articleOf(INSURER).title);
    expect(eco).not.toContain(articleOf(DERBY).title);
    expect(eco).toContain('In section: Economy');
  });

  it('offers the sections of the results as buttons, which narrow the search in place', async () => {
    const user = newUser();
    const reply = await t.ask(user, 'الترجي');
    const labels = reply.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];
    expect(labels).toEqual(expect.arrayContaining(['🏷 رياضة', '🏷 اقتصاد']));
    const button = reply.reply_markup?.inline_keyboard.flat().find((b) => b.text === '🏷 اقتصاد');
    if (!button || !('callback_data' in button)) throw new Error('no section button');
    const edits = reply.edit_history.length;
    t.fake.pressButton(user, reply, button.callback_data);
    await t.fake.waitFor(() => reply.edit_history.length > edits);
    const narrowed = t.fake.messages(user.id).find((m) => m.message_id === reply.message_id)!;
    expect(valid(narrowed)).toContain(articleOf(INSURER).title);
    expect(narrowed.text).not.toContain(articleOf(DERBY).title);
    expect(narrowed.reply_markup).toBeUndefined();
  });
});

describe('links that open', () => {
  it('links a public channel as t.me/<username>/<n>, from getChat, though CHANNEL_ID is numeric', async () => {
    const reply = await t.ask(newUser(), '/search حجز سيارة');
    const [link] = links(reply);
    expect(link).toMatch(/^https:\/\/t\.me\/akhbar_test\/\d+$/);
    expect(t.fake.requests.some((r) => r.method === 'getChat')).toBe(true);
  });

  it('switches to t.me/c/… when the channel turns private, and to the new name on a rename', async () => {
    t.fake.setChatUsername(CHANNEL.id, undefined);
    // The next update from the channel carries its current (absent) username.
    t.fake.channelPost(CHANNEL.id, 'منشور من المحرر');
    await until(
      async () => !(await t.redis.hexists(`${t.keys.bull}:chat:usernames`, String(CHANNEL.id))),
    );
    const reply = await t.ask(newUser(), '/search حجز سيارة');
    expect(links(reply)[0]).toMatch(/^https:\/\/t\.me\/c\/1234567890\/\d+$/);

    // A rename with no update seen: the periodic getChat refresh picks it up.
    t.fake.setChatUsername(CHANNEL.id, 'akhbar_new');
    await refreshChannelNames({
      ...app.services,
      api: new Api(t.fake.token, { apiRoot: t.fake.apiRoot }),
    });
    const again = await t.ask(newUser(), '/search حجز سيارة');
    expect(links(again)[0]).toMatch(/^https:\/\/t\.me\/akhbar_new\/\d+$/);
    t.fake.setChatUsername(CHANNEL.id, CHANNEL.username);
    await refreshChannelNames({
      ...app.services,
      api: new Api(t.fake.token, { apiRoot: t.fake.apiRoot }),
    });
  });
});

describe('from a channel post to a follow', () => {
  it('puts a deep-link follow button under posts; /start shows the topic, Follow and More', async () => {
    const derby = articleOf(DERBY);
    const post = t.fake
      .messages(CHANNEL.id)
      .find((m) => (m.text ?? m.caption ?? '').includes(derby.title));
    const button = post?.reply_markup?.inline_keyboard.flat()[0];
    if (!button || !('url' in button) || !button.url) throw new Error('no url button');
    expect(button.url).toBe(`https://t.me/${t.fake.botInfo.username}?start=f_${derby.id}`);
    expect(button.url.split('start=')[1]!.length).toBeLessThanOrEqual(64);

    const reader = newUser();
    const before = t.fake.messages(reader.id).length;
    t.fake.openLink(reader, button.url);
    const [card] = (await t.fake.waitForMessages(reader.id, before + 1)).slice(before);
    const text = valid(card!);
    expect(text).toContain('📌 الموضوع:');
    expect(text).toContain(derby.title);

    const followed = await press(reader, card!, /تابع هذا الموضوع/);
    expect(followed.text).toContain('🔔');
    const follows = await app.services.follows.list(reader.id);
    expect(follows).toHaveLength(1);
    expect(text).toContain(follows[0]!.query);

    const more = await press(reader, card!, /المزيد/);
    expect(valid(more)).toContain(derby.title);
  });

  it("keeps the button when an editor's edit rewrites the post", async () => {
    const customs = articleOf(CUSTOMS);
    const [post] = await t.posts.list(customs.id);
    const stored = await t.articles.get(customs.id);
    if (!post || !stored) throw new Error('no post');
    expect(
      await createSender(app.services).editPost(post, {
        ...stored,
        title: `${stored.title} (محدّث)`,
      }),
    ).toBe('ok');
    const edited = t.fake.messages(CHANNEL.id).find((m) => m.message_id === post.messageId);
    expect(edited?.edit_history.length).toBeGreaterThan(0);
    const button = edited?.reply_markup?.inline_keyboard.flat()[0];
    expect(button && 'url' in button ? button.url : '').toContain(`start=f_${customs.id}`);
  });

  it('answers a forged or unknown payload with a short notice, never running it', async () => {
    for (const payload of ['f_a-00000000000000000000', 'publish', 'f_../../x']) {
      const reply = await t.ask(newUser(), `/start ${payload}`);
      expect(reply.text).toContain('غير صالح');
    }
    expect(() => t.fake.openLink(newUser(), 'https://t.me/other_bot?start=f_x')).toThrow();
  });
});

describe('menus and /help by role', () => {
  const api = () => new Api(t.fake.token, { apiRoot: t.fake.apiRoot });

  it('gives subscribers their commands in private chats, in Arabic and English', async () => {
    const ar = await api().getMyCommands({ scope: { type: 'all_private_chats' } });
    const en = await api().getMyCommands({
      scope: { type: 'all_private_chats' },
      language_code: 'en',
    });
    expect(ar.map((c) => c.command)).toEqual([
      'search',
      'latest',
      'follow',
      'following',
      'unfollow',
      'help',
    ]);
    expect(en[0]?.description).toBe('Search the news');
    const help = await t.ask(newUser(), '/help');
    expect(help.text).not.toContain('/publish');
  });

  it("sets the editors' menu for the editors' chat, and for an editor at their first /help", async () => {
    const group = await api().getMyCommands({ scope: { type: 'chat', chat_id: EDITORS_CHAT.id } });
    expect(group.map((c) => c.command)).toContain('stats');
    expect(group.map((c) => c.command)).not.toContain('follow');

    const help = await t.ask(EDITOR, '/help');
    expect(help.text).toContain('/publish');
    expect(help.text).toContain('/stats');
    const mine = await api().getMyCommands({ scope: { type: 'chat', chat_id: EDITOR.id } });
    expect(mine.map((c) => c.command)).toEqual(
      expect.arrayContaining(['publish', 'queue', 'sources', 'audit', 'stats', 'search']),
    );
    const english = await t.ask({ ...EDITOR, language_code: 'en' }, '/help');
    expect(english.text).toContain('Welcome, editor');
  });
});

describe('/stats', () => {
  it('counts posts per source and section, top searches, follows and failed sends', async () => {
    const reply = await t.ask(EDITOR, '/stats');
    const text = valid(reply);
    expect(text).toContain('المنشورات: 3');
    expect(text).toContain('\u2068موزاييك\u2069: 1');
    expect(text).toContain('رياضة: 1');
    expect(text).toContain('اقتصاد: 1');
    // Each searched four times above (filtered searches count their words).
    expect(text).toMatch(/[12]\. \u2068حجز سياره\u2069 \(4\)/);
    expect(text).toMatch(/[12]\. \u2068الترجي\u2069 \(4\)/);
    expect(text).toMatch(/متابعات جديدة: [1-9]/);
    expect(text).toContain('إرسالات فاشلة محفوظة: 0');
    const en = valid(await t.ask({ ...EDITOR, language_code: 'en' }, '/stats'));
    expect(en).toContain('By section:');
    expect(en).toContain('Sport: 1');
  });

  it('is for editors only', async () => {
    const reply = await t.ask(newUser(), '/stats');
    expect(reply.text).toContain('للمحررين فقط');
  });
});
