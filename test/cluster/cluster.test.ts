import { readFileSync } from 'node:fs';
import { QueueKeys } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { QUEUE_NAMES } from '../../src/jobs/queues.ts';
import { createKeys } from '../../src/store/keys.ts';
import { antStories, rssXml, startFeedServer } from '../sources/feed-server.ts';
import { runCliCaptured } from '../support/cli.ts';
import { antAsText, antSample, FIXTURE_PATH } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';
import { RedisCluster } from '../support/redis-cluster.ts';

// The bot on a real Redis Cluster of three masters (issue 13 §1): the delivery path, search,
// sources, and a slot moved to another master while articles flow.

const CHAT = `@${CHANNEL.username}`;
const USER = { id: 4242, first_name: 'قارئ' };

let cluster: RedisCluster;
const bots: TestBot[] = [];

beforeAll(async () => {
  cluster = await RedisCluster.start({ masters: 3 });
}, 60_000);
afterAll(async () => {
  for (const t of bots) await t.close();
  await cluster?.destroy();
});

async function clusterBot(name: string, env: Record<string, string> = {}): Promise<TestBot> {
  const t = await createTestBot({ name, env: { REDIS_CLUSTER_NODES: cluster.env, ...env } });
  bots.push(t);
  return t;
}

/** Every message of the channel maps to one Post record, and no article was posted twice. */
async function expectOncePerArticle(t: TestBot, count: number): Promise<void> {
  const messages = t.fake.messages(CHANNEL.id);
  expect(messages).toHaveLength(count);
  const ids = new Set<string>();
  for (const m of messages) {
    const id = await t.posts.findByMessage(String(CHANNEL.id), m.message_id);
    expect(id).toBeDefined();
    ids.add(id ?? '');
  }
  expect(ids.size).toBe(count);
  expect(await t.redis.zcard(t.keys.timeline)).toBe(count);
}

describe('REDIS_CLUSTER_NODES', () => {
  it('parses host:port entries and names the variable when one is malformed', () => {
    expect(
      loadConfig({ REDIS_CLUSTER_NODES: 'redis-1:7000, [::1]:7001' }).REDIS_CLUSTER_NODES,
    ).toEqual([
      { host: 'redis-1', port: 7000 },
      { host: '::1', port: 7001 },
    ]);
    expect(loadConfig({}).REDIS_CLUSTER_NODES).toEqual([]);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-1' })).toThrow(/REDIS_CLUSTER_NODES/);
  });
});

describe('keys on a cluster', () => {
  it('puts every key of a prefix, BullMQ queues included, in one slot', async () => {
    const keys = createKeys('nb');
    const slot = await cluster.slotOf('{nb}');
    const samples: string[] = [];
    for (const value of Object.values(keys)) {
      if (typeof value === 'string') samples.push(value);
      // Every key builder takes at most (string, number): ids, chats, terms, user ids.
      else samples.push(String(Reflect.apply(value, undefined, ['x', 1])));
    }
    for (const name of QUEUE_NAMES) {
      samples.push(...Object.values(new QueueKeys(keys.bull).getKeys(name)));
      samples.push(`${keys.bull}:${name}:some-job-id`);
    }
    expect(samples.length).toBeGreaterThan(40);
    for (const key of samples) expect(await cluster.slotOf(key), key).toBe(slot);
  });

  it('refuses a plain client pointed at one cluster node, naming REDIS_CLUSTER_NODES', async () => {
    const node = cluster.nodes[0];
    if (!node) throw new Error('no node');
    const t = await createTestBot({ name: 'plain', redisUrl: `redis://127.0.0.1:${node.port}` });
    bots.push(t);
    await expect(t.start()).rejects.toThrow(/cluster_enabled:1.*REDIS_CLUSTER_NODES/);
    // The command line too; with REDIS_CLUSTER_NODES it runs.
    const plain = await runCliCaptured(['search', 'العراق'], { env: { ...t.env } });
    expect(plain.code).not.toBe(0);
    expect(plain.stderr).toMatch(/REDIS_CLUSTER_NODES/);
    const onCluster = await runCliCaptured(['search', 'العراق'], {
      env: { ...t.env, REDIS_CLUSTER_NODES: cluster.env },
    });
    expect(onCluster.stderr).toBe('');
    expect(onCluster.code).toBe(0);
  });
});

describe('the bot on a 3-master cluster', () => {
  it('posts articles once each and answers /search and /latest', async () => {
    const t = await clusterBot('cl-delivery');
    await t.start({ ROLE: 'all' });
    const ant = antSample(30);
    await t.enqueueText(readFileSync(FIXTURE_PATH, 'utf8'), {
      url: 'https://mena-news.example/iran-iraq',
    });
    for (const a of ant) await t.enqueueText(antAsText(a), { url: a.url, publisher: a.source });
    // The same story again: dropped by the dedupe scripts, on the cluster too.
    await t.enqueueText(antAsText(ant[3] ?? ant[0]!), { url: 'https://mirror.example/copy' });
    await t.fake.waitForMessages(CHAT, 1 + ant.length, { timeoutMs: 60_000 });
    await until(async () => (await t.redis.xlen(t.keys.dropped)) >= 1, {
      what: 'duplicate dropped',
    });
    await expectOncePerArticle(t, 1 + ant.length);

    const found = await t.ask(USER, '/search جمعة عناد سعدون');
    expect(found.text).toContain('إيران والعراق يعتزمان');
    expect(found.html).toContain(`t.me/${CHANNEL.username}/`);
    const latest = await t.ask(USER, '/latest');
    expect(latest.html).toContain(`t.me/${CHANNEL.username}/`);
  }, 90_000);

  it('polls a feed on its schedule and posts its stories', async () => {
    const server = await startFeedServer();
    try {
      const t = await clusterBot('cl-sources', {
        FETCH_ALLOW_HOSTS: `127.0.0.1:${server.port}`,
        SOURCE_MIN_INTERVAL_SECONDS: '1',
      });
      const app = await t.start();
      const stories = antStories(server.base, 8, 100);
      server.serve('/feed.xml', {
        body: rssXml(stories, { title: 'وكالة الاختبار' }),
        contentType: 'application/rss+xml',
      });
      await app.services.sources.add({
        url: server.url('/feed.xml'),
        kind: 'feed',
        publisher: 'وكالة الاختبار',
        intervalSec: 1,
      });
      await t.fake.waitForMessages(CHAT, stories.length, { timeoutMs: 60_000 });
      // A few more ticks: the source's seen set keeps the stories from coming again.
      await until(() => (server.hits.get('/feed.xml') ?? 0) >= 3, { what: '3 polls' });
      await expectOncePerArticle(t, stories.length);
    } finally {
      await server.close();
    }
  }, 90_000);

  it('moves the prefix slot to another master mid-run: nothing lost, nothing doubled, users answered', async () => {
    // Writes to the slot wait (TRYAGAIN) while it moves; a job lock shorter than that wait
    // lets a second run of a post job start while the first is still sending (see README).
    const t = await clusterBot('cl-reshard', { JOB_LOCK_MS: '10000' });
    await t.start({ ROLE: 'all', LOG_LEVEL: process.env.CLUSTER_LOG ?? 'silent' });
    const slot = await cluster.slotOf(`{${t.env.REDIS_PREFIX}}`);
    const source = await cluster.ownerOf(slot);
    const target = (await cluster.masters()).find((n) => n !== source);
    if (!target) throw new Error('no other master');

    const ant = antSample(60);
    let enqueued = 0;
    const producer = (async () => {
      for (const a of ant) {
        await t.enqueueText(antAsText(a), { url: a.url, publisher: a.source });
        enqueued++;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    // Start moving once the pipeline is busy: some posted, some queued, more arriving.
    await t.fake.waitForMessages(CHAT, 10, { timeoutMs: 30_000 });
    const moved = await cluster.moveSlot(slot, target, { batch: 20, pauseMs: 20 });
    expect(moved).toBeGreaterThan(20);
    expect(enqueued).toBeLessThan(ant.length);
    await producer;

    await t.fake.waitForMessages(CHAT, ant.length, { timeoutMs: 60_000 });
    expect(await cluster.keysInSlot(slot, source)).toBe(0);
    // No key was written on the old master after it had moved (fenced scripts, script.ts).
    expect(cluster.busyKeys).toEqual([]);
    expect(await t.posts.ambiguousCount()).toBe(0);
    expect((await cluster.ownerOf(slot)).port).toBe(target.port);
    // Give a late duplicate time to show before counting.
    await new Promise((r) => setTimeout(r, 1000));
    await expectOncePerArticle(t, ant.length);
    const latest = await t.ask(USER, '/latest');
    expect(latest.html).toContain(`t.me/${CHANNEL.username}/`);
  }, 120_000);
});

describe('a master failover with replicas (3 masters + 3 replicas)', () => {
  let withReplicas: RedisCluster;
  let t: TestBot | undefined;
  beforeAll(async () => {
    withReplicas = await RedisCluster.start({ masters: 3, replicas: 1 });
  }, 60_000);
  afterAll(async () => {
    // The bot first: stopping workers whose Redis is gone waits for it forever.
    await t?.close();
    await withReplicas?.destroy();
  });

  it('keeps posting once each and answering when a replica takes over the master of the slot', async () => {
    t = await createTestBot({
      name: 'cl-failover',
      env: { REDIS_CLUSTER_NODES: withReplicas.env, JOB_LOCK_MS: '10000' },
    });
    await t.start({ ROLE: 'all' });
    const slot = await withReplicas.slotOf(`{${t.env.REDIS_PREFIX}}`);
    const master = await withReplicas.ownerOf(slot);
    const replica = await withReplicas.replicaOf(master);

    const ant = antSample(40);
    const producer = (async () => {
      for (const a of ant) {
        await t.enqueueText(antAsText(a), { url: a.url, publisher: a.source });
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await t.fake.waitForMessages(CHAT, 10, { timeoutMs: 30_000 });
    // A manual failover: the replica catches up with the master, then the two swap roles.
    await replica.admin.cluster('FAILOVER');
    await until(async () => (await withReplicas.ownerOf(slot, replica)).port === replica.port, {
      what: 'replica promoted',
    });
    await producer;

    await t.fake.waitForMessages(CHAT, ant.length, { timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1000));
    await expectOncePerArticle(t, ant.length);
    expect(await t.posts.ambiguousCount()).toBe(0);
    const latest = await t.ask(USER, '/latest');
    expect(latest.html).toContain(`t.me/${CHANNEL.username}/`);
  }, 120_000);
});
