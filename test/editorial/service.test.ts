import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import { type BotApiFake, startBotApiFake, type UserSpec } from '../../src/demo/bot-api-fake.ts';
import { createEditorial, type Editorial } from '../../src/editorial/service.ts';
import type { Editor, EditorialViews } from '../../src/editorial/types.ts';
import { createQueues, type Queues } from '../../src/jobs/queues.ts';
import { createMessenger, createSender } from '../../src/jobs/send.ts';
import { createLogger } from '../../src/logger.ts';
import { createArticleStore } from '../../src/store/articles.ts';
import { createAuditLog } from '../../src/store/audit.ts';
import { createPostStore, type Post } from '../../src/store/posts.ts';
import { createRateGate } from '../../src/store/rate-gate.ts';
import { createSearchIndex } from '../../src/store/search-index.ts';
import { createBuildPool } from '../../src/workers/build-pool.ts';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL } from '../support/newsbot.ts';
import { useRedis } from '../support/redis.ts';

// The editorial service on its own: no bot, no workers, views of the test's own. What it stores
// and what editors see through the Bot API fake.

const EDITOR: UserSpec = { id: 801, first_name: 'هدى', language_code: 'ar' };
const STRANGER: UserSpec = { id: 802, first_name: 'Sam', language_code: 'en' };
const GROUP = { id: -1005550099, title: 'غرفة التحرير' };
const editor: Editor = { id: EDITOR.id, name: 'هدى', lang: 'ar' };
const other: Editor = { id: STRANGER.id, name: 'Sam', lang: 'en' };

const { redis, keys } = useRedis('editorial');
const articles = createArticleStore({ redis, keys });
const posts = createPostStore({ redis, keys });
const ant = antSample(3);

const views: EditorialViews = {
  reviewButtons: (id) => [[{ text: 'ok', callback_data: `rv:ok:${id}` }]],
  decisionButtons: (id, d) => [[{ text: `${d.action} ${d.name}`, callback_data: `rv:st:${id}` }]],
  postedNotice: (lang, post) => `${lang} posted ${post.chat}/${post.messageId}`,
};

let fake: BotApiFake;
let queues: Queues;
let editorial: Editorial;
const builder = createBuildPool({ threads: 1, timeoutMs: 15_000, maxMemoryMb: 256 });

const lastIn = (chat: number) => fake.messages(chat).at(-1);

beforeAll(async () => {
  fake = await startBotApiFake();
  fake.addChannel({ ...CHANNEL });
  fake.addGroup({ ...GROUP });
  fake.userSends(EDITOR, '/start');
  fake.addUser(STRANGER);
  const api = new Api(fake.token, { apiRoot: fake.apiRoot });
  const logger = createLogger({ level: 'silent' });
  // Only what the service reads of the configuration.
  const config = {
    CONVERSATION_TIMEOUT_MINUTES: 30,
    EDITORS_CHAT_ID: String(GROUP.id),
    EDITOR_IDS: [],
    USER_AGENT: 'newsbot-test',
    FETCH_TIMEOUT_MS: 5000,
    FETCH_ALLOW_PRIVATE: false,
    FETCH_ALLOW_HOSTS: [],
  };
  const gate = createRateGate({
    redis,
    keys,
    limits: { globalPerSecond: 30, chatPerMinute: 1200, privatePerMinute: 1200 },
  });
  queues = createQueues({ connection: redis, keys });
  editorial = createEditorial({
    config,
    logger,
    redis,
    keys,
    queues,
    articles,
    posts,
    search: createSearchIndex({ redis, keys }),
    channels: [`@${CHANNEL.username}`],
    sender: createSender({ api, gate }),
    messenger: createMessenger({ api, logger }),
    views,
    builder,
    // Rights are the bot's check (test/hostile/rights.test.ts); here everyone may act.
    isEditor: async () => true,
  });
});
afterAll(async () => {
  await builder.close();
  await queues.close();
  await fake.close();
});

describe('the editorial service', () => {
  it('drafts pasted text, previews it, and publishes it ahead of the backlog', async () => {
    const made = await editorial.draftFromInput(antAsText(ant[0]!));
    if (!made.ok) throw new Error(`no draft: ${made.error}`);
    expect(await editorial.updateDraft(made.draftId, { title: 'عنوان المحررة' })).toBe(true);

    // A user who never opened the bot cannot get a preview: 'forbidden', not an exception.
    const buttons = [[{ text: 'نشر', callback_data: 'pv:t:0:pub' }]];
    expect(await editorial.sendDraftPreview(made.draftId, STRANGER.id, buttons)).toEqual({
      ok: false,
      reason: 'forbidden',
    });
    const shown = await editorial.sendDraftPreview(made.draftId, EDITOR.id, buttons);
    expect(shown.ok).toBe(true);
    expect(lastIn(EDITOR.id)?.text).toContain('عنوان المحررة');

    const outcome = await editorial.publishDraft(made.draftId, editor);
    if (!outcome.ok) throw new Error(`not published: ${outcome.reason}`);
    const jobs = await queues.articles.getJobs(['waiting', 'prioritized']);
    expect(jobs.map((j) => [j.name, j.data])).toContainEqual([
      'publish',
      { articleId: outcome.articleId },
    ]);
    expect((await articles.get(outcome.articleId))?.title).toBe('عنوان المحررة');
    expect((await createAuditLog({ redis, keys }).recent(1))[0]).toMatchObject({
      action: 'publish',
      by: editor.id,
      articleId: outcome.articleId,
    });
    // The draft is used up.
    expect(await editorial.publishDraft(made.draftId, editor)).toEqual({
      ok: false,
      reason: 'gone',
    });

    // Once posted, the editor is told once, in their language, by the service's notice.
    const post: Post = {
      articleId: outcome.articleId,
      chat: `@${CHANNEL.username}`,
      chatId: CHANNEL.id,
      messageId: 42,
      sentAt: new Date().toISOString(),
      kind: 'text',
    };
    const before = fake.messages(EDITOR.id).length;
    await editorial.notifyPosted(post);
    expect(lastIn(EDITOR.id)?.text).toBe(`ar posted @${CHANNEL.username}/42`);
    await editorial.notifyPosted(post);
    expect(fake.messages(EDITOR.id)).toHaveLength(before + 1);
  });

  it('sends a review once, decides once, and shows the decision on the preview', async () => {
    const article = {
      ...buildArticle(rawFromInput(antAsText(ant[1]!), { sourceId: 't' })),
      seq: 1,
    };
    await articles.create(article);
    await editorial.sendToReview(article);
    await editorial.sendToReview(article);
    const previews = fake.messages(GROUP.id).filter((m) => m.reply_markup);
    expect(previews).toHaveLength(1);
    const preview = previews[0]!;
    expect(preview.reply_markup?.inline_keyboard).toEqual(views.reviewButtons(article.id));

    const where = { chat: GROUP.id, messageId: preview.message_id };
    const [a, b] = await Promise.all([
      editorial.decide(article.id, 'reject', editor, where),
      editorial.decide(article.id, 'approve', other, where),
    ]);
    const winner = a.ok ? editor : other;
    const loser = a.ok ? b : a;
    expect([a, b].filter((r) => r.ok)).toHaveLength(1);
    expect(loser).toMatchObject({ ok: false, reason: 'decided', decision: { by: winner.id } });
    const decision = await editorial.reviewDecision(article.id);
    expect(decision?.by).toBe(winner.id);
    const status = fake.messages(GROUP.id).find((m) => m.message_id === preview.message_id);
    expect(status?.reply_markup?.inline_keyboard).toEqual(
      views.decisionButtons(article.id, decision!),
    );
    // A decided review cannot be opened for editing.
    expect(await editorial.draftFromStored(article.id, 'review')).toMatchObject({
      ok: false,
      reason: 'decided',
    });
  });

  it('finds posts by link or id, and refuses what was never posted', async () => {
    const article = {
      ...buildArticle(rawFromInput(antAsText(ant[2]!), { sourceId: 't' })),
      seq: 2,
    };
    await articles.create(article);
    expect(await editorial.resolveRef(article.id)).toBe(article.id);
    expect(await editorial.resolveRef(`https://t.me/${CHANNEL.username}/999`)).toBeUndefined();
    expect(await editorial.unpublish(article.id, editor)).toEqual({
      ok: false,
      reason: 'not-published',
    });
    expect(await editorial.draftFromStored(article.id, 'post')).toEqual({
      ok: false,
      reason: 'not-published',
    });
    expect(await editorial.draftFromStored('a-00000000000000000000', 'review')).toEqual({
      ok: false,
      reason: 'gone',
    });
  });
});
