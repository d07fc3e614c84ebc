import { readFileSync } from 'node:fs';
import type { MessageEntity } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../../src/article/input.ts';
import { buildArticle } from '../../../src/article/pipeline.ts';
import {
  checkQuery,
  chooseLink,
  MAX_QUERY_LENGTH,
  USER_LIMITS,
} from '../../../src/bot/features/search.ts';
import type { FakeMessage, UserSpec } from '../../../src/demo/bot-api-fake.ts';
import { parseTelegramHtml } from '../../../src/demo/telegram-html.ts';
import type { Post } from '../../../src/store/posts.ts';
import { formatPost } from '../../../src/telegram/format.ts';
import { antAsText, antSample, FIXTURE_PATH } from '../../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../../support/newsbot.ts';

const RLM = '\u200F';
const ANT_COUNT = 80;
/** A word added to every ANT article, so one query has more results than an inline answer holds. */
const MARKER = 'الياسمين';

interface Story {
  text: string;
  url: string;
}

const FIXTURE: Story = {
  text: readFileSync(FIXTURE_PATH, 'utf8'),
  url: 'https://mena-news.example/iran-iraq',
};
// The same names as the fixture, written only in Arabic letter forms (the fixture mixes in
// Persian ی and ک): each form must find both articles.
const ARABIC_FORMS: Story = {
  url: 'https://forms.example/geneva',
  text: [
    'كبار المسؤولين في أمريكا يلتقون وزير الأمن شمخاني في جنيف',
    '',
    'عقد كبار المسؤولين في أمريكا اجتماعاً مطولاً مع وزير الأمن علي شمخاني في مدينة جنيف السويسرية لبحث ملفات إقليمية عالقة.',
    '',
    'وقال مصدر دبلوماسي إن اللقاء تناول قضايا الطاقة والملاحة في الخليج وسبل خفض التوتر.',
    '',
    'وأضاف المصدر أن الطرفين اتفقا على مواصلة المشاورات خلال الأسابيع المقبلة في العاصمة النمساوية.',
  ].join('\n'),
};
const PERSIAN_DIGITS: Story = {
  url: 'https://digits.example/palm',
  text: [
    'شركة النخلة الذهبية تعلن أرباح عام ۲۰۱۷',
    '',
    'أعلنت شركة النخلة الذهبية للتمور أن أرباحها في عام ۲۰۱۷ ارتفعت بنسبة كبيرة مقارنة بالعام السابق.',
    '',
    'وقال رئيس مجلس الإدارة إن الشركة تخطط لافتتاح فروع جديدة في ثلاث محافظات خلال العام المقبل.',
  ].join('\n'),
};
const INDIC_DIGITS: Story = {
  url: 'https://digits.example/olive',
  text: [
    'مهرجان الزيتون يعود إلى صفاقس في ٢٠١٧',
    '',
    'يعود مهرجان الزيتون الدولي إلى مدينة صفاقس في ٢٠١٧ بعد غياب دام ثلاث سنوات بسبب الظروف المالية.',
    '',
    'وينتظر المنظمون مشاركة عشرات المنتجين من داخل البلاد وخارجها في دورة هذا العام.',
  ].join('\n'),
};
const HOSTILE_TITLE: Story = {
  url: 'https://hostile.example/carnation',
  text: [
    'عنوان <b>x</b> & "تجربة" <script>alert(1)</script> في صحيفة القرنفل',
    '',
    'نشرت صحيفة القرنفل تقريراً مطولاً عن حماية المواقع الإخبارية من الشيفرات الخبيثة التي تزرع في العناوين.',
    '',
    'ودعا التقرير المحررين إلى مراجعة كل نص يصل من مصادر خارجية قبل نشره على المنصات.',
  ].join('\n'),
};
const CRAFTED = [ARABIC_FORMS, PERSIAN_DIGITS, INDIC_DIGITS, HOSTILE_TITLE];

const articleOf = (s: Story) => buildArticle(rawFromInput(s.text, { url: s.url }));
const titleOf = (s: Story) => articleOf(s).title;

let t: TestBot;
let nextUser = 7000;
const newUser = (lang = 'ar'): UserSpec => ({
  id: nextUser++,
  first_name: 'مشترك',
  language_code: lang,
});

const ask = (user: UserSpec, text: string) => t.ask(user, text);

/** Valid Telegram HTML, every line led by RLM (Arabic) — what a subscriber's client shows. */
function checkShape(m: FakeMessage): string {
  expect(m.parse_mode).toBe('HTML');
  expect(() => parseTelegramHtml(m.html ?? '')).not.toThrow();
  const text = m.text ?? '';
  for (const line of text.split('\n').filter((l) => l !== '')) expect(line[0]).toBe(RLM);
  return text;
}

const links = (m: FakeMessage): string[] =>
  m.entities
    .filter((e): e is MessageEntity.TextLinkMessageEntity => e.type === 'text_link')
    .map((e) => e.url);

/** The numbered result lines ("1. title") of a results message. */
const resultTitles = (m: FakeMessage): string[] =>
  (m.text ?? '')
    .split('\n')
    .map((l) => /^\u200F\d+\. \u2068(.*)\u2069$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined);

function buttonData(m: FakeMessage, label: RegExp): string {
  const button = m.reply_markup?.inline_keyboard
    .flat()
    .find((b) => label.test(b.text) && 'callback_data' in b);
  if (!button || !('callback_data' in button)) throw new Error(`no button ${label}`);
  return button.callback_data;
}

async function press(user: UserSpec, m: FakeMessage, label: RegExp): Promise<void> {
  const edits = m.edit_history.length;
  const id = t.fake.pressButton(user, m, buttonData(m, label));
  await t.fake.waitFor(() => m.edit_history.length > edits && t.fake.callbackAnswers.has(id));
}

beforeAll(async () => {
  // 50 a minute: with the gate's quarter-interval tolerance, the default 60 lets a 4th message
  // into one private chat 2.8 s after the first, which the fake (3 per 3 s) refuses.
  t = await createTestBot({ name: 'search', env: { PRIVATE_RATE_PER_MINUTE: '50' } });
  await t.start({ ROLE: 'all' });
  const ant = antSample(ANT_COUNT);
  for (const a of ant) {
    await t.enqueueText(`${antAsText(a)}\n\nويتابع مراسل ${MARKER} تطورات هذا الخبر.`, {
      url: a.url,
      publisher: a.source,
    });
  }
  for (const s of CRAFTED) await t.enqueueText(s.text, { url: s.url });
  // The seed article last: the newest post.
  await t.enqueueText(FIXTURE.text, { url: FIXTURE.url, publisher: 'ميدل ايست نيوز' });
  const total = ant.length + CRAFTED.length + 1;
  await until(
    async () =>
      (await t.redis.zcard(t.keys.timeline)) + (await t.redis.xlen(t.keys.dropped)) >= total,
    { timeoutMs: 60_000, what: 'every article posted or dropped' },
  );
  // Posted, and indexed by the afterPost hook.
  await until(async () => {
    const ids = await t.redis.zrange(t.keys.timeline, '0', '-1');
    const done = await Promise.all(ids.map((id) => t.redis.exists(t.keys.postHook(id))));
    return done.every((d) => d === 1);
  });
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('/search and plain text', () => {
  it('answers /search with headline, date and t.me link of each post, valid RTL HTML', async () => {
    const reply = await ask(newUser(), '/search جمعة عناد سعدون');
    const text = checkShape(reply);
    expect(resultTitles(reply)).toEqual([titleOf(FIXTURE)]);
    expect(text).toContain(String(new Date().getUTCFullYear()));
    const [link] = links(reply);
    const messageId = Number(/^https:\/\/t\.me\/akhbar_test\/(\d+)$/.exec(link ?? '')?.[1]);
    expect(await t.posts.findByMessage(String(CHANNEL.id), messageId)).toBe(articleOf(FIXTURE).id);
  });

  it('searches a plain text message in the private chat', async () => {
    const reply = await ask(newUser(), 'شمخاني');
    checkShape(reply);
    expect(resultTitles(reply).sort()).toEqual([titleOf(FIXTURE), titleOf(ARABIC_FORMS)].sort());
  });

  it.each([
    ['وزير', 'وزیر'],
    ['شمخاني', 'شمخانی'],
    ['كبار', 'کبار'],
    ['أمريكا', 'أمریکا'],
  ])('finds Arabic and Persian letter forms alike: %s ↔ %s', async (arabic, persian) => {
    // With شمخاني, which only these two articles hold; each has the word in one form only
    // or in both, so each form must find both articles.
    const user = newUser();
    for (const form of [arabic, persian]) {
      const reply = await ask(user, `${form} شمخاني`);
      checkShape(reply);
      expect(reply.text).not.toContain('⚠️');
      expect(resultTitles(reply).sort()).toEqual([titleOf(FIXTURE), titleOf(ARABIC_FORMS)].sort());
    }
  });

  it('finds a "quoted phrase" only in that order, and suggests dropping the quotes', async () => {
    const user = newUser();
    expect(resultTitles(await ask(user, '"وزير الأمن"'))).toEqual([titleOf(ARABIC_FORMS)]);
    const reversed = await ask(user, '"سعدون عناد"');
    const text = checkShape(reversed);
    expect(resultTitles(reversed)).toEqual([]);
    expect(text).toContain('لا توجد نتائج');
    expect(text).toContain('دون علامتي التنصيص');
  });

  it('matches Arabic-Indic, Persian and Latin digits alike', async () => {
    const user = newUser();
    const headers: string[] = [];
    for (const digits of ['٢٠١٧', '۲۰۱۷', '2017']) {
      const reply = await ask(user, `/search ${digits}`);
      headers.push((reply.text ?? '').split('\n')[0]!.replace(digits, ''));
      expect(resultTitles(await ask(user, `النخلة ${digits}`))).toEqual([titleOf(PERSIAN_DIGITS)]);
      expect(resultTitles(await ask(user, `الزيتون ${digits}`))).toEqual([titleOf(INDIC_DIGITS)]);
    }
    // The same result count for all three spellings.
    expect(new Set(headers).size).toBe(1);
  });

  it('says when nothing matches and suggests a shorter query', async () => {
    const reply = await ask(newUser(), 'زقزقةغيرموجودة');
    const text = checkShape(reply);
    expect(text).toContain('لا توجد نتائج');
    expect(text).toContain('جرّب بحثاً أقصر');
    expect(reply.reply_markup).toBeUndefined();
  });

  it('marks any-word fallback results', async () => {
    const reply = await ask(newUser(), 'شمخاني زقزقةغيرموجودة');
    const text = checkShape(reply);
    expect(text).toContain('لا يوجد خبر يحوي كل الكلمات');
    expect(resultTitles(reply)).toContain(titleOf(FIXTURE));
  });

  it('pages with Next and Previous, editing the same message', async () => {
    const user = newUser();
    const reply = await ask(user, MARKER);
    const page1 = reply.text;
    const first = resultTitles(reply);
    expect(first).toHaveLength(5);
    expect(page1).toMatch(/1–5 من \d+/);
    expect(() => buttonData(reply, /السابق/)).toThrow();

    await press(user, reply, /التالي/);
    const second = resultTitles(reply);
    expect(second).toHaveLength(5);
    expect(second.filter((title) => first.includes(title))).toEqual([]);
    expect(reply.text).toMatch(/6–10 من \d+/);
    checkShape(reply);
    // Still one message: the page was edited in place.
    expect(t.fake.messages(user.id)).toHaveLength(1);

    await press(user, reply, /السابق/);
    expect(reply.text).toBe(page1);
    expect(reply.edit_history).toHaveLength(2);
    // Callback data stays far under Telegram's 64 bytes.
    for (const b of reply.reply_markup?.inline_keyboard.flat() ?? []) {
      if ('callback_data' in b) expect(Buffer.byteLength(b.callback_data ?? '')).toBeLessThan(32);
    }
  });

  it('answers in English for an English user', async () => {
    const reply = await ask(newUser('en'), MARKER);
    expect(reply.text).toMatch(/Results for .*: 1–5 of \d+/);
    expect(() => buttonData(reply, /Next/)).not.toThrow();
  });
});

describe('hostile queries', () => {
  it('escapes HTML in the query and in titles', async () => {
    const user = newUser();
    const echo = await ask(user, '<b>x</b>& زقزقةغيرموجودة');
    expect(checkShape(echo)).toContain('<b>x</b>&');
    const found = await ask(user, 'القرنفل');
    checkShape(found);
    expect(resultTitles(found)).toEqual([titleOf(HOSTILE_TITLE)]);
    expect(titleOf(HOSTILE_TITLE)).toContain('<b>x</b>');
  });

  it('strips a few bidi controls, refuses text full of them, long text and junk', async () => {
    const user = newUser();
    const bidi = await ask(user, '\u202Eشمخاني\u2066 جنيف\u2069');
    checkShape(bidi);
    expect(resultTitles(bidi)).toEqual([titleOf(ARABIC_FORMS)]);

    const controls = await ask(user, `${'\u202E\u2066\u0007'.repeat(10)}وزير`);
    expect(checkShape(controls)).toContain('رموز تحكّم');

    const long = await ask(user, 'وزير الدفاع '.repeat(1000));
    expect(checkShape(long)).toContain(`الحد ${MAX_QUERY_LENGTH}`);

    const junk = await ask(user, '!!! ؟؟؟');
    expect(checkShape(junk)).toContain('لم أجد كلمات');
  });

  it('limits searches per user and says when to try again, once', async () => {
    const user = newUser();
    for (let i = 0; i < USER_LIMITS.search; i++) {
      expect(resultTitles(await ask(user, 'شمخاني')).length).toBeGreaterThan(0);
    }
    const refused = await ask(user, 'شمخاني');
    const text = checkShape(refused);
    const seconds = Number(/بعد (\d+) ثانية/.exec(text)?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    // A second refusal in the same window is silent: the next reply is the one to /help.
    t.fake.userSends(user, 'شمخاني');
    const help = await ask(user, '/help');
    expect(help.text).toContain('أهلاً بك');
    expect(t.fake.messages(user.id)).toHaveLength(USER_LIMITS.search + 2);
    // Another user is not affected.
    expect(resultTitles(await ask(newUser(), 'شمخاني')).length).toBeGreaterThan(0);
  });

  it('checkQuery accepts words and refuses what a person would not type', () => {
    expect(checkQuery(' وزير\u200F الدفاع ')).toEqual({ ok: true, query: 'وزير الدفاع' });
    expect(checkQuery('x'.repeat(MAX_QUERY_LENGTH + 1))).toEqual({ ok: false, reason: 'long' });
    expect(checkQuery('\u0000\u0001\u0002وز')).toEqual({ ok: false, reason: 'control' });
    expect(checkQuery('في')).toEqual({ ok: true, query: 'في' });
    expect(checkQuery('...')).toEqual({ ok: false, reason: 'empty' });
    expect(checkQuery(undefined)).toEqual({ ok: false, reason: 'empty' });
  });

  it('chooseLink prefers the first channel post with a t.me link, else the original URL', () => {
    const post = (chat: string, chatId: number): Post => ({
      articleId: 'a',
      chat,
      chatId,
      messageId: 7,
      sentAt: '',
      kind: 'text',
    });
    const url = 'https://example.com/story';
    expect(
      chooseLink({ url }, [post('@second', 1), post('@first', 2)], ['@first', '@second']),
    ).toBe('https://t.me/first/7');
    expect(chooseLink({ url }, [post('-4001', -4001)], ['-4001'])).toBe(url);
    expect(chooseLink({ url: 'javascript:alert(1)' }, [], [])).toBeUndefined();
  });
});

describe('/latest', () => {
  it('lists the ten newest posts, newest first, with links', async () => {
    const reply = await ask(newUser(), '/latest');
    checkShape(reply);
    const newest = await t.redis.zrevrange(t.keys.timeline, 0, 9);
    const articles = await t.articles.getMany(newest);
    expect(resultTitles(reply)).toEqual(articles.map((a) => a?.title));
    expect(resultTitles(reply)[0]).toBe(titleOf(FIXTURE));
    expect(links(reply)).toHaveLength(10);
    for (const link of links(reply)) expect(link).toMatch(/^https:\/\/t\.me\/akhbar_test\/\d+$/);
  });
});

describe('inline mode', () => {
  it('pages matching articles with next_offset, at most 50 a time, short cache', async () => {
    const user = newUser();
    const seen = new Set<string>();
    let offset = '';
    let pages = 0;
    do {
      const id = t.fake.inlineQuery(user, MARKER, offset);
      const answer = await t.fake.waitForInlineAnswer(id);
      expect(answer.results.length).toBeLessThanOrEqual(50);
      expect(answer.cache_time).toBeLessThanOrEqual(60);
      for (const r of answer.results) {
        expect(seen.has(String(r.id))).toBe(false);
        seen.add(String(r.id));
      }
      offset = answer.next_offset;
      pages++;
      if (pages === 1) {
        expect(answer.results).toHaveLength(50);
        expect(offset).toBe('50');
      }
    } while (offset !== '' && pages < 5);
    expect(pages).toBe(2);
    const marked = await t.redis.zcard(t.keys.timeline);
    // Every ANT article carries the marker; the crafted ones do not.
    expect(seen.size).toBe(marked - CRAFTED.length - 1);
  });

  it('sends the formatted post when a result is chosen', async () => {
    const group = { id: -1005550001, title: 'نقاش' };
    t.fake.addGroup(group);
    const user = newUser();
    const id = t.fake.inlineQuery(user, 'جمعة عناد سعدون');
    const answer = await t.fake.waitForInlineAnswer(id);
    const article = articleOf(FIXTURE);
    expect(answer.results.map((r) => r.id)).toEqual([article.id]);
    const sent = t.fake.chooseInlineResult(user, id, article.id, group.id);
    const stored = await t.articles.get(article.id);
    expect(sent.html).toBe(formatPost(stored!).html);
    expect(sent.parse_mode).toBe('HTML');
    expect(sent.via_bot?.username).toBe(t.fake.botInfo.username);
    expect(sent.text).toContain(article.title);
  });

  it('lists the latest posts for an empty query, and answers junk with no results', async () => {
    const user = newUser();
    const latest = await t.fake.waitForInlineAnswer(t.fake.inlineQuery(user, ''));
    expect(latest.results[0]?.id).toBe(articleOf(FIXTURE).id);
    expect(latest.next_offset).toBe('50');
    const junk = await t.fake.waitForInlineAnswer(t.fake.inlineQuery(user, '\u202E'.repeat(40)));
    expect(junk.results).toEqual([]);
    const badOffset = await t.fake.waitForInlineAnswer(
      t.fake.inlineQuery(user, 'شمخاني', 'not-a-number'),
    );
    expect(badOffset.results.length).toBe(2);
  });
});

describe('pacing', () => {
  // Runs last: covers every reply and edit the tests above made.
  it('paces replies through the rate gate: no private-chat send was refused with a 429', () => {
    const refused = t.fake.requests.filter((r) => r.status === 429 && Number(r.params.chat_id) > 0);
    expect(refused).toEqual([]);
    expect(t.fake.earlyRetries).toBe(0);
  });
});
