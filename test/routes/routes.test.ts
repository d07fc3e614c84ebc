import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import type { Section } from '../../src/article/types.ts';
import { publishStored } from '../../src/jobs/enqueue.ts';
import { postJobId } from '../../src/jobs/queues.ts';
import { checkTarget } from '../../src/jobs/routes.ts';
import type { NewRoute } from '../../src/store/routes.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';

const SPORT = { id: -1001111111111, title: 'رياضة' };
const FORUM = { id: -1002222222222, title: 'منتدى', isForum: true, botIsAdmin: true };
const NOPOST = { id: -1003333333333, title: 'لا نشر', canPost: false };

const route = (r: Partial<NewRoute> & Pick<NewRoute, 'target'>): NewRoute => ({
  sources: [],
  sections: [],
  any: [],
  all: [],
  not: [],
  ...r,
});

/** A short story; the filler varies with the title so stories are not near-duplicates. */
const story = (title: string, body: string) =>
  `${title}

${body} ${title} بحسب ما أفادت مصادر مطلعة. ${body.replace('.', '')} في وقت سابق من هذا الأسبوع. وتابعت المصادر أن ${title} سيكون محور نقاش واسع.`;

describe('routes: articles go to the targets their routes choose', () => {
  let t: TestBot;
  let topic: number;

  beforeAll(async () => {
    t = await createTestBot({ name: 'routes' });
    t.fake.addChannel(SPORT);
    t.fake.addChannel(NOPOST);
    t.fake.addGroup(FORUM);
    topic = t.fake.addForumTopic(FORUM.id, 'اقتصاد');
    const channel = `@${CHANNEL.username}`;
    // Two routes to the channel: an article both match goes there once.
    await t.stores.routes.add(route({ target: { chat: channel }, any: ['وزير'], not: ['مباراة'] }));
    await t.stores.routes.add(route({ target: { chat: channel }, all: ['وزير', 'الخارجية'] }));
    await t.stores.routes.add(route({ target: { chat: String(SPORT.id) }, sections: ['sport'] }));
    await t.stores.routes.add(
      route({ target: { chat: String(FORUM.id), thread: topic }, sections: ['economy'] }),
    );
    await t.start();
  });
  afterAll(async () => {
    await t.close();
  });

  /** An article stored with its section set by hand (as the classifier would), then published. */
  async function publishWithSection(text: string, url: string, section: Section) {
    const built = buildArticle(rawFromInput(text, { url, sourceId: 'test' }));
    const seq = await t.articles.nextSeq();
    await t.articles.create({ ...built, seq, section });
    await publishStored(t, built.id);
    return built.id;
  }

  it('routes by keywords (letter forms), exclusions, sections and forum topics; each target once', async () => {
    // Persian ye and kaf: a route on وزير must catch وزیر; both channel routes match it.
    await t.enqueueText(
      story('وزیر الخارجیة یستقبل سفیر الیابان', 'استقبل وزیر الخارجیة سفیر الیابان في مکتبه.'),
      { url: 'https://news.example/a' },
    );
    // Has وزير but also مباراة (excluded by the first route; the second needs الخارجية).
    const sport = await publishWithSection(
      story('الوزير يحضر مباراة النهائي', 'حضر وزير الشباب مباراة النهائي في الملعب الكبير.'),
      'https://news.example/b',
      'sport',
    );
    const economy = await publishWithSection(
      story('ارتفاع أسعار النفط في الأسواق', 'ارتفعت أسعار النفط اليوم في الأسواق العالمية.'),
      'https://news.example/c',
      'economy',
    );
    // Matches no route: goes nowhere (routes exist, so CHANNEL_ID is not the fallback).
    await t.enqueueText(
      story('افتتاح معرض الكتاب في المدينة', 'افتتح معرض الكتاب أبوابه للزوار صباح اليوم.'),
      { url: 'https://news.example/d' },
    );

    await t.fake.waitForMessages(CHANNEL.id, 1);
    await t.fake.waitForMessages(SPORT.id, 1);
    await t.fake.waitForMessages(FORUM.id, 1);
    await until(async () => {
      const c = await t.queues.articles.getJobCounts('waiting', 'active', 'delayed');
      return (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0;
    });
    await new Promise((r) => setTimeout(r, 500));

    const inChannel = t.fake.messages(CHANNEL.id);
    expect(inChannel).toHaveLength(1);
    expect(inChannel[0]!.text).toContain('وزیر الخارجیة');
    expect(t.fake.messages(SPORT.id).map((m) => m.text?.split('\n')[0])).toEqual([
      expect.stringContaining('مباراة'),
    ]);
    const forum = t.fake.messages(FORUM.id);
    expect(forum).toHaveLength(1);
    expect(forum[0]!.message_thread_id).toBe(topic);
    expect(forum[0]!.text).toContain('النفط');
    expect(t.fake.messages(NOPOST.id)).toHaveLength(0);
    // Nothing was dropped as a duplicate: the last article went nowhere because no route took it.
    expect(await t.redis.xlen(t.keys.dropped)).toBe(0);

    // Records are per target: the topic's line key is chat/thread.
    const posted = await t.posts.get(economy, `${FORUM.id}/${topic}`);
    expect(posted?.messageId).toBe(forum[0]!.message_id);
    expect(await t.posts.get(economy, String(FORUM.id))).toBeUndefined();
    expect(await t.posts.list(sport)).toHaveLength(1);
    expect(await t.redis.zcard(t.keys.pending(`${FORUM.id}/${topic}`))).toBe(0);
  });

  it('exactly once per target: a re-run job is a no-op, a 429 in a topic holds only that topic', async () => {
    const line = `${FORUM.id}/${topic}`;
    // 429 with a long retry_after on the topic's chat; the channel's line must not wait for it.
    t.fake.injectFault({
      method: 'sendMessage',
      chatId: FORUM.id,
      kind: 'rateLimit',
      retryAfter: 4,
    });
    const before = {
      channel: t.fake.messages(CHANNEL.id).length,
      forum: t.fake.messages(FORUM.id).length,
    };
    const gas = await publishWithSection(
      story('وزير الخارجية يبحث أسعار الغاز', 'بحث وزير الخارجية أسعار الغاز مع نظيره.'),
      'https://news.example/g',
      'economy',
    );
    // The channel's post goes out while the topic still waits out its retry_after.
    await t.fake.waitForMessages(CHANNEL.id, before.channel + 1);
    expect(t.fake.messages(FORUM.id)).toHaveLength(before.forum);
    await t.fake.waitForMessages(FORUM.id, before.forum + 1, { timeoutMs: 15_000 });
    // The Post record is written right after Telegram's answer: wait for it, not for the message.
    await until(async () => (await t.posts.get(gas, line)) !== undefined, { what: 'post record' });

    // The same post job run again (its id re-added after removal): the Post record wins.
    const jobId = postJobId(gas, line);
    expect(jobId).toMatch(/-t\d+$/);
    await until(async () => (await t.queues.posts.getJob(jobId))?.isCompleted());
    await (await t.queues.posts.getJob(jobId))?.remove();
    const again = await t.queues.posts.add('post', { articleId: gas, chat: line }, { jobId });
    await until(async () => (await t.queues.posts.getJob(String(again.id)))?.isCompleted());
    expect(t.fake.messages(FORUM.id)).toHaveLength(before.forum + 1);
    expect(t.fake.messages(CHANNEL.id)).toHaveLength(before.channel + 1);
    expect(await t.posts.ambiguousCount()).toBe(0);
  });

  it('checks that the bot may post in a target, and says why not', async () => {
    const api = new Api(t.fake.token, { apiRoot: t.fake.apiRoot });
    expect(await checkTarget(api, { chat: String(SPORT.id) })).toMatchObject({ ok: true });
    expect(await checkTarget(api, { chat: String(FORUM.id), thread: topic })).toMatchObject({
      ok: true,
    });
    const noPost = await checkTarget(api, { chat: String(NOPOST.id) });
    expect(noPost).toMatchObject({ ok: false, reason: expect.stringMatching(/right to post/) });
    const noTopic = await checkTarget(api, { chat: String(FORUM.id), thread: 9999 });
    expect(noTopic).toMatchObject({ ok: false, reason: expect.stringMatching(/thread not found/) });
    const notForum = await checkTarget(api, { chat: String(SPORT.id), thread: 5 });
    expect(notForum).toMatchObject({ ok: false, reason: expect.stringMatching(/not a forum/) });
    const missing = await checkTarget(api, { chat: '@nowhere_chat' });
    expect(missing).toMatchObject({ ok: false, reason: expect.stringMatching(/chat not found/) });
  });

  it('the fake refuses a missing topic as Telegram does', async () => {
    const api = new Api(t.fake.token, { apiRoot: t.fake.apiRoot });
    await expect(api.sendMessage(FORUM.id, 'x', { message_thread_id: 424242 })).rejects.toThrow(
      /message thread not found/,
    );
    const created = await api.createForumTopic(FORUM.id, 'رياضة');
    const sent = await api.sendMessage(FORUM.id, 'y', {
      message_thread_id: created.message_thread_id,
    });
    expect(sent.message_thread_id).toBe(created.message_thread_id);
    expect(sent.is_topic_message).toBe(true);
    await expect(api.createForumTopic(SPORT.id, 'x')).rejects.toThrow(/not a forum/);
  });
});
