import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { FSI, PDI, RLM } from '../../src/telegram/bidi.ts';
import { type FormattedPost, formatPost, LIMITS } from '../../src/telegram/format.ts';
import { makeArticle } from './article.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Within the limit as Telegram counts it, HTML and plain alike. */
function expectFits(post: FormattedPost, limit: number) {
  expect(parseTelegramHtml(post.html).text.length).toBe(post.length);
  expect(post.length).toBeLessThanOrEqual(limit);
  expect(post.plain.length).toBeLessThanOrEqual(limit);
}

/** The blocks of the plain version, marks removed: [title, summary, credit, tags]. */
function blocks(plain: string): string[] {
  return plain
    .split('\n\n')
    .map((b) => b.replaceAll(RLM, '').replaceAll(FSI, '').replaceAll(PDI, ''));
}

// ~85 UTF-16 units per sentence, each one distinct so we can tell which were kept.
const sentences = Array.from(
  { length: 125 },
  (_, i) =>
    `الجملة رقم ${i + 1} تتحدث عن تطورات الأحداث في المنطقة وتأثيرها على أسواق النفط العالمية.`,
);
const article = (fields: Parameters<typeof makeArticle>[0]) =>
  makeArticle({
    title: 'عنوان الخبر',
    publisher: 'ميدل ايست نيوز',
    source: 'إرنا',
    url: 'https://example.com/news/123',
    hashtags: ['إيران', 'النفط'],
    ...fields,
  });

describe('length limits', () => {
  it('drops whole sentences from a 10,000-char summary', () => {
    expect(sentences.join(' ').length).toBeGreaterThan(10_000);
    for (const caption of [false, true]) {
      const limit = caption ? LIMITS.caption : LIMITS.text;
      const post = formatPost(article({ summary: sentences }), { caption });
      expectFits(post, limit);
      expect(post.truncated).toBe(true);
      const summary = blocks(post.plain)[1] ?? '';
      // A prefix of whole sentences, nothing cut in half.
      const kept = summary.split(' الجملة').length;
      expect(kept).toBeGreaterThan(1);
      expect(summary).toBe(sentences.slice(0, kept).join(' '));
      expect(summary).not.toContain('…');
      // And not more dropped than needed: one more sentence would not have fitted.
      expect(post.plain.length + 1 + (sentences[kept]?.length ?? 0)).toBeGreaterThan(limit);
      // Credit and hashtags survive.
      expect(post.html).toContain('المصدر: <a href="https://example.com/news/123">');
      expect(post.html).toContain('#إيران #النفط');
    }
  });

  it('cuts a 5,000-char single sentence at a space and adds …', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `كلمة${i % 10}`);
    const sentence = `${words.join(' ')}.`;
    expect(sentence.length).toBeGreaterThanOrEqual(5000);
    for (const caption of [false, true]) {
      const limit = caption ? LIMITS.caption : LIMITS.text;
      const post = formatPost(article({ summary: [sentence] }), { caption });
      expectFits(post, limit);
      expect(post.truncated).toBe(true);
      const summary = blocks(post.plain)[1] ?? '';
      expect(summary.endsWith('…')).toBe(true);
      const kept = summary.slice(0, -1);
      expect(sentence.startsWith(kept)).toBe(true);
      expect(sentence[kept.length]).toBe(' ');
      expect(kept.length).toBeGreaterThan(limit / 2);
    }
  });

  it('keeps the first sentence even when it has to be cut', () => {
    const long = `${'طويلة '.repeat(1000)}نهاية.`;
    const post = formatPost(article({ summary: [long, 'جملة قصيرة.'] }), { caption: true });
    const summary = blocks(post.plain)[1] ?? '';
    expect(summary.startsWith('طويلة طويلة')).toBe(true);
    expect(summary.endsWith('…')).toBe(true);
    expect(summary).not.toContain('جملة قصيرة');
  });

  it('cuts a 3,000-char title and still leaves room for the summary', () => {
    const title = 'عنوان '.repeat(500).trim();
    expect(title.length).toBeGreaterThan(2900);
    const text = formatPost(article({ title, summary: sentences.slice(0, 3) }));
    expect(text.truncated).toBe(false);
    expectFits(text, LIMITS.text);

    const caption = formatPost(article({ title, summary: sentences.slice(0, 3) }), {
      caption: true,
    });
    expect(caption.truncated).toBe(true);
    expectFits(caption, LIMITS.caption);
    const [shownTitle = '', summary = ''] = blocks(caption.plain);
    expect(shownTitle.endsWith('عنوان…')).toBe(true);
    expect(shownTitle.length).toBeLessThan(LIMITS.caption);
    expect(summary.startsWith(sentences[0] ?? '-')).toBe(true);
    expect(caption.html.startsWith(`${RLM}<b>${FSI}عنوان عنوان`)).toBe(true);
    expect(caption.html).toContain(`…${PDI}</b>`);
  });

  it('fits a message with short fields without cutting anything', () => {
    const post = formatPost(article({ summary: sentences.slice(0, 3) }), { caption: true });
    expect(post.truncated).toBe(false);
    expect(blocks(post.plain)[1]).toBe(sentences.slice(0, 3).join(' '));
  });

  it('never splits a surrogate pair', () => {
    const emoji = '😀'.repeat(3000);
    for (const caption of [false, true]) {
      const limit = caption ? LIMITS.caption : LIMITS.text;
      const post = formatPost(article({ title: emoji, summary: [emoji, emoji] }), { caption });
      expectFits(post, limit);
      expect(post.html).not.toMatch(LONE_SURROGATE);
      expect(post.plain).not.toMatch(LONE_SURROGATE);
      expect(post.html).toContain('😀…');
    }
    // Every possible cut position: odd and even room.
    for (let n = 500; n < 520; n++) {
      const post = formatPost(article({ title: 'ع'.repeat(n % 2), summary: ['😀'.repeat(n)] }), {
        caption: true,
      });
      expect(post.plain).not.toMatch(LONE_SURROGATE);
      expectFits(post, LIMITS.caption);
    }
  });

  it('bounds the plain version when the URL is long', () => {
    const url = `https://example.com/${'%D8%A3'.repeat(150)}`;
    for (const caption of [false, true]) {
      const limit = caption ? LIMITS.caption : LIMITS.text;
      const post = formatPost(article({ url, summary: sentences }), { caption });
      expectFits(post, limit);
      expect(post.html).toContain(`<a href="${url}">`);
      // 920 units: kept in the 4096 plain text, left out of the 1024 plain caption.
      expect(post.plain.includes(`(${url})`)).toBe(!caption);
    }
  });

  it('bounds huge publisher, source and hashtags', () => {
    const huge = 'اسم '.repeat(2000);
    for (const caption of [false, true]) {
      const limit = caption ? LIMITS.caption : LIMITS.text;
      const post = formatPost(
        article({
          title: huge,
          summary: [huge, huge],
          publisher: huge,
          source: `${huge}آخر`,
          hashtags: [huge, `${huge}ب`, `${huge}ج`, huge],
        }),
        { caption },
      );
      expectFits(post, limit);
      expect(blocks(post.plain)[1]?.length).toBeGreaterThan(100);
    }
  });
});
