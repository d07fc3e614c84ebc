import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/article/types.ts';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { FSI, PDI, RLM } from '../../src/telegram/bidi.ts';
import { formatPost, LIMITS } from '../../src/telegram/format.ts';
import { safeHref } from '../../src/telegram/html.ts';
import { stripUnsafeChars } from '../../src/text/sanitize.ts';
import { makeArticle } from './article.ts';

const NUM_RUNS = 600;

// Pieces that hostile or merely messy article text is made of.
const piece = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('خبر', 'عاجل', 'وزیر', 'کبار', 'الإيرانية', 'نقلاً', ' '),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('Apple', 'U.S.', 'iPhone 15', 'https://x.example/a?b=1&c=2'),
  },
  { weight: 2, arbitrary: fc.constantFrom('2024', '٢٠٢٤', '۱۴۰۳', '3.5', '٣٫٥٪', '-1') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('😀', '🔥', '👨\u200D👩\u200D👧', '🇮🇷', 'می\u200Cخواهم'),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...'\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C'.split(''),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '<b>',
      '</i>',
      '&',
      '&amp;',
      '<script>',
      '"',
      '</b>',
      '<a href="x">',
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('<', '>', '&lt;', '&#1234;', "'", '<tg-spoiler>', '\\') },
  { weight: 2, arbitrary: fc.constantFrom('\n', '\r\n', '\t', '  ', '\u00A0', '\u2028', '\u0000') },
  { weight: 1, arbitrary: fc.constantFrom('\uD800', '\uDC00', '\uDBFF', '\uDFFF') },
  { weight: 1, arbitrary: fc.constantFrom('.', '؟', '#', '_', '-', '،', '\u0640', '\u064B') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const shortText = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
// Now and then a very long field, to drive truncation.
const anyText = fc.oneof(
  { weight: 6, arbitrary: shortText },
  {
    weight: 1,
    arbitrary: fc
      .tuple(shortText, fc.integer({ min: 1, max: 2000 }))
      .map(([s, n]) => `${s} `.repeat(n)),
  },
);
const url = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom('javascript:alert(1)', 'data:text/html,<b>', 'https://example.com/"<b>&', ''),
  fc.webUrl().map((u) => `${u}/${'%D8%A3'.repeat(200)}`),
  shortText,
);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const article: fc.Arbitrary<Article> = fc
  .record({
    title: anyText,
    summary: fc.array(anyText, { maxLength: 8 }),
    source: optional(anyText),
    publisher: optional(anyText),
    url: optional(url),
    hashtags: fc.array(anyText, { maxLength: 6 }),
  })
  .map((fields) => makeArticle(fields));

const count = (s: string, c: string) => s.split(c).length - 1;
const clean = (s: string | undefined) =>
  stripUnsafeChars(s ?? '')
    .replace(/\s+/g, ' ')
    .trim();

/** Our isolates: the title, the publisher (or host) when credited, the source when named. */
function expectedIsolates(a: Article): number {
  const publisher = clean(a.publisher);
  const source = clean(a.source);
  const named = publisher !== '' || (a.url !== undefined && safeHref(a.url) !== undefined);
  const sourced = source !== '' && source.toLowerCase() !== publisher.toLowerCase();
  return 1 + (named ? 1 : 0) + (sourced ? 1 : 0);
}

/** RLM starts every non-empty line and appears nowhere else. */
function checkLines(text: string) {
  for (const line of text.split('\n')) {
    if (line === '') continue;
    expect(line.startsWith(RLM)).toBe(true);
    expect(count(line, RLM)).toBe(1);
  }
}

/** FSI and PDI come in pairs, never nested, never across a line. */
function checkIsolates(text: string, expected: number) {
  expect(count(text, FSI)).toBe(expected);
  expect(count(text, PDI)).toBe(expected);
  for (const line of text.split('\n')) {
    expect(line.replace(/\u2068[^\u2068\u2069]*\u2069/g, '')).not.toMatch(/[\u2068\u2069]/);
  }
}

describe('formatPost properties', () => {
  for (const caption of [false, true]) {
    const limit = caption ? LIMITS.caption : LIMITS.text;

    it(`is valid Telegram HTML within ${limit} units, with safe bidi (caption: ${caption})`, () => {
      fc.assert(
        fc.property(article, (a) => {
          const post = formatPost(a, { caption });
          // (1) Telegram accepts it, and we counted what it counts.
          const parsed = parseTelegramHtml(post.html);
          expect(parsed.text.length).toBe(post.length);
          expect(post.length).toBeLessThanOrEqual(limit);

          // (2) No embedding/override/LRI/RLI anywhere; isolates are ours; RLM at line starts.
          for (const out of [post.html, post.plain]) {
            expect(out).not.toMatch(/[\u202A-\u202E\u2066\u2067\u200E\u061C]/);
            checkIsolates(out, expectedIsolates(a));
          }
          checkLines(parsed.text);
          checkLines(post.plain);
          expect(post.plain).not.toMatch(
            /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
          );

          // (3) The plain twin is the visible text plus the URL in parentheses, nothing more.
          expect(post.plain.length).toBeLessThanOrEqual(limit);
          const href = a.url === undefined ? undefined : safeHref(a.url);
          const inParens = href === undefined ? '' : ` (${href})`;
          const at = inParens === '' ? -1 : post.plain.lastIndexOf(inParens);
          const plainVisible =
            at < 0 ? post.plain : post.plain.slice(0, at) + post.plain.slice(at + inParens.length);
          expect(plainVisible).toBe(parsed.text);
        }),
        { numRuns: NUM_RUNS },
      );
    });
  }

  it('marks the post truncated exactly when something was left out', () => {
    fc.assert(
      fc.property(article, fc.boolean(), (a, caption) => {
        const post = formatPost(a, { caption });
        const summary = a.summary.map(clean).filter((s) => s !== '');
        const full = clean(a.title).length + summary.join(' ').length;
        const shown = post.plain.split('\n\n');
        const shownTitle = (shown[0] ?? '').length - 3; // RLM FSI … PDI
        const shownSummary = summary.length > 0 ? (shown[1] ?? '').length - 1 : 0;
        if (!post.truncated) expect(shownTitle + shownSummary).toBe(full);
        else expect(shownTitle + shownSummary).toBeLessThan(full);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
