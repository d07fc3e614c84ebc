import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArticle } from '../../src/article/pipeline.ts';
import type { RawArticle } from '../../src/article/types.ts';
import { formatPost, LIMITS } from '../../src/telegram/format.ts';
import { collapseInvisible, stripUnsafeChars } from '../../src/text/sanitize.ts';
import { CHANNEL, createTestBot, type TestBot } from '../support/newsbot.ts';
import { RECEIVED } from './inputs.ts';

// Issue 11, item 5: 5,000 zero-width joiners in a feed item emptied the post (title, "…",
// source line). Runs of invisible characters now collapse before any length is measured.

const ZWJ = '\u200D';
const ZWNJ = '\u200C';
// Invisible or blank: joiners, soft hyphen, word joiner, Hangul and braille blanks, Mongolian
// vowel separator, invisible operators, BOM; plus combining marks that stack (Zalgo).
const INVISIBLES = [
  ZWJ,
  ZWNJ,
  '\u00AD',
  '\u2060',
  '\u3164',
  '\u115F',
  '\uFFA0',
  '\u2800',
  '\u180E',
  '\u2062',
  '\uFEFF',
];
const MARKS = ['\u0651', '\u064E', '\u0301', '\uFE0F', '\u034F'];

const TITLE = 'وزير الخارجية يزور بغداد';
const STORY = 'قال الوزير إن الزيارة تهدف إلى تعزيز العلاقات بين البلدين في كل المجالات.';
const PUBLISHER = 'ناشر الأخبار';

function itemWith(junk: string): RawArticle {
  return {
    feedItem: {
      title: `وزير${junk} الخارجية يزور بغداد${junk}`,
      link: 'https://e.example/zwj',
      description: `<p>قال الوزير${junk} إن الزيارة تهدف إلى تعزيز العلاقات بين البلدين في كل المجالات.</p>`,
    },
    url: 'https://e.example/zwj',
    publisher: `${junk}${PUBLISHER}${junk}`,
    sourceId: 'test',
    receivedAt: RECEIVED,
  };
}

const INVISIBLE_G = new RegExp(`[${INVISIBLES.join('')}]|\\p{M}`, 'gu');
/** What a reader sees, to compare with: the kept joiners and marks are left out. */
const visible = (s: string) =>
  stripUnsafeChars(s)
    .replace(INVISIBLE_G, '')
    .replace(/[^\S\n]+/g, ' ');

describe('runs of invisible characters', () => {
  it.each(INVISIBLES.map((ch) => [ch.codePointAt(0)?.toString(16) ?? '', ch]))(
    'U+%s ×5000: the post keeps its title, story and source line',
    (_name, ch) => {
      const article = buildArticle(itemWith(ch.repeat(5000)));
      for (const post of [formatPost(article), formatPost(article, { caption: true })]) {
        expect(post.truncated).toBe(false);
        expect(post.length).toBeLessThan(300);
        const plain = visible(post.plain);
        expect(plain).toContain(TITLE);
        expect(plain).toContain(STORY);
        expect(plain).toContain(`المصدر: ${PUBLISHER}`);
      }
    },
  );

  it('5,000 stacked marks on one letter are cut to eight', () => {
    const zalgo = `ب${'\u0651\u064E'.repeat(2500)}`;
    expect(stripUnsafeChars(zalgo)).toBe(`ب${'\u0651\u064E'.repeat(4)}`);
    const article = buildArticle(itemWith(MARKS.join('').repeat(1000)));
    expect(visible(formatPost(article).plain)).toContain(`المصدر: `);
  });

  it('keeps what one invisible character does between letters', () => {
    for (const text of [
      'می\u200Cخواهم', // Persian ZWNJ
      '👨\u200D👩\u200D👧', // family emoji
      '❤️\u200D🔥', // VS16 then ZWJ
      'co\u00ADoperate', // soft hyphen
      'مُحَمَّد', // harakat
    ]) {
      expect(stripUnsafeChars(text)).toBe(text);
    }
  });

  it('drops a run with nothing to join, and repeats in a run', () => {
    expect(collapseInvisible(`${ZWJ.repeat(9)}خبر`)).toBe('خبر');
    expect(collapseInvisible(`خبر${ZWNJ.repeat(9)}`)).toBe('خبر');
    expect(collapseInvisible(`خبر ${ZWJ}${ZWNJ} عاجل`)).toBe('خبر  عاجل');
    expect(collapseInvisible(`می${ZWNJ.repeat(50)}خواهم`)).toBe(`می${ZWNJ}خواهم`);
    expect(collapseInvisible(`a${`${ZWJ}${ZWNJ}`.repeat(50)}b`)).toBe(`a${ZWJ}${ZWNJ}b`);
  });

  it('property: whatever invisible runs are sprinkled in, the post shows the whole story', () => {
    const junk = fc
      .array(fc.constantFrom(...INVISIBLES, ...MARKS), { minLength: 1, maxLength: 40 })
      .chain((units) => fc.integer({ min: 1, max: 300 }).map((n) => units.join('').repeat(n)));
    fc.assert(
      fc.property(junk, (j) => {
        const article = buildArticle(itemWith(j));
        const post = formatPost(article);
        expect(post.length).toBeLessThanOrEqual(LIMITS.text);
        const plain = visible(post.plain);
        expect(plain).toContain(TITLE);
        expect(plain).toContain(STORY.slice(0, 20));
        expect(plain).toContain('المصدر:');
      }),
      { numRuns: 60 },
    );
  });

  it('stripUnsafeChars stays idempotent with runs of invisibles and marks', () => {
    const unit = fc.constantFrom(...INVISIBLES, ...MARKS, 'a', 'ب', ' ', '\n', '😀');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 80 }), (s) => {
        const once = stripUnsafeChars(s);
        expect(stripUnsafeChars(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});

describe('through the real processes', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await createTestBot({ name: 'hostile-zwj' });
    await t.start();
  });
  afterAll(async () => {
    await t.close();
  });

  it('a feed item with 5,000 ZWJ in every field is posted with its title, story and credit', async () => {
    await t.enqueue(itemWith(ZWJ.repeat(5000)));
    const [post] = await t.fake.waitForMessages(CHANNEL.id, 1);
    const text = visible(post?.text ?? '');
    expect(text).toContain(TITLE);
    expect(text).toContain(STORY);
    expect(text).toContain(`المصدر: ${PUBLISHER}`);
    expect((post?.text ?? '').length).toBeLessThan(400);
  });
});
