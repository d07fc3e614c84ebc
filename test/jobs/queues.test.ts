import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import type { UserSpec } from '../../src/demo/bot-api-fake.ts';
import { enqueueArticle } from '../../src/jobs/enqueue.ts';
import { QUEUE_NAMES, QUEUES } from '../../src/jobs/queues.ts';
import type { Newsbot } from '../../src/main.ts';
import { antAsText, antSample } from '../support/corpus.ts';
import { createTestBot, type TestBot, until } from '../support/newsbot.ts';

// The queue table (jobs/queues.ts): one declaration opens every queue, starts its worker and
// shows it to operators (/metrics, test/http) and editors (/queue, here).

const EDITOR_AR: UserSpec = { id: 7101, first_name: 'هدى', language_code: 'ar' };
const EDITOR_EN: UserSpec = { id: 7102, first_name: 'Sam', language_code: 'en' };

let t: TestBot;
let app: Newsbot;
/** The article the second test enqueues (and the workers post). */
let posted = '';
beforeAll(async () => {
  t = await createTestBot({
    name: 'queues',
    env: { EDITOR_IDS: `${EDITOR_AR.id},${EDITOR_EN.id}`, WORKER_CONCURRENCY: '3' },
  });
  app = await t.start({ ROLE: 'all' });
});
afterAll(async () => {
  await t.close();
});

describe('the queue table', () => {
  it('declares articles, posts, alerts and sources, each opened with its default job options', () => {
    expect(QUEUE_NAMES).toEqual(['articles', 'posts', 'alerts', 'sources', 'digests']);
    expect(app.services.queues.all.map((q) => q.name)).toEqual(QUEUE_NAMES);
    for (const name of QUEUE_NAMES) {
      expect(app.services.queues[name].name).toBe(name);
      expect(app.services.queues[name].defaultJobOptions).toEqual(QUEUES[name].jobs);
    }
    expect(app.services.alerts).toBe(app.services.queues.alerts);
    expect(app.services.sources.queue).toBe(app.services.queues.sources);
  });

  it('gives a job added without options its queue’s options', async () => {
    const a = antSample(1)[0]!;
    const raw = rawFromInput(antAsText(a), { url: a.url });
    posted = buildArticle(raw).id;
    const { jobId } = await enqueueArticle({ articles: t.articles, queues: t.queues }, raw);
    const job = await t.queues.articles.getJob(jobId);
    expect(job?.opts).toMatchObject({
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 86_400, count: 10_000 },
      removeOnFail: { age: 7 * 86_400 },
    });
  });

  it('starts one worker per queue with the same stall options (sources included)', async () => {
    const workers = app.workers!;
    for (const name of QUEUE_NAMES) {
      expect(workers[name].name).toBe(name);
      expect(workers[name].opts).toMatchObject({
        concurrency: name === 'articles' ? 1 : 3,
        lockDuration: 2000,
        stalledInterval: 2000,
        maxStalledCount: 1000,
      });
    }
    expect(await t.queues.articles.getGlobalConcurrency()).toBe(1);
  });
});

describe('/queue', () => {
  it('lists alerts and sources after the posting line, in the editor’s language', async () => {
    // The article posted above queues its 'match' job; let it run first.
    await until(async () => (await t.redis.exists(t.keys.postHook(posted))) === 1, {
      what: 'post hook of the article',
    });
    await until(async () => {
      const c = await t.queues.alerts.getJobCounts('waiting', 'active', 'prioritized', 'delayed');
      return Object.values(c).every((n) => n === 0);
    });
    // Far-off delayed jobs nobody processes during the test: 2 alerts, 1 poll.
    const later = { delay: 3_600_000 };
    await t.queues.alerts.add('match', { articleId: 'x1' }, { ...later, jobId: 'match-x1' });
    await t.queues.alerts.add('match', { articleId: 'x2' }, { ...later, jobId: 'match-x2' });
    await t.queues.sources.add('poll', { sourceId: 'nope' }, { ...later, jobId: 'poll-nope' });

    const ar = (await t.ask(EDITOR_AR, '/queue')).text?.split('\n') ?? [];
    expect(ar[0]).toMatch(/^الطابور: \d+ بانتظار النشر · 0 مجدول · 0 فشل$/);
    expect(ar.slice(1, 3)).toEqual([
      'التنبيهات: 0 قيد التنفيذ · 2 مؤجل · 0 فشل',
      'المصادر: 0 قيد التنفيذ · 1 مؤجل · 0 فشل',
    ]);
    const en = (await t.ask(EDITOR_EN, '/queue')).text?.split('\n') ?? [];
    expect(en[0]).toMatch(/^Queue: \d+ waiting · 0 scheduled · 0 failed$/);
    expect(en.slice(1, 3)).toEqual([
      'Alerts: 0 to run · 2 delayed · 0 failed',
      'Sources: 0 to run · 1 delayed · 0 failed',
    ]);
  });
});
