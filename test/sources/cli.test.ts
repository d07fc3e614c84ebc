import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PollJob, SOURCES_QUEUE, type SourceStatus } from '../../src/jobs/sources.ts';
import { createKeys } from '../../src/store/keys.ts';
import { runCliCaptured } from '../support/cli.ts';
import { useRedis } from '../support/redis.ts';
import { antStories, type FeedServer, rssXml, startFeedServer, storyPage } from './feed-server.ts';

// `newsbot sources ...` against a real Redis and the local feed server.

let server: FeedServer;
// Each test's prefix is a space of its own, all deleted after the file.
const db = useRedis('cli-sources');
const queues: Queue[] = [];
const dir = mkdtempSync(join(tmpdir(), 'newsbot-sources-cli-'));

beforeAll(async () => {
  server = await startFeedServer();
  server.serve('/rss.xml', {
    body: rssXml(antStories(server.base, 2, 0), { title: 'وكالة الاختبار' }),
    contentType: 'application/rss+xml',
  });
  server.serve('/home', {
    body: '<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body></body></html>',
    contentType: 'text/html',
  });
  server.serve('/nofeed', {
    body: storyPage(antStories(server.base, 1, 1)[0]!, 'موقع'),
    contentType: 'text/html',
  });
});

afterAll(async () => {
  for (const q of queues) await q.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function env(): { prefix: string; env: NodeJS.ProcessEnv } {
  const { prefix, env } = db.space();
  return {
    prefix,
    env: {
      ...env,
      FETCH_ALLOW_HOSTS: `127.0.0.1:${server.port}`,
      SOURCE_MIN_INTERVAL_SECONDS: '1',
    },
  };
}

const cli = (args: string[], env: NodeJS.ProcessEnv, stdin?: Uint8Array) =>
  runCliCaptured(args, { env, stdin });

function schedulers(prefix: string) {
  const queue = new Queue<PollJob>(SOURCES_QUEUE, {
    connection: db.redis,
    prefix: createKeys(prefix).bull,
  });
  queues.push(queue);
  return async () => (await queue.getJobSchedulers(0, -1)).map((s) => s.key).sort();
}

describe('newsbot sources', () => {
  it('add finds the feed from a page, names it, and schedules it; list shows it', async () => {
    const { prefix, env: e } = env();
    const added = await cli(['sources', 'add', server.url('/home'), '--every', '15m'], e);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toBe(`127-0-0-1\tfeed\t${server.url('/rss.xml')}\tوكالة الاختبار\n`);
    expect(await schedulers(prefix)()).toEqual(['source-127-0-0-1']);

    const page = await cli(
      [
        'sources',
        'add',
        server.url('/nofeed'),
        '--id',
        'site',
        '--review',
        '--chat',
        '@one_channel',
      ],
      e,
    );
    expect(page.stdout).toBe(`site\tpage\t${server.url('/nofeed')}\tموقع\n`);

    const json = await cli(['sources', 'list', '--json'], e);
    const list = JSON.parse(json.stdout) as SourceStatus[];
    expect(
      list.map((s) => [s.source.id, s.source.intervalSec, s.source.mode, s.source.chats]),
    ).toEqual([
      ['127-0-0-1', 900, 'auto', []],
      ['site', 600, 'review', ['@one_channel']],
    ]);
    const text = await cli(['sources', 'list'], e);
    expect(text.stdout).toContain('127-0-0-1\tوكالة الاختبار');
    expect(text.stdout).toContain('feed, every 900s, auto; active; items 0; last success never');

    const again = await cli(['sources', 'add', server.url('/rss.xml')], e);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('newsbot: this URL is already source 127-0-0-1\n');
  });

  it('pause, resume and remove by id', async () => {
    const { prefix, env: e } = env();
    await cli(['sources', 'add', server.url('/rss.xml'), '--id', 'agency', '--no-probe'], e);
    const scheduled = schedulers(prefix);
    expect((await cli(['sources', 'pause', 'agency'], e)).stdout).toBe('paused agency\n');
    expect(await scheduled()).toEqual([]);
    expect((await cli(['sources', 'list'], e)).stdout).toContain(
      'paused (paused from the command line)',
    );
    expect((await cli(['sources', 'resume', 'agency'], e)).stdout).toBe('resumed agency\n');
    expect(await scheduled()).toEqual(['source-agency']);
    expect((await cli(['sources', 'remove', 'agency'], e)).stdout).toBe('removed agency\n');
    expect(await scheduled()).toEqual([]);
    const gone = await cli(['sources', 'remove', 'agency'], e);
    expect(gone).toMatchObject({ code: 1, stderr: 'newsbot: no source with id agency\n' });
    expect((await cli(['sources', 'list'], e)).stdout).toBe('no sources\n');
  });

  it('export writes OPML that import reads back, settings and all', async () => {
    const a = env();
    await cli(
      ['sources', 'add', server.url('/home'), '--every', '2h', '--full-text', '--id', 'agency'],
      a.env,
    );
    await cli(['sources', 'add', server.url('/nofeed'), '--review', '--id', 'site'], a.env);
    const exported = await cli(['sources', 'export'], a.env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('<opml version="2.0">');
    expect(exported.stdout).toContain(`xmlUrl="${server.url('/rss.xml')}"`);
    const file = join(dir, 'sources.opml');
    writeFileSync(file, exported.stdout);

    const b = env();
    const imported = await cli(['sources', 'import', file], b.env);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('imported 2 of 2 sources');
    const before = JSON.parse((await cli(['sources', 'list', '--json'], a.env)).stdout);
    const after = JSON.parse((await cli(['sources', 'list', '--json'], b.env)).stdout);
    const settings = (list: SourceStatus[]) =>
      list.map(({ source: { createdAt: _c, ...rest } }) => rest);
    expect(settings(after)).toEqual(settings(before));
    expect(await schedulers(b.prefix)()).toEqual(['source-agency', 'source-site']);
  });

  it('imports a plain OPML (folders, defaults), skipping bad and known entries', async () => {
    const { env: e } = env();
    const opml = `<?xml version="1.0"?><opml version="1.0"><head><title>x</title></head><body>
      <outline text="أخبار">
        <outline text="وكالة" type="rss" xmlUrl="${server.url('/rss.xml')}"/>
        <outline text="مكرر" type="rss" xmlUrl="${server.url('/rss.xml')}"/>
        <outline text="سيئ" type="rss" xmlUrl="file:///etc/passwd"/>
        <outline text="بلا رابط"/>
      </outline>
    </body></opml>`;
    const result = await cli(['sources', 'import', '-', '--every', '30m'], e, Buffer.from(opml));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('imported 1 of 3 sources');
    expect(result.stderr).toContain('already source 127-0-0-1');
    expect(result.stderr).toContain('http:// or https://');
    const [only] = JSON.parse((await cli(['sources', 'list', '--json'], e)).stdout);
    expect(only.source).toMatchObject({ publisher: 'وكالة', intervalSec: 1800, kind: 'feed' });
  });

  it('gives one clear line for bad input', async () => {
    const { env: e } = env();
    expect(await cli(['sources'], e)).toMatchObject({ code: 2 });
    expect((await cli(['sources', 'frob'], e)).stderr).toContain("unknown sources command 'frob'");
    expect((await cli(['sources', 'add'], e)).code).toBe(2);
    expect((await cli(['sources', 'add', 'x', '--every', 'often'], e)).stderr).toContain('--every');
    const blocked = await cli(['sources', 'add', 'http://127.0.0.1:9/feed'], e);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toBe('newsbot: 127.0.0.1:9 resolves to blocked address 127.0.0.1\n');
    const junk = join(dir, 'junk.opml');
    writeFileSync(junk, 'not xml at all');
    expect(await cli(['sources', 'import', junk], e)).toMatchObject({
      code: 1,
      stderr: 'newsbot: the file is not a valid OPML document\n',
    });
  });
});
