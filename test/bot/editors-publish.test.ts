import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { wallClock } from '../../src/editorial/time.ts';
import { CHANNEL, until } from '../support/newsbot.ts';
import {
  buttonData,
  buttonsOf,
  Chat,
  EDITOR,
  EDITOR_B,
  type EditorsBot,
  PAGE_TITLE,
  PASTED_TEXT,
  PASTED_TITLE,
  previewOf,
  shown,
  startEditorsBot,
  startPageServer,
} from './editors-support.ts';

let e: EditorsBot;
const channelPosts = () => e.t.fake.messages(CHANNEL.id).filter((m) => !m.deleted);

beforeAll(async () => {
  e = await startEditorsBot('ed-publish');
});
afterAll(async () => {
  await e.close();
});

/** Waits for the next channel post after `count` and the editor's link notice. */
async function waitForPost(chat: Chat, count: number) {
  const [post] = (await e.t.fake.waitForMessages(CHANNEL.id, count + 1)).slice(count);
  await e.t.fake.waitFor(
    () => chat.messages.some((m) => shown(m).includes(`/${post!.message_id}`)),
    {
      message: 'the link to the channel post',
    },
  );
  return post!;
}

describe('/publish a link', () => {
  it('fetches the page, shows the exact channel message, publishes it and answers with the link', async () => {
    const chat = new Chat(e.t, EDITOR);
    const [ask] = await chat.send('/publish');
    expect(shown(ask)).toContain('أرسل رابط الخبر أو نصه');

    const before = chat.messages.length;
    chat.say(`${e.pages.origin}/article`);
    const preview = await chat.preview(before);
    expect(e.pages.requests).toContain('/article');
    // The page has an og:image: the channel gets a photo with the post as its caption.
    expect(preview.photo).toBeDefined();
    expect(shown(preview)).toContain(PAGE_TITLE);
    expect(() => parseTelegramHtml(preview.html ?? '')).not.toThrow();
    expect(buttonsOf(preview).map((b) => b.data.split(':').pop())).toEqual([
      'pub',
      'sch',
      'hl',
      'sm',
      'cx',
    ]);

    const posted = channelPosts().length;
    const replies = await chat.pressAndWait(preview, buttonData(preview, 'pub'));
    expect(shown(replies[0])).toContain('أُضيف الخبر إلى رأس الطابور');
    const post = await waitForPost(chat, posted);
    // Exactly what the preview showed, markup included.
    expect(post.caption).toBe(preview.caption);
    expect(post.html).toBe(preview.html);
    expect(post.entities).toEqual(preview.entities);
    const link = chat.messages.find((m) => shown(m).startsWith('نُشر الخبر'));
    expect(shown(link)).toBe(`نُشر الخبر: https://t.me/${CHANNEL.username}/${post.message_id}`);
    // The buttons came off the preview once pressed.
    expect(chat.messages.find((m) => m.message_id === preview.message_id)?.reply_markup).toBe(
      undefined,
    );
    expect((await e.search.search('خط لنقل النفط')).hits.map((h) => h.id)).toHaveLength(1);
  });

  it('/publish <url> skips the question, and a link already posted is not posted twice', async () => {
    const chat = new Chat(e.t, EDITOR);
    const before = chat.messages.length;
    const preview = await previewOf(chat, `${e.pages.origin}/article`);
    // The first thing the bot sent after the command is the preview itself.
    expect(chat.messages[before]?.message_id).toBe(preview.message_id);
    const posted = channelPosts().length;
    const [reply] = await chat.pressAndWait(preview, buttonData(preview, 'pub'));
    expect(shown(reply)).toBe(
      `هذا الخبر منشور من قبل: https://t.me/${CHANNEL.username}/${channelPosts()[posted - 1]?.message_id}`,
    );
    expect(channelPosts()).toHaveLength(posted);
  });

  it('refuses a link to a server outside FETCH_ALLOW_HOSTS (127.0.0.1), in English for English clients', async () => {
    const other = await startPageServer();
    try {
      const chat = new Chat(e.t, EDITOR_B);
      const [reply] = await chat.send(`/publish ${other.origin}/article`);
      expect(shown(reply)).toContain('That address may not be fetched (private or local network).');
      expect(shown(reply)).toContain('Send another link or the article text, or /cancel.');
      expect(other.requests).toEqual([]);
      // The conversation still waits for a usable link or text.
      const [cancelled] = await chat.send('/cancel');
      expect(shown(cancelled)).toBe('Draft cancelled.');
    } finally {
      await other.close();
    }
  });
});

describe('/publish pasted or forwarded text, with each edit path', () => {
  it('edits the headline, then the summary, shows the preview again each time, and posts the edited version', async () => {
    const chat = new Chat(e.t, EDITOR);
    await chat.send('/publish');
    let before = chat.messages.length;
    chat.say(PASTED_TEXT);
    let preview = await chat.preview(before);
    expect(preview.photo).toBeUndefined();
    expect(shown(preview)).toContain(PASTED_TITLE);

    const [askTitle] = await chat.pressAndWait(preview, buttonData(preview, 'hl'));
    expect(shown(askTitle)).toBe('أرسل العنوان الجديد.');
    // Two lines are not a headline: asked again.
    const [complaint] = await chat.send('سطر\n'.repeat(400));
    expect(shown(complaint)).toContain('العنوان يجب أن يكون');
    before = chat.messages.length;
    chat.say('  طهران وبغداد توقعان وثيقة دفاعية  ');
    preview = await chat.preview(before);
    expect(shown(preview)).toContain('طهران وبغداد توقعان وثيقة دفاعية');
    expect(shown(preview)).not.toContain(PASTED_TITLE);

    const [askSummary] = await chat.pressAndWait(preview, buttonData(preview, 'sm'));
    expect(shown(askSummary)).toContain('أرسل الملخص الجديد');
    before = chat.messages.length;
    chat.say('الجملة الأولى من الملخص الجديد.\nوالجملة الثانية منه.');
    preview = await chat.preview(before);
    expect(shown(preview)).toContain('الجملة الأولى من الملخص الجديد. والجملة الثانية منه.');

    const posted = channelPosts().length;
    await chat.pressAndWait(preview, buttonData(preview, 'pub'));
    const post = await waitForPost(chat, posted);
    expect(post.html).toBe(preview.html);
    expect(shown(post)).toContain('طهران وبغداد توقعان وثيقة دفاعية');
  });

  it('takes a forwarded message as the article text', async () => {
    const chat = new Chat(e.t, EDITOR);
    await chat.send('/publish');
    const before = chat.messages.length;
    e.t.fake.userForwards(EDITOR, {
      chatId: `@${CHANNEL.username}`,
      text: PASTED_TEXT.replace('إيران والعراق', 'إيران والعراق مجدداً'),
    });
    const preview = await chat.preview(before);
    expect(shown(preview)).toContain('إيران والعراق مجدداً');
    const [bye] = await chat.pressAndWait(preview, buttonData(preview, 'cx'));
    expect(shown(bye)).toBe('أُلغيت المسودة.');
  });
});

describe('cancel', () => {
  it('Cancel and /cancel at any step leave the draft: nothing posted, nothing kept', async () => {
    const chat = new Chat(e.t, EDITOR);
    const posted = channelPosts().length;

    // Cancel button on the preview.
    let preview = await previewOf(chat, `${e.pages.origin}/article-cancel-1`);
    expect(shown((await chat.pressAndWait(preview, buttonData(preview, 'cx')))[0])).toBe(
      'أُلغيت المسودة.',
    );

    // /cancel while the bot waits for a new headline; the next text is no headline.
    preview = await previewOf(chat, `${e.pages.origin}/article-cancel-2`);
    await chat.pressAndWait(preview, buttonData(preview, 'hl'));
    expect(shown((await chat.send('/cancel'))[0])).toBe('أُلغيت المسودة.');

    // /cancel with no draft open.
    expect(shown((await chat.send('/cancel'))[0])).toBe('لا توجد مسودة مفتوحة.');

    // /cancel while scheduling.
    preview = await previewOf(chat, `${e.pages.origin}/article-cancel-3`);
    await chat.pressAndWait(preview, buttonData(preview, 'sch'));
    expect(shown((await chat.send('/cancel'))[0])).toBe('أُلغيت المسودة.');

    await new Promise((r) => setTimeout(r, 300));
    expect(channelPosts()).toHaveLength(posted);
    expect(await e.t.redis.keys(`{${e.t.config.REDIS_PREFIX}}:draft:*`)).toEqual([]);
    // Deleted once the update is handled, just after the reply went out.
    await until(async () => (await e.t.redis.exists(e.t.keys.conversation(EDITOR.id))) === 0);
  });

  it('a second /publish while a draft is open is refused', async () => {
    const chat = new Chat(e.t, EDITOR);
    const preview = await previewOf(chat, `${e.pages.origin}/article-busy`);
    expect(shown((await chat.send('/publish'))[0])).toBe(
      'لديك مسودة مفتوحة. أكملها أو أرسل /cancel أولاً.',
    );
    // Other editor commands still work meanwhile, and the draft is still there after them.
    expect(shown((await chat.send('/queue'))[0])).toContain('الطابور');
    await chat.pressAndWait(preview, buttonData(preview, 'cx'));
  });
});

describe('rate limits', () => {
  it('waits out a short 429 on a reply instead of dropping the conversation', async () => {
    const chat = new Chat(e.t, EDITOR);
    const start = e.t.fake.requests.length;
    e.t.fake.injectFault({
      method: 'sendMessage',
      chatId: EDITOR.id,
      kind: 'rateLimit',
      retryAfter: 1,
    });
    const [ask] = await chat.send('/publish');
    expect(shown(ask)).toContain('أرسل رابط الخبر أو نصه');
    e.t.fake.injectFault({
      method: 'sendPhoto',
      chatId: EDITOR.id,
      kind: 'rateLimit',
      retryAfter: 1,
    });
    const before = chat.messages.length;
    chat.say(`${e.pages.origin}/article-429`);
    const preview = await chat.preview(before);
    expect(shown((await chat.pressAndWait(preview, buttonData(preview, 'cx')))[0])).toBe(
      'أُلغيت المسودة.',
    );
    const limited = e.t.fake.requests
      .slice(start)
      .filter((r) => r.status === 429 && String(r.params.chat_id) === String(EDITOR.id));
    expect(limited.map((r) => r.method)).toEqual(['sendMessage', 'sendPhoto']);
  });
});

describe('schedule', () => {
  it('refuses a past or unreadable time, then posts at the scheduled time', async () => {
    const chat = new Chat(e.t, EDITOR);
    const preview = await previewOf(chat, `${e.pages.origin}/article-scheduled`);
    const [ask] = await chat.pressAndWait(preview, buttonData(preview, 'sch'));
    expect(shown(ask)).toContain('(بتوقيت Asia/Riyadh)');
    expect(shown((await chat.send('2020-01-01 10:00'))[0])).toContain('هذا الوقت مضى');
    expect(shown((await chat.send('بعد قليل'))[0])).toContain('لم أفهم هذا الوقت');

    const at = Math.ceil((Date.now() + 3000) / 1000) * 1000;
    const w = wallClock(at, 'Asia/Riyadh');
    const pad = (n: number) => String(n).padStart(2, '0');
    const typed = `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
    const posted = channelPosts().length;
    const [scheduled] = await chat.send(typed);
    expect(shown(scheduled)).toContain('جُدول النشر في');
    expect(channelPosts()).toHaveLength(posted);
    const [queue] = await chat.send('/queue');
    expect(shown(queue)).toContain('1 مجدول');

    const post = await waitForPost(chat, posted);
    expect(post.html).toBe(preview.html);
    const articleId = await e.t.posts.findByMessage(`@${CHANNEL.username}`, post.message_id);
    const record = await e.t.posts.get(articleId!, `@${CHANNEL.username}`);
    expect(Date.parse(record!.sentAt)).toBeGreaterThanOrEqual(at);
  });
});
