import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArticleError } from '../../src/article/errors.ts';
import { rawFromInput } from '../../src/article/input.ts';
import type { Article, RawArticle } from '../../src/article/types.ts';
import {
  FeedError,
  itemFingerprints,
  parseFeedText,
  rawFromFeedItem,
} from '../../src/sources/feed.ts';
import { formatPost, LIMITS } from '../../src/telegram/format.ts';
import { hasUnsafeChars } from '../../src/text/sanitize.ts';
import { type ArticleBuilder, createBuildPool } from '../../src/workers/build-pool.ts';
import { singleByteEncoder } from '../article/charsets.ts';
import { RECEIVED } from './inputs.ts';

// Generated hostile HTML and feed XML through the real pipeline, in the build pool: every input
// ends as an article that formats within Telegram's limits, or as an ArticleError (a budget
// one included); none crashes a thread or hangs, since the pool's budget bounds each input.

const win1256 = singleByteEncoder('windows-1256');
const STORY =
  'قال وزير الخارجية إن الاجتماع سيعقد غدا في العاصمة لبحث الملفات العالقة بين البلدين. وأضاف أن الوفد سيصل صباحا.';
const TITLE = 'وزير الخارجية يزور بغداد غدا';

const INVISIBLE = [
  '\u200D',
  '\u200C',
  '\u200B',
  '\u2060',
  '\u00AD',
  '\uFEFF',
  '\u202E',
  '\u2066',
  '\u3164',
  '\u0651',
  '\uFE0F',
];
const TAGS = [
  'div',
  'span',
  'a',
  'b',
  'p',
  'li',
  'table',
  'section',
  'font',
  'svg',
  'select',
  'template',
];

const invisibleRun = fc
  .tuple(fc.constantFrom(...INVISIBLE), fc.integer({ min: 1, max: 20_000 }))
  .map(([ch, n]) => ch.repeat(n));

// Deep nesting: shallow to far past the guard, closed or not, mixed tags.
const nesting = fc
  .record({
    tag: fc.constantFrom(...TAGS),
    depth: fc.oneof(fc.integer({ min: 1, max: 900 }), fc.integer({ min: 900, max: 250_000 })),
    closed: fc.boolean(),
  })
  .map(({ tag, depth, closed }) => {
    const open = `<${tag}>`.repeat(depth);
    return `${open}<p>${STORY}</p>${closed ? `</${tag}>`.repeat(depth) : ''}`;
  });

const hugeAttribute = fc
  .tuple(
    fc.constantFrom('title', 'href', 'style', 'data-x', 'content'),
    fc.integer({ min: 1, max: 1_500_000 }),
    fc.constantFrom('"', "'", ''),
  )
  .map(([name, n, q]) => `<p ${name}=${q}${'a'.repeat(n)}${q}>${STORY}</p>`);

const entityTricks = fc
  .tuple(
    fc.constantFrom(
      '&amp;',
      '&amp;amp;lt;',
      '&#x202E;',
      '&#0;',
      '&#xD800;',
      '&#1114112;',
      '&#x110000;',
      '&lt;script&gt;alert(1)&lt;/script&gt;',
      '&',
      '&#',
      '&nbsp;',
      '&zwj;',
      '&NotANamedEntity;',
      '&#99999999999999999999;',
      '&#x200D;',
    ),
    fc.integer({ min: 1, max: 20_000 }),
  )
  .map(([entity, n]) => `<p>${STORY}${entity.repeat(n)}</p>`);

const manyElements = fc
  .tuple(fc.constantFrom(...TAGS), fc.integer({ min: 1, max: 70_000 }))
  .map(([tag, n]) => `<${tag}>x</${tag}>`.repeat(n));

const junkBody = fc.oneof(
  nesting,
  hugeAttribute,
  entityTricks,
  manyElements,
  invisibleRun.map((run) => `<p>${STORY.replace(' ', ` ${run}`)}${run}</p>`),
  fc.string({ maxLength: 2000 }),
);

const page = fc
  .tuple(
    fc.array(junkBody, { minLength: 1, maxLength: 3 }),
    fc.option(invisibleRun, { nil: undefined }),
  )
  .map(([junk, titleJunk]) => {
    const title = titleJunk === undefined ? TITLE : `${TITLE}${titleJunk}`;
    return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${junk.join('')}<article><p>${STORY}</p></article></body></html>`;
  });

// Mixed encodings: what the bytes are, and what the header or the page says they are.
const encodedPage = fc
  .tuple(
    page,
    fc.constantFrom('utf-8', 'windows-1256', 'utf-16le'),
    fc.constantFrom(
      undefined,
      'text/html; charset=utf-8',
      'text/html; charset=windows-1256',
      'text/html; charset=iso-8859-6',
      'text/html; charset=x-nonsense',
    ),
  )
  .map(([html, encoding, contentType]) => {
    let body: Uint8Array;
    if (encoding === 'utf-16le') {
      body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(html, 'utf16le')]);
    } else if (encoding === 'windows-1256') {
      // Characters windows-1256 lacks are dropped: the page is still "mostly Arabic".
      const encodable = Array.from(html)
        .filter((ch) => {
          try {
            win1256(ch);
            return true;
          } catch {
            return false;
          }
        })
        .join('');
      body = win1256(encodable);
    } else body = Buffer.from(html, 'utf8');
    return { body, contentType };
  });

function checkArticle(article: Article): void {
  expect(article.title.trim()).not.toBe('');
  for (const text of [article.title, ...article.paragraphs, ...article.summary]) {
    expect(hasUnsafeChars(text)).toBe(false);
  }
  // Runs of invisible characters never survive: none is longer than two.
  expect(article.title).not.toMatch(/[\u200B-\u200D\u2060\u00AD\u3164]{3,}/u);
  const post = formatPost(article);
  expect(post.length).toBeLessThanOrEqual(LIMITS.text);
  expect(post.length).toBeGreaterThan(0);
  expect(formatPost(article, { caption: true }).length).toBeLessThanOrEqual(LIMITS.caption);
}

describe('fuzz: hostile pages and feeds through the pipeline, each within the pool budget', () => {
  let pool: ArticleBuilder;
  const outcomes = new Map<string, number>();
  const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);

  beforeAll(() => {
    pool = createBuildPool({ threads: 1, timeoutMs: 4000, maxMemoryMb: 192 });
  });
  afterAll(async () => {
    await pool.close();
  });

  /** An article, or an ArticleError; anything else (a crashed thread, a bug) fails the test. */
  async function build(raw: RawArticle): Promise<void> {
    try {
      checkArticle(await pool.build(raw));
      count('article');
    } catch (err) {
      if (!(err instanceof ArticleError)) throw err;
      count(err.code);
    }
  }

  it('HTML pages: deep nesting, huge attributes, entities, invisibles, element floods, encodings', async () => {
    await fc.assert(
      fc.asyncProperty(encodedPage, async ({ body, contentType }) => {
        let raw: RawArticle;
        try {
          raw = rawFromInput(body, {
            url: 'https://e.example/fuzz',
            receivedAt: RECEIVED,
            ...(contentType ? { contentType } : {}),
          });
        } catch (err) {
          // Refused before any parse (too large, binary): also an answer.
          if (!(err instanceof ArticleError)) throw err;
          count(`input:${err.code}`);
          return;
        }
        await build(raw);
      }),
      { numRuns: 40 },
    );
    // The property saw both ends: articles built and hostile pages refused for their structure.
    expect(outcomes.get('article') ?? 0).toBeGreaterThan(0);
    expect(outcomes.get('too-complex') ?? 0).toBeGreaterThan(0);
    // Each input has its own budget in the pool; the whole run gets room on a loaded machine.
  }, 180_000);

  const feedField = fc.oneof(
    fc.constant(STORY),
    junkBody.map((html) => `<![CDATA[${html.replaceAll(']]>', '')}]]>`),
    junkBody.map((html) => html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')),
    invisibleRun.map((run) => `${STORY}${run}`),
  );
  const feedXml = fc
    .record({
      items: fc.array(
        fc.record({
          title: fc.oneof(
            fc.constant(TITLE),
            invisibleRun.map((r) => `${TITLE}${r}`),
            invisibleRun,
          ),
          link: fc.constantFrom(
            'https://e.example/a',
            'javascript:alert(1)',
            'data:text/html,x',
            '/relative',
            '',
          ),
          guid: fc.constantFrom('12345', 'https://e.example/g', 'urn:x', ''),
          description: feedField,
        }),
        { minLength: 1, maxLength: 4 },
      ),
      declared: fc.constantFrom('UTF-8', 'windows-1256', 'utf-16', 'bogus'),
      attribute: fc.integer({ min: 0, max: 500_000 }),
    })
    .map(({ items, declared, attribute }) => {
      const body = items
        .map(
          (i) =>
            `<item><title>${i.title}</title>${i.link ? `<link>${i.link.replace(/&/g, '&amp;')}</link>` : ''}${i.guid ? `<guid>${i.guid}</guid>` : ''}<description>${i.description}</description></item>`,
        )
        .join('');
      return `<?xml version="1.0" encoding="${declared}"?><rss version="2.0"><channel><title a="${'x'.repeat(attribute)}">Feed</title><link>https://e.example/</link>${body}</channel></rss>`;
    });

  it('feed XML: every item is fingerprinted and built, or refused, within its budget', async () => {
    await fc.assert(
      fc.asyncProperty(feedXml, async (xml) => {
        let items: ReturnType<typeof parseFeedText>['items'];
        try {
          items = parseFeedText(xml, 'https://e.example/feed.xml').items;
        } catch (err) {
          if (!(err instanceof FeedError)) throw err;
          count(`feed:${err.code}`);
          return;
        }
        for (const item of items) {
          // A link is an absolute http(s) URL or nothing; a bare guid never became one.
          if (item.link !== undefined) expect(item.link).toMatch(/^https?:\/\/[^/]/);
          expect(item.link).not.toBe('https://e.example/12345');
          itemFingerprints(item);
          await build(rawFromFeedItem(item, { sourceId: 'fuzz', receivedAt: RECEIVED }));
        }
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});
