import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PollJob, SOURCES_QUEUE, SourceError, schedulerId } from '../../src/jobs/sources.ts';
import type { PollOutcome } from '../../src/sources/poll.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';
import { antStories, type FeedServer, rssXml, type Story, startFeedServer } from './feed-server.ts';

// Job schedulers: one poll per tick across workers and restarts, kept in step with the records.

let server: FeedServer;

beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

async function testBot(name: string): Promise<TestBot> {
  return createTestBot({
    name,
    env: {
      FETCH_ALLOW_HOSTS: `127.0.0.1:${server.port}`,
      FETCH_TIMEOUT_MS: '2000',
      SOURCE_MIN_INTERVAL_SECONDS: '1',
    },
  });
}

/** The test's own handle on the "sources" queue, which outlives the apps it starts and stops. */
function sourcesQueue(t: TestBot): Queue<PollJob> {
  const queue = new Queue<PollJob>(SOURCES_QUEUE, { connection: t.redis, prefix: t.keys.bull });
  queues.push(queue);
  return queue;
}
const queues: Queue[] = [];

/** Scheduled time (ms) of each poll job the scheduler made, from its id `repeat:<scheduler>:<ms>`. */
async function pollJobs(queue: Queue<PollJob>, sourceId: string) {
  const jobs = await queue.getJobs(['completed', 'failed'], 0, -1);
  return jobs
    .filter((j) => j.data.sourceId === sourceId)
    .map((j) => ({
      id: String(j.id),
      at: Number(String(j.id).split(':').at(-1)),
      outcome: j.returnvalue as PollOutcome | undefined,
      processedBy: j.processedBy,
    }))
    .sort((a, b) => a.at - b.at);
}

/** Asserts no tick ran twice: job ids are unique and scheduled at least one interval apart. */
function expectOnePollPerTick(jobs: { id: string; at: number }[], intervalMs: number) {
  expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
  for (let i = 1; i < jobs.length; i++) {
    expect(jobs[i]!.at - jobs[i - 1]!.at).toBeGreaterThanOrEqual(intervalMs);
  }
}

describe('source schedules', () => {
  let t: TestBot;
  let path: string;
  let current: Story[];
  let n = 0;

  beforeEach(() => {
    path = `/sched-${++n}.xml`;
    current = antStories(server.base, 2, 300 + n * 10);
    let version = 0;
    let served = '';
    server.serve(path, () => {
      const body = rssXml(current, { title: 'x' });
      if (body !== served) {
        served = body;
        version++;
      }
      return { body, etag: `"v${version}"`, contentType: 'application/rss+xml' };
    });
  });
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.close();
    await t.close();
  });

  it('survive a restart of the worker: the next app polls on, once per tick', async () => {
    t = await testBot('sched-restart');
    const queue = sourcesQueue(t);
    const first = await t.start();
    const source = await first.services.sources.add({
      url: server.url(path),
      kind: 'feed',
      publisher: 'وكالة',
      intervalSec: 1,
    });
    await t.fake.waitForMessages(CHANNEL.id, 2);
    await first.stop();

    // No worker: the schedule waits in Redis.
    const scheduler = await queue.getJobScheduler(schedulerId(source.id));
    expect(scheduler?.every).toBe(1000);
    const hitsWhileDown = server.hits.get(path) ?? 0;
    await new Promise((r) => setTimeout(r, 2500));
    expect(server.hits.get(path) ?? 0).toBe(hitsWhileDown);

    // A new app (as after a deploy): it repairs nothing and picks the schedule up.
    const second = await t.start();
    expect(await second.services.sources.syncSchedulers()).toEqual({ created: 0, removed: 0 });
    await until(() => (server.hits.get(path) ?? 0) > hitsWhileDown, {
      what: 'a poll after restart',
    });
    const added = antStories(server.base, 1, 300 + n * 10 + 5);
    current = [...current, ...added];
    await t.fake.waitForMessages(CHANNEL.id, 3);
    const polled = (await pollJobs(queue, source.id)).length;
    await until(async () => (await pollJobs(queue, source.id)).length >= polled + 2);
    await second.stop();

    const jobs = await pollJobs(queue, source.id);
    expectOnePollPerTick(jobs, 1000);
    // Every job fetched the feed once (the 2.5 s downtime was not made up with a burst).
    expect(server.hits.get(path)).toBe(jobs.length);
    expect(t.fake.messages(CHANNEL.id)).toHaveLength(3);
  });

  it('run once per tick with two workers on one Redis', async () => {
    t = await testBot('sched-two');
    const queue = sourcesQueue(t);
    const a = await t.start();
    const b = await t.start();
    const source = await a.services.sources.add({
      url: server.url(path),
      kind: 'feed',
      publisher: 'وكالة',
      intervalSec: 1,
    });
    await until(async () => (await pollJobs(queue, source.id)).length >= 6, {
      what: '6 polls',
    });
    await a.services.sources.pause(source.id);
    await Promise.all([a.stop(), b.stop()]);
    const jobs = await pollJobs(queue, source.id);
    expectOnePollPerTick(jobs, 1000);
    expect(server.hits.get(path)).toBe(jobs.length);
    const statuses = jobs.map((j) => j.outcome?.status);
    expect(statuses.filter((s) => s === 'ok')).toHaveLength(1);
    expect(statuses.filter((s) => s !== 'ok').every((s) => s === 'not-modified')).toBe(true);
    expect(t.fake.messages(CHANNEL.id)).toHaveLength(2);
  });

  it('pause, resume and remove keep the scheduler in step; add refuses a URL twice', async () => {
    t = await testBot('sched-manage');
    const app = await t.start();
    const sources = app.services.sources;
    const source = await sources.add({
      url: server.url(path),
      kind: 'feed',
      publisher: 'وكالة',
      intervalSec: 1,
    });
    expect(source.id).toBe('127-0-0-1');
    const scheduled = async () =>
      (await sources.queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
    expect(await scheduled()).toEqual([schedulerId(source.id)]);

    await expect(
      sources.add({ url: `${server.url(path)}#top`, kind: 'feed', intervalSec: 1 }),
    ).rejects.toMatchObject({ code: 'exists', existingId: source.id });
    const other = await sources.add({
      url: server.url('/other.xml'),
      kind: 'feed',
      intervalSec: 5,
    });
    expect(other.id).toBe('127-0-0-1-2');
    expect(other.publisher).toBe('127.0.0.1');
    await expect(
      sources.add({ url: server.url('/x'), kind: 'feed', intervalSec: 1, id: 'Bad Id' }),
    ).rejects.toBeInstanceOf(SourceError);
    await expect(
      sources.add({ url: 'file:///etc/passwd', kind: 'feed', intervalSec: 1 }),
    ).rejects.toMatchObject({ code: 'bad-input' });
    await expect(
      sources.add({ url: server.url('/y'), kind: 'feed', intervalSec: 0 }),
    ).rejects.toMatchObject({ code: 'bad-input' });

    await sources.pause(source.id, 'checking');
    expect(await scheduled()).toEqual([schedulerId(other.id)]);
    expect(await sources.get(source.id)).toMatchObject({ paused: true, pausedReason: 'checking' });
    await sources.resume(source.id);
    expect(await scheduled()).toEqual([schedulerId(source.id), schedulerId(other.id)].sort());
    expect((await sources.get(source.id))?.paused).toBe(false);

    // A scheduler lost (a Redis restore) comes back; a stray one goes.
    await sources.queue.removeJobScheduler(schedulerId(other.id));
    await sources.queue.upsertJobScheduler(
      schedulerId('gone'),
      { every: 60_000 },
      { name: 'poll', data: { sourceId: 'gone' } },
    );
    expect(await sources.syncSchedulers()).toEqual({ created: 1, removed: 1 });
    expect(await scheduled()).toEqual([schedulerId(source.id), schedulerId(other.id)].sort());

    expect((await sources.remove(other.id))?.id).toBe(other.id);
    expect(await scheduled()).toEqual([schedulerId(source.id)]);
    expect(await sources.remove(other.id)).toBeUndefined();
    expect((await sources.list()).map((s) => s.source.id)).toEqual([source.id]);
    // The URL is free again.
    expect(
      (await sources.add({ url: server.url('/other.xml'), kind: 'feed', intervalSec: 5 })).id,
    ).toBe('127-0-0-1-2');
  });
});
