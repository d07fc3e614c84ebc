import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { runCliCaptured } from '../support/cli.ts';
import { antAsText, antSample, FIXTURE_PATH } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';

const SECOND = { id: -1009876543210, title: 'أخبار ٢' };

/** Rewrites Arabic letters in Persian forms, as some sites do: the same story, other bytes. */
const persianise = (s: string) => s.replace(/ي/g, 'ی').replace(/ك/g, 'ک');

describe('delivery: queue to channel', () => {
  let t: TestBot;
  const fixture = readFileSync(FIXTURE_PATH, 'utf8');
  const ant = antSample(200);

  beforeAll(async () => {
    t = await createTestBot({
      name: 'e2e',
      env: { CHANNEL_ID: `@${CHANNEL.username},${SECOND.id}` },
    });
    t.fake.addChannel(SECOND);
    await t.start();
  });
  afterAll(async () => {
    await t.close();
  });

  it('posts the fixture and 200 ANT articles once each, valid HTML, in arrival order, duplicates dropped', async () => {
    const order: string[] = [];
    const enqueue = async (text: string, opts: { url?: string; publisher?: string }) => {
      await t.enqueueText(text, opts);
      order.push(opts.url ?? text.slice(0, 40));
    };
    await enqueue(fixture, { url: 'https://mena-news.example/iran-iraq?utm_source=tg' });
    for (const a of ant) await enqueue(antAsText(a), { url: a.url, publisher: a.source });
    // Three duplicates: the same URL again (tracking parameters differ), the same text under
    // another URL, and the fixture reworded: Persian letter forms, a dateline, a few words changed.
    await t.enqueueText(fixture, { url: 'https://mena-news.example/iran-iraq?utm_medium=x' });
    await t.enqueueText(antAsText(ant[5]!), { url: 'https://mirror.example/copy-5' });
    const reworded = persianise(
      fixture
        .replace('استقبل رئيس', 'طهران - إرنا: استقبل رئيس')
        .replace('صباح اليوم الأحد', 'اليوم')
        .replace('وسبل منع زعزعة الأمن في المنطقة، ', ''),
    );
    await t.enqueueText(reworded, { url: 'https://other.example/story' });

    const expected = 1 + ant.length;
    for (const chat of [`@${CHANNEL.username}`, SECOND.id]) {
      await t.fake.waitForMessages(chat, expected, { timeoutMs: 60_000 });
    }
    // Wait until all three duplicates are accounted for, then give any stray post time to show.
    await until(async () => (await t.redis.xlen(t.keys.dropped)) >= 3, { what: '3 dropped' });
    await until(async () => (await t.queues.articles.getWaitingCount()) === 0);
    await new Promise((r) => setTimeout(r, 500));

    const dropped = await t.redis.xrange(t.keys.dropped, '-', '+');
    const reasons = dropped.map(([, fields]) => fields[fields.indexOf('reason') + 1]);
    expect(reasons.sort()).toEqual(['content', 'same-id', 'similar']);
    for (const [, fields] of dropped) {
      expect(fields[fields.indexOf('duplicate_of') + 1]).toMatch(/^[ah]-[0-9a-f]{20}$/);
    }

    for (const chatId of [CHANNEL.id, SECOND.id]) {
      const messages = t.fake.messages(chatId);
      expect(messages).toHaveLength(expected);
      // Each message is valid Telegram HTML and carries its own article: map back via Post records.
      const seqs: number[] = [];
      for (const m of messages) {
        expect(m.parse_mode).toBe('HTML');
        expect(() => parseTelegramHtml(m.html ?? '')).not.toThrow();
        const articleId = await t.posts.findByMessage(String(chatId), m.message_id);
        expect(articleId).toBeDefined();
        const article = await t.articles.get(articleId!);
        expect(m.text).toContain(article!.title.slice(0, 20));
        seqs.push(article!.seq);
      }
      expect(new Set(seqs).size).toBe(expected);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
    // Sends are paced 4% under the limits. The fake, the workers and this test share one event
    // loop, so a stalled tick can still squeeze a window now and then: a 429 is then honoured,
    // never retried early (bench/delivery measures the 429s with workers in their own processes).
    expect(t.fake.earlyRetries).toBe(0);
    expect(
      t.fake.stats.tooManyRequests.chat + t.fake.stats.tooManyRequests.global,
    ).toBeLessThanOrEqual(2);
  });

  it('sends an article with a lead image as a photo with a caption', async () => {
    await t.enqueue(
      rawFromInput(
        JSON.stringify({
          title: 'صورة: افتتاح معرض الكتاب في تونس',
          link: 'https://photo.example/book-fair',
          description:
            '<p>افتتح وزير الثقافة معرض تونس الدولي للكتاب صباح اليوم بمشاركة مئات الناشرين.</p><p>ويستمر المعرض عشرة أيام.</p>',
          imageUrl: 'https://photo.example/fair.jpg',
        }),
        { sourceId: 'test' },
      ),
      { chats: [String(SECOND.id)] },
    );
    const photo = await until(() => t.fake.messages(SECOND.id).find((m) => m.photo));
    // Telegram fetches the URL and answers with a file id; the request shows what we sent.
    expect(photo.photo).toMatch(/^AgAC/);
    const sent = t.fake.requests.find((r) => r.method === 'sendPhoto' && r.status === 200);
    expect(sent?.params.photo).toBe('https://photo.example/fair.jpg');
    expect(photo?.caption).toContain('افتتاح معرض الكتاب');
    expect((photo?.caption ?? '').length).toBeLessThanOrEqual(1024);
  });

  it('cli enqueue puts one article on the queue and prints the id it is posted under', async () => {
    const text =
      'عاجل: اجتماع طارئ لمجلس الوزراء\n\nعقد مجلس الوزراء اجتماعا طارئا مساء اليوم لبحث تداعيات الفيضانات التي ضربت الجنوب. وقرر المجلس صرف مساعدات عاجلة للمتضررين.';
    const { code, stdout, stderr } = await runCliCaptured(
      ['enqueue', '-', '--url', 'https://cli.example/flood?utm_source=x'],
      { env: t.env, stdin: Buffer.from(text) },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const id = stdout.trim();
    expect(id).toMatch(/^a-[0-9a-f]{20}$/);
    const post = await until(() => t.posts.get(id, `@${CHANNEL.username}`));
    const message = t.fake.messages(CHANNEL.id).find((m) => m.message_id === post.messageId);
    expect(message?.text).toContain('اجتماع طارئ لمجلس الوزراء');
    expect(message?.html).toContain('href="https://cli.example/flood"');
    // Bad input fails before anything is queued.
    const before = await t.queues.articles.count();
    const bad = await runCliCaptured(['enqueue', '/nonexistent/missing.txt'], { env: t.env });
    expect(bad.code).toBe(2);
    expect(await t.queues.articles.count()).toBe(before);
  });
});
