import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTION_HASHTAGS } from '../../src/article/hashtags.ts';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import type { Section } from '../../src/article/types.ts';
import { syncDigestSchedulers } from '../../src/jobs/digests.ts';
import { publishStored } from '../../src/jobs/enqueue.ts';
import type { Newsbot } from '../../src/main.ts';
import { createTestBot, type TestBot, until } from '../support/newsbot.ts';

const DIGEST = { id: -1004444444444, title: 'موجز' };
const target = String(DIGEST.id);

/** A short story; the filler varies with the title so stories are not near-duplicates. */
const story = (title: string, body: string) =>
  `${title}

${body} ${title} بحسب ما أفادت مصادر مطلعة. ${body.replace('.', '')} في وقت سابق من هذا الأسبوع. وتابعت المصادر أن ${title} سيكون محور نقاش واسع.`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('digests: a scheduled digest per target', () => {
  let t: TestBot;
  let apps: Newsbot[] = [];

  beforeAll(async () => {
    t = await createTestBot({ name: 'digests' });
    t.fake.addChannel(DIGEST);
    // Daily at 08:00: does not fire during the test until the test switches it to `everyMs`.
    await t.stores.routes.add({
      target: { chat: target },
      sources: [],
      sections: [],
      any: [],
      all: [],
      not: [],
      digest: { every: 'daily', at: '08:00' },
      digestOnly: true,
    });
    apps = [await t.start()];
  });
  afterAll(async () => {
    await t.close();
  });

  async function publishWithSection(text: string, url: string, section: Section) {
    const built = buildArticle(rawFromInput(text, { url, sourceId: 'test' }));
    await t.articles.create({ ...built, seq: await t.articles.nextSeq(), section });
    await publishStored(t, built.id);
    return built.id;
  }

  const waiting = () => t.stores.digestStore.waiting(target);
  const routeSchedulers = async () =>
    (await t.queues.digests.getJobSchedulers(0, -1)).filter((s) => s.key.startsWith('digest-'));

  it('sends one digest grouped by section, picks first, survives a restart, never twice', async () => {
    const schedulers = await routeSchedulers();
    expect(schedulers.map((s) => s.pattern)).toEqual(['0 8 * * *']);

    const misc = story(
      'افتتاح معرض الكتاب في المدينة',
      'افتتح معرض الكتاب أبوابه للزوار صباح اليوم.',
    );
    await t.enqueueText(misc, { url: 'https://news.example/m' });
    // The same story from another source: dropped as a duplicate, it counts as a carrier.
    await t.enqueueText(misc, { url: 'https://other.example/m2' });
    await publishWithSection(
      story('وزير الخارجية يستقبل سفير اليابان', 'استقبل وزير الخارجية سفير اليابان في مكتبه.'),
      'https://news.example/p',
      'politics',
    );
    await publishWithSection(
      story('المنتخب يفوز في مباراة النهائي', 'فاز المنتخب الوطني في مباراة النهائي مساء أمس.'),
      'https://news.example/s',
      'sport',
    );
    await until(async () => (await waiting()).length === 3, { what: '3 stories waiting' });
    await until(async () => (await t.redis.xlen(t.keys.dropped)) === 1, { what: 'duplicate' });
    // Digest-only: no single post went out.
    expect(t.fake.messages(DIGEST.id)).toHaveLength(0);

    // Short ticks from now on (a test-only schedule); upserting runs the first tick at once.
    const [route] = await t.stores.routes.list();
    await t.stores.routes.save({
      ...route!,
      digest: { every: 'daily', at: '08:00', everyMs: 1000 },
    });
    await syncDigestSchedulers(t.queues.digests, await t.stores.routes.list(), 'UTC');

    const [first] = await t.fake.waitForMessages(DIGEST.id, 1);
    const text = first!.text ?? '';
    // The unlabelled story's section is the classifier's (article/section.ts); it heads its group.
    const miscId = buildArticle(rawFromInput(misc, { url: 'https://news.example/m' })).id;
    const miscSection = (await t.articles.get(miscId))?.section ?? 'misc';
    const order = [
      '#سياسة',
      'وزير الخارجية',
      '#رياضة',
      'المنتخب يفوز',
      `#${SECTION_HASHTAGS[miscSection]}`,
      'افتتاح معرض الكتاب',
    ].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toMatch(/افتتاح معرض الكتاب في المدينة \(2 مصادر\)/);
    // Headlines link to the article (there is no channel post of a digest-only story).
    expect(first!.entities.filter((e) => e.type === 'text_link')).toHaveLength(3);

    // Restart: the scheduler lives in Redis; two workers now, still one digest per tick.
    for (const app of apps) await app.stop();
    expect((await routeSchedulers()).map((s) => s.every)).toEqual([1000]);
    apps = [await t.start(), await t.start()];
    await sleep(2500);
    // Empty periods sent nothing.
    expect(t.fake.messages(DIGEST.id)).toHaveLength(1);

    await t.enqueueText(
      story('ارتفاع أسعار النفط في الأسواق', 'ارتفعت أسعار النفط اليوم في الأسواق العالمية.'),
      { url: 'https://news.example/e' },
    );
    const [, second] = await t.fake.waitForMessages(DIGEST.id, 2);
    expect(second!.text).toContain('ارتفاع أسعار النفط');
    // No story twice: the first digest's stories are not in the second.
    for (const old of ['وزير الخارجية', 'المنتخب يفوز', 'افتتاح معرض']) {
      expect(second!.text).not.toContain(old);
    }
    await sleep(2500);
    expect(t.fake.messages(DIGEST.id)).toHaveLength(2);
  });
});
