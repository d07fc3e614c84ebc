import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAddSource, sourcesTexts } from '../../src/bot/features/sources.ts';
import type { UserSpec } from '../../src/demo/bot-api-fake.ts';
import { parseInterval, schedulerId } from '../../src/jobs/sources.ts';
import type { Newsbot } from '../../src/main.ts';
import {
  antStories,
  type FeedServer,
  rssXml,
  startFeedServer,
  storyPage,
} from '../sources/feed-server.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';

// Editors manage sources in the bot, as a person would: send a command, read the reply.

const EDITOR = { id: 7001, first_name: 'محرر', language_code: 'ar' };
const EDITOR_EN = { id: 7002, first_name: 'Ed', language_code: 'en-US' };
const READER = { id: 7003, first_name: 'قارئ', language_code: 'ar' };
const READER_EN = { id: 7004, first_name: 'Rea', language_code: 'en' };

describe('bot: /addsource, /sources, /pausesource, /resumesource, /removesource', () => {
  let t: TestBot;
  let app: Newsbot;
  let server: FeedServer;
  let internal: http.Server;

  beforeAll(async () => {
    server = await startFeedServer();
    internal = http.createServer((_req, res) => res.end('internal'));
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    t = await createTestBot({
      name: 'bot-sources',
      env: {
        EDITOR_IDS: `${EDITOR.id},${EDITOR_EN.id}`,
        FETCH_ALLOW_HOSTS: `127.0.0.1:${server.port}`,
        FETCH_TIMEOUT_MS: '2000',
        SOURCE_MIN_INTERVAL_SECONDS: '1',
        TIME_ZONE: 'Asia/Riyadh',
        // Under the fake's 3-per-3-seconds private limit, as Telegram's about-one-a-second.
        PRIVATE_RATE_PER_MINUTE: '50',
      },
    });
    app = await t.start({ ROLE: 'all' });
  });
  afterAll(async () => {
    await t.close();
    await server.close();
    await new Promise<void>((resolve) => internal.close(() => resolve()));
  });

  /** Sends a message and returns the text of the bot's next reply in that chat. */
  async function say(user: UserSpec, text: string): Promise<string> {
    const before = t.fake.messages(user.id).length;
    t.fake.userSends(user, text);
    const messages = await t.fake.waitForMessages(user.id, before + 1);
    return messages[before]?.text ?? '';
  }

  const sources = () => app.services.sources;

  it('refuses non-editors and adds nothing', async () => {
    expect(await say(READER, `/addsource ${server.url('/x')}`)).toContain('للمحررين فقط');
    expect(await say(READER, '/sources')).toContain('للمحررين فقط');
    // Once Arabic-only: an English reader is refused in English.
    expect(await say(READER_EN, '/sources')).toBe('Sorry, this command is for editors only.');
    expect(await say(READER_EN, `/removesource agency`)).toBe(
      'Sorry, this command is for editors only.',
    );
    expect(await sources().list()).toEqual([]);
    expect(server.hits.size).toBe(0);
  });

  it('says how to use /addsource, and that there are no sources yet', async () => {
    expect(await say(EDITOR, '/sources')).toContain('لا توجد مصادر');
    expect(await say(EDITOR, '/addsource')).toContain('/addsource <رابط>');
    expect(await say(EDITOR, `/addsource ${server.url('/a')} every=soon`)).toContain(
      'مدة غير صحيحة',
    );
    expect(await say(EDITOR, `/addsource ${server.url('/a')} loud`)).toContain('خيار غير معروف');
  });

  it('adds the feed a site announces, and its stories reach the channel credited to it', async () => {
    const stories = antStories(server.base, 2, 350);
    server.serve('/agency/rss.xml', {
      body: rssXml(stories, { title: 'وكالة الأنباء التجريبية' }),
      contentType: 'application/rss+xml',
    });
    server.serve('/agency', {
      body: `<html><head><title>الوكالة</title>
        <link rel="alternate" type="application/rss+xml" href="/agency/rss.xml"></head>
        <body><p>مرحباً</p></body></html>`,
      contentType: 'text/html; charset=utf-8',
    });
    const reply = await say(EDITOR, `/addsource ${server.url('/agency')} every=1s id=agency`);
    expect(reply).toContain('أُضيف المصدر «وكالة الأنباء التجريبية» (agency)');
    expect(reply).toContain('فيها 2 خبراً');
    expect(await sources().get('agency')).toMatchObject({
      url: server.url('/agency/rss.xml'),
      kind: 'feed',
      publisher: 'وكالة الأنباء التجريبية',
      intervalSec: 1,
      mode: 'auto',
    });
    const posts = await t.fake.waitForMessages(CHANNEL.id, 2);
    for (const [i, post] of posts.entries()) {
      expect(post.text).toContain(stories[i]!.title.replace(/\s+/g, ' ').slice(0, 20));
      expect(post.text).toContain('وكالة الأنباء التجريبية');
    }

    // The same feed again, by the page or by the feed's own URL.
    expect(await say(EDITOR, `/addsource ${server.url('/agency/rss.xml')}`)).toContain(
      'مضاف من قبل: agency',
    );
    expect(await say(EDITOR, `/addsource ${server.url('/agency')}`)).toContain(
      'مضاف من قبل: agency',
    );
  });

  it('adds a page without a feed as a page source, in review mode with a name', async () => {
    server.serve('/site', {
      body: storyPage(antStories(server.base, 1, 360)[0]!, 'موقع بلا خلاصة'),
      contentType: 'text/html',
    });
    const reply = await say(
      EDITOR,
      `/addsource ${server.url('/site')} review every=2h name=جريدة  الموقع`,
    );
    expect(reply).toContain('لم أجد خلاصة');
    const source = (await sources().list()).find((s) => s.source.url === server.url('/site'));
    expect(source?.source).toMatchObject({
      kind: 'page',
      mode: 'review',
      intervalSec: 7200,
      publisher: 'جريدة الموقع',
    });
  });

  it('explains why a URL cannot be added: a redirect to a private address, a 404, a broken feed', async () => {
    const port = (internal.address() as AddressInfo).port;
    server.handle('/sneaky', (_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${port}/` });
      res.end();
    });
    expect(await say(EDITOR, `/addsource ${server.url('/sneaky')}`)).toContain(
      'لا يُسمح بجلب هذا العنوان',
    );
    expect(await say(EDITOR, `/addsource ${server.url('/missing')}`)).toContain('(404)');
    server.serve('/broken.xml', { body: '<?xml version="1.0"?><rss version="2.0"><channel><it' });
    expect(await say(EDITOR, `/addsource ${server.url('/broken.xml')}`)).toContain('معطوبة');
    expect(await say(EDITOR, '/addsource ftp://example.com/feed')).toContain('غير صالح');
    expect((await sources().list()).map((s) => s.source.id)).not.toContain('127-0-0-1-3');
  });

  it('/sources shows each source with its state, last success and item count', async () => {
    await until(async () => (await sources().store.health('agency')).items === 2);
    const text = await say(EDITOR, '/sources');
    expect(text).toContain('المصادر (2)');
    const agency = text.split('\n\n').find((block) => block.includes('(agency)'));
    expect(agency).toContain(server.url('/agency/rss.xml'));
    expect(agency).toContain('خلاصة · كل 1 ث · نشر تلقائي');
    expect(agency).toContain('✅ يعمل');
    expect(agency).toMatch(/آخر نجاح: \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(agency).toContain('الأخبار: 2');
    const site = text.split('\n\n').find((block) => block.includes('جريدة الموقع'));
    expect(site).toContain('صفحة · كل 2 س · مراجعة');
  });

  it('pauses and resumes a source (its scheduler follows), in English too', async () => {
    expect(await say(EDITOR_EN, '/pausesource')).toContain('Usage: /pausesource <id>');
    expect(await say(EDITOR_EN, '/pausesource agency')).toContain(
      'Paused “وكالة الأنباء التجريبية”',
    );
    const scheduled = async () => (await sources().queue.getJobSchedulers(0, -1)).map((s) => s.key);
    expect(await scheduled()).not.toContain(schedulerId('agency'));
    expect(await say(EDITOR_EN, '/pausesource agency')).toContain('already paused');
    const list = await say(EDITOR_EN, '/sources');
    expect(list).toContain('⏸ paused: paused by Ed');
    expect(await say(EDITOR_EN, '/resumesource agency')).toContain('Resumed');
    expect(await scheduled()).toContain(schedulerId('agency'));
    expect(await say(EDITOR_EN, '/resumesource nosuch')).toContain('No source with id nosuch');
  });

  it('removes a source', async () => {
    expect(await say(EDITOR, '/removesource agency')).toContain('حُذف المصدر');
    expect(await sources().get('agency')).toBeUndefined();
    expect(await say(EDITOR, '/removesource agency')).toContain('لا يوجد مصدر');
  });
});

describe('parseAddSource / parseInterval', () => {
  const t = sourcesTexts.en;
  const parse = (s: string) => parseAddSource(s, t);

  it('reads every option', () => {
    expect(
      parse(
        'https://a.example/feed every=15m review full id=my-feed chat=@one_channel,-1001 name=الاسم الكامل',
      ),
    ).toEqual({
      url: 'https://a.example/feed',
      intervalSec: 900,
      mode: 'review',
      fullText: true,
      id: 'my-feed',
      chats: ['@one_channel', '-1001'],
      publisher: 'الاسم الكامل',
    });
    expect(parse('')).toEqual({ error: t.addUsage });
    expect(parse('https://a.example chat=nope')).toEqual({ error: t.badOption('chat=nope') });
  });

  it('reads intervals', () => {
    expect(parseInterval('90s')).toBe(90);
    expect(parseInterval('15')).toBe(900);
    expect(parseInterval('2H')).toBe(7200);
    expect(parseInterval('1d')).toBe(86_400);
    expect(parseInterval('0m')).toBeUndefined();
    expect(parseInterval('-5m')).toBeUndefined();
    expect(parseInterval('5 minutes')).toBeUndefined();
  });
});
