import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../src/article/input.ts';
import { buildArticle } from '../src/article/pipeline.ts';
import type { StoredArticle } from '../src/store/articles.ts';
import { runCliCaptured } from './support/cli.ts';
import { antAsText, antSample, FIXTURE_PATH } from './support/corpus.ts';
import { useRedis } from './support/redis.ts';
import { freePort } from './support/redis-server.ts';

const db = useRedis('cli-search');

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { code, stdout, stderr } = await runCliCaptured(args, {
    env: { ...db.env, ...env },
  });
  return { code, out: stdout, err: stderr };
}

const fixture: StoredArticle = {
  ...buildArticle(
    rawFromInput(readFileSync(FIXTURE_PATH), {
      url: 'https://example.com/iran-iraq',
      publisher: 'ميدل ايست نيوز',
    }),
  ),
  seq: 1,
};
const others: StoredArticle[] = antSample(20).map((a, i) => ({
  ...buildArticle(rawFromInput(antAsText(a), { url: `https://example.com/ant/${i}` })),
  seq: i + 2,
}));

beforeAll(async () => {
  const { articles, posts } = db.stores;
  const all = [...others, fixture];
  for (const [i, article] of all.entries()) {
    await articles.save(article);
    await posts.record({
      articleId: article.id,
      chat: '@newsbot_test',
      chatId: -1001234567890,
      messageId: 100 + i,
      sentAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
      kind: 'text',
    });
  }
  // The seed article also went to a private (numeric) channel.
  await posts.record({
    articleId: fixture.id,
    chat: '-1009876543210',
    chatId: -1009876543210,
    messageId: 5,
    sentAt: new Date(Date.UTC(2024, 0, 2)).toISOString(),
    kind: 'text',
  });
});

describe('cli reindex and search', () => {
  it('reindexes every posted article', async () => {
    const r = await cli(['reindex']);
    expect(r).toEqual({ code: 0, out: `indexed ${others.length + 1} articles\n`, err: '' });
  });

  it('prints ranked results with id, title, url and channel post links', async () => {
    const r = await cli(['search', 'شمخانی']);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('1 result\n');
    expect(r.out).toContain(`1. ${fixture.title}`);
    expect(r.out).toContain(`id: ${fixture.id}`);
    expect(r.out).toContain('url: https://example.com/iran-iraq');
    expect(r.out).toContain(`post: https://t.me/newsbot_test/${100 + others.length}`);
    expect(r.out).toContain('post: https://t.me/c/9876543210/5');
    expect(r.out).not.toContain('any of them');
  });

  it('checks phrases against the stored articles', async () => {
    const found = await cli(['search', '--json', '"وزیر الدفاع"']);
    expect(JSON.parse(found.out)).toMatchObject({ mode: 'all', total: 1 });
    expect(JSON.parse(found.out).results[0].id).toBe(fixture.id);
    const reversed = await cli(['search', '"الدفاع وزير"']);
    expect(reversed).toEqual({ code: 0, out: 'no results\n', err: '' });
  });

  it('prints JSON with --json, honouring --limit', async () => {
    const r = await cli(['search', 'تونس', '--json', '--limit', '2']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out) as {
      mode: string;
      total: number;
      results: { id: string; title: string; url: string | null; links: string[] }[];
    };
    expect(parsed.mode).toBe('all');
    expect(parsed.total).toBeGreaterThan(2);
    expect(parsed.results).toHaveLength(2);
    for (const row of parsed.results) {
      expect(row.url).toMatch(/^https:\/\/example\.com\/ant\//);
      expect(row.links[0]).toMatch(/^https:\/\/t\.me\/newsbot_test\/\d+$/);
      expect(others.some((a) => a.id === row.id && a.title === row.title)).toBe(true);
    }
  });

  it('marks the any-word fallback, in text and JSON', async () => {
    const text = await cli(['search', 'شمخاني', 'زقزقةغيرموجودة']);
    expect(text.code).toBe(0);
    expect(text.out.split('\n')[0]).toBe(
      'no article has all the words; showing articles with any of them',
    );
    const json = await cli(['search', '--json', 'شمخاني زقزقةغيرموجودة']);
    expect(JSON.parse(json.out)).toMatchObject({ mode: 'any', total: 1 });
  });

  it('says so when nothing matches', async () => {
    expect(await cli(['search', 'زقزقةغيرموجودة'])).toEqual({
      code: 0,
      out: 'no results\n',
      err: '',
    });
  });

  it.each([
    ['empty', ['search', '   ']],
    ['no query at all', ['search']],
    ['bidi controls and markup only', ['search', '\u202E<>\u2066!!']],
  ])('refuses an %s query with one line and exit 1', async (_name, args) => {
    const r = await cli(args);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe('newsbot: the query has no words to search for\n');
  });

  it('refuses a bad --limit as a usage error', async () => {
    const r = await cli(['search', 'تونس', '--limit', '0']);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('newsbot: --limit must be a whole number from 1 to 100');
  });

  it('fails with one line when Redis is down', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    for (const args of [['search', 'تونس'], ['reindex']]) {
      const r = await cli(args, { REDIS_URL: url });
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^newsbot: cannot reach Redis at 127\.0\.0\.1:\d+: .+\n$/);
      expect(r.err.split('\n')).toHaveLength(2);
    }
  });
});
