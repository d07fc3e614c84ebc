import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import { createDedupe } from '../../src/store/dedupe.ts';
import { antAsText, antSample, FIXTURE_PATH } from '../support/corpus.ts';
import { useRedis } from '../support/redis.ts';

describe('dedupe', () => {
  const { redis, keys, stores } = useRedis('dedupe');
  const articles = stores.articles;
  const dedupe = createDedupe({ redis, keys, windowMs: 60_000 });
  const build = async (text: string, url?: string) => {
    const a = { ...buildArticle(rawFromInput(text, { url })), seq: await articles.nextSeq() };
    await articles.create(a);
    return a;
  };
  const fixture = readFileSync(FIXTURE_PATH, 'utf8');

  it('passes distinct stories, and the same article checked again (a retry)', async () => {
    const [a, b] = antSample(2);
    const first = await build(antAsText(a!), a!.url);
    expect(await dedupe.check(first)).toBeUndefined();
    expect(await dedupe.check(first)).toBeUndefined();
    expect(await dedupe.check(await build(antAsText(b!), b!.url))).toBeUndefined();
  });

  it('names the original for the same content under another URL', async () => {
    const original = await build(fixture, 'https://a.example/1');
    expect(await dedupe.check(original)).toBeUndefined();
    const copy = await build(fixture, 'https://b.example/2');
    expect(await dedupe.check(copy)).toEqual({ duplicateOf: original.id, reason: 'content' });
  });

  it('names the original for a reworded copy, and records the drop in the stream', async () => {
    const long = antSample(200).find(
      (a) => a.text.split('\n').length >= 5 && a.docno !== antSample(2)[0]?.docno,
    );
    const story = antAsText(long!);
    const original = await build(story, 'https://c.example/3');
    // Another site's copy: Persian letter forms, a dateline, a sentence dropped, a word changed.
    const sentences = story.split('\n');
    const reworded = await build(
      [sentences[0], `تونس (وكالات) - ${sentences.slice(2, -1).join('\n')}`]
        .join('\n\n')
        .replace(/ي/g, 'ی')
        .replace(/ك/g, 'ک'),
      'https://d.example/4',
    );
    expect(await dedupe.check(original)).toBeUndefined();
    const dup = await dedupe.check(reworded);
    expect(dup).toMatchObject({ duplicateOf: original.id, reason: 'similar' });
    expect(dup?.similarity).toBeGreaterThan(0.5);
    await dedupe.recordDropped(reworded, dup!);
    const [entry] = await redis.xrange(keys.dropped, '-', '+');
    expect(entry?.[1]).toEqual(
      expect.arrayContaining(['id', reworded.id, 'duplicate_of', original.id]),
    );
  });
});
