import { afterEach, describe, expect, it } from 'vitest';
import { ArticleError } from '../../src/article/errors.ts';
import { ArticleBudgetError } from '../../src/article/guards.ts';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import { type ArticleBuilder, createBuildPool } from '../../src/workers/build-pool.ts';
import { deepPage, NORMAL_TEXT, normalPage, RECEIVED, sentenceBomb, widePage } from './inputs.ts';

const page = (html: string) =>
  rawFromInput(html, { url: 'https://e.example/x', receivedAt: RECEIVED });

async function refusal(p: Promise<unknown>): Promise<ArticleError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ArticleError) return err;
    throw err;
  }
  throw new Error('expected the build to be refused');
}

describe('the article build pool', () => {
  let pool: ArticleBuilder | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('builds in a worker thread exactly what buildArticle builds in this one', async () => {
    pool = createBuildPool({ threads: 1, timeoutMs: 20_000, maxMemoryMb: 256 });
    const raw = page(normalPage());
    expect(await pool.build(raw)).toEqual(buildArticle(raw));
    const text = rawFromInput(NORMAL_TEXT, { receivedAt: RECEIVED });
    expect(await pool.build(text, { sentences: 2 })).toEqual(buildArticle(text, { sentences: 2 }));
  });

  it('passes on the pipeline errors with their class and code', async () => {
    pool = createBuildPool({ threads: 1, timeoutMs: 20_000, maxMemoryMb: 256 });
    const err = await refusal(pool.build({ html: '<p></p>', receivedAt: RECEIVED }));
    expect(err).not.toBeInstanceOf(ArticleBudgetError);
    expect(err.code).toBe('empty');
  });

  it('refuses the 200,000-deep page by its structure, before parsing', async () => {
    pool = createBuildPool({ threads: 1, timeoutMs: 20_000, maxMemoryMb: 256 });
    const err = await refusal(pool.build(page(deepPage())));
    expect(err).toBeInstanceOf(ArticleBudgetError);
    expect(err.code).toBe('too-complex');
    expect(err.message).toMatch(/more than 1000 deep/);
  });

  it('stops a build over its time budget, keeps the event loop free meanwhile, and recovers', async () => {
    pool = createBuildPool({ threads: 1, timeoutMs: 1500, maxMemoryMb: 256 });
    const builder = pool;
    const bomb = builder.build(page(sentenceBomb()));
    // The event loop keeps turning while the bomb runs: timers fire, in order, before it settles.
    let ticks = 0;
    let settled = false;
    const outcome = bomb.then(
      () => 'built',
      (err: unknown) => err,
    );
    void outcome.then(() => {
      settled = true;
    });
    const timer = setInterval(() => ticks++, 20);
    const err = await outcome;
    clearInterval(timer);
    expect(settled).toBe(true);
    expect(ticks).toBeGreaterThan(10);
    expect(err).toBeInstanceOf(ArticleBudgetError);
    expect(err instanceof ArticleError && err.code).toBe('too-slow');
    // The thread was replaced: the next article builds.
    const next = await builder.build(page(normalPage()));
    expect(next.title).toContain('إيران والعراق');
  });

  it('stops a build over its memory budget and recovers', async () => {
    pool = createBuildPool({ threads: 1, timeoutMs: 60_000, maxMemoryMb: 24 });
    const err = await refusal(pool.build(page(widePage())));
    expect(err).toBeInstanceOf(ArticleBudgetError);
    expect(err.code).toBe('too-big');
    expect((await pool.build(page(normalPage()))).title).toContain('إيران والعراق');
  });

  it('gives each build its own budget: a good article queued behind a slow one is built', async () => {
    pool = createBuildPool({ threads: 1, timeoutMs: 1500, maxMemoryMb: 256 });
    const slow = pool.build(page(sentenceBomb()));
    const good = pool.build(page(normalPage()));
    expect((await refusal(slow)).code).toBe('too-slow');
    expect((await good).title).toContain('إيران والعراق');
  });

  it('rejects what waits when closed, and every build after', async () => {
    pool = createBuildPool({ threads: 1, timeoutMs: 20_000, maxMemoryMb: 256 });
    const waiting = expect(pool.build(page(sentenceBomb()))).rejects.toThrow(/closed/);
    await pool.close();
    await waiting;
    await expect(pool.build(page(normalPage()))).rejects.toThrow(/closed/);
  });
});
