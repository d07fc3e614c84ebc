import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import { afterPostSteps, createAfterPost } from '../../src/jobs/after-post.ts';
import type { StoredArticle } from '../../src/store/articles.ts';
import type { Post } from '../../src/store/posts.ts';
import { createSearchIndex } from '../../src/store/search-index.ts';
import { FIXTURE_PATH } from '../support/corpus.ts';
import { createTestBot, type TestBot } from '../support/newsbot.ts';

// The steps after a post, without workers: the 'match' job stays in the alerts queue to be read.

let t: TestBot;
beforeAll(async () => {
  t = await createTestBot({ name: 'after-post' });
});
afterAll(async () => {
  await t.close();
});

const article: StoredArticle = {
  ...buildArticle(rawFromInput(readFileSync(FIXTURE_PATH, 'utf8'), { url: 'https://x.example/a' })),
  seq: 1,
};
const postIn = (chat: string, messageId: number): Post => ({
  articleId: article.id,
  chat,
  chatId: -1001,
  messageId,
  sentAt: new Date().toISOString(),
  kind: 'text',
});

describe('after a post', () => {
  it('lists its steps in order: index → alerts → editors-notice', () => {
    const steps = afterPostSteps({ ...t, search: createSearchIndex(t), alerts: t.queues.alerts });
    expect(steps.map((s) => [s.name, s.once])).toEqual([
      ['index', 'article'],
      ['alerts', 'article'],
      ['editors-notice', 'post'],
    ]);
  });

  it('indexes and queues alerts once per article, tells the editors about every post, twice is once', async () => {
    const search = createSearchIndex(t);
    const seen: { chat: string; indexed: number; match: boolean; recorded: boolean }[] = [];
    const afterPost = createAfterPost({
      ...t,
      search,
      alerts: t.queues.alerts,
      // The notice runs last: by then the article is indexed, its match job queued and recorded.
      editorsNotice: async (post) => {
        seen.push({
          chat: post.chat,
          indexed: (await search.search('شمخاني')).hits.length,
          match: (await t.queues.alerts.getJob(`match-${article.id}`)) !== undefined,
          recorded: (await t.redis.exists(t.keys.postHook(article.id))) === 1,
        });
      },
    });
    await afterPost(postIn('@first_channel', 10), article);
    await afterPost(postIn('-1002', 20), article);
    // A re-run of the first post's job (it found its post recorded).
    await afterPost(postIn('@first_channel', 10), article);

    expect(seen).toEqual([
      { chat: '@first_channel', indexed: 1, match: true, recorded: true },
      { chat: '-1002', indexed: 1, match: true, recorded: true },
      { chat: '@first_channel', indexed: 1, match: true, recorded: true },
    ]);
    const jobs = await t.queues.alerts.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.map((j) => [j.name, j.data])).toEqual([
      ['match', { articleId: article.id, link: 'https://t.me/first_channel/10' }],
    ]);
    // The queue's default job options from the table (jobs/queues.ts).
    expect(jobs[0]?.opts).toMatchObject({ attempts: 5, backoff: { type: 'exponential' } });
  });

  it('skips the once-per-article steps while the record exists, and redoes them without it', async () => {
    const search = createSearchIndex(t);
    const notices: string[] = [];
    const afterPost = createAfterPost({
      ...t,
      search,
      alerts: t.queues.alerts,
      editorsNotice: async (post) => {
        notices.push(post.chat);
      },
    });
    await t.queues.alerts.remove(`match-${article.id}`);
    await afterPost(postIn('@first_channel', 10), article);
    expect(await t.queues.alerts.getJob(`match-${article.id}`)).toBeUndefined();

    await t.redis.del(t.keys.postHook(article.id));
    await afterPost(postIn('@first_channel', 10), article);
    expect((await t.queues.alerts.getJob(`match-${article.id}`))?.name).toBe('match');
    expect(await t.redis.exists(t.keys.postHook(article.id))).toBe(1);
    expect(notices).toEqual(['@first_channel', '@first_channel']);
  });
});
