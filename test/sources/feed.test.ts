import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/article/decode.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import {
  FeedError,
  findArticleLinks,
  findFeedLinks,
  findSiteName,
  itemFingerprints,
  parseFeedText,
  rawFromFeedItem,
} from '../../src/sources/feed.ts';
import { antStories, atomXml, encode, jsonFeed, rssXml, storyPage } from './feed-server.ts';

const BASE = 'http://news.example';
const stories = antStories(BASE, 4);

function feedError(fn: () => unknown): FeedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FeedError) return err;
    throw err;
  }
  throw new Error('expected a FeedError');
}

describe('parseFeedText', () => {
  it.each([
    ['rss', rssXml(stories, { title: 'وكالة الاختبار' })],
    ['atom', atomXml(stories, { title: 'وكالة الاختبار' })],
    ['json', jsonFeed(stories, { title: 'وكالة الاختبار' })],
  ])('reads %s: title, items oldest first, full text, guid, link, date', (format, text) => {
    const feed = parseFeedText(text, `${BASE}/feed`);
    expect(feed.format).toBe(format);
    expect(feed.title).toBe('وكالة الاختبار');
    expect(feed.items.map((i) => i.guid)).toEqual(stories.map((s) => s.guid));
    const [first] = feed.items;
    const story = stories[0]!;
    expect(first?.title).toBe(story.title);
    expect(first?.link).toBe(story.link);
    expect(Date.parse(first?.date ?? '')).toBe(story.date.getTime());
    expect(first?.content).toContain(story.paragraphs[0]!.slice(0, 30));
    expect(first?.description).toBe(story.teaser);
  });

  it.each([
    ['windows-1256', 'rss'],
    ['iso-8859-6', 'rss'],
    ['windows-1256', 'atom'],
    ['iso-8859-6', 'atom'],
  ] as const)('%s %s decodes to the same Arabic as UTF-8', (charset, format) => {
    const text =
      format === 'rss'
        ? rssXml(stories, { title: 'وكالة', encoding: charset })
        : atomXml(stories, { title: 'وكالة', encoding: charset });
    const bytes = encode(text, charset);
    // The XML declaration names the charset; no header is given.
    const decoded = decodeBytes(bytes);
    expect(decoded.charset).toBe(charset);
    const feed = parseFeedText(decoded.text, `${BASE}/feed`);
    expect(feed.items.map((i) => i.title)).toEqual(stories.map((s) => s.title));
  });

  it('takes the charset from the HTTP header when the feed has no declaration', () => {
    const text = rssXml(stories, { title: 'وكالة', declaration: false });
    const bytes = encode(text, 'iso-8859-6');
    const decoded = decodeBytes(bytes, { contentType: 'application/rss+xml; charset=ISO-8859-6' });
    expect(parseFeedText(decoded.text).items[3]?.title).toBe(stories[3]!.title);
  });

  it.each(['windows-1256', 'iso-8859-6'] as const)(
    'detects %s when neither the header nor the feed names it',
    (charset) => {
      const bytes = encode(rssXml(stories, { title: 'وكالة', declaration: false }), charset);
      const decoded = decodeBytes(bytes);
      expect(parseFeedText(decoded.text).items.map((i) => i.title)).toEqual(
        stories.map((s) => s.title),
      );
    },
  );

  it('resolves relative links against the feed URL and drops non-http ones', () => {
    const xml = `<rss version="2.0"><channel><title>t</title>
      <item><title>one two three</title><link>/news/1</link><description>d</description></item>
      <item><title>bad link</title><link>javascript:alert(1)</link><description>d</description></item>
    </channel></rss>`;
    const feed = parseFeedText(xml, 'https://site.example/rss/feed.xml');
    const links = feed.items.map((i) => i.link);
    expect(links).toContain('https://site.example/news/1');
    expect(links).toContain(undefined);
    expect(links.join(' ')).not.toContain('javascript');
  });

  it('orders undated items by reversing the feed (feeds list the newest first)', () => {
    const xml = `<rss version="2.0"><channel><title>t</title>
      <item><title>newest</title><guid>3</guid></item>
      <item><title>middle</title><guid>2</guid></item>
      <item><title>oldest</title><guid>1</guid></item>
    </channel></rss>`;
    expect(parseFeedText(xml).items.map((i) => i.guid)).toEqual(['1', '2', '3']);
  });

  it('says not-a-feed for HTML, empty text and junk, malformed for broken XML', () => {
    expect(feedError(() => parseFeedText(storyPage(stories[0]!))).code).toBe('not-a-feed');
    expect(feedError(() => parseFeedText('')).code).toBe('not-a-feed');
    expect(feedError(() => parseFeedText('hello world')).code).toBe('not-a-feed');
    const broken = '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><tit';
    expect(feedError(() => parseFeedText(broken)).code).toBe('malformed');
  });

  it('does not expand external entities', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
      <rss version="2.0"><channel><title>&e;</title><item><title>&e;</title><description>x</description></item></channel></rss>`;
    let out = '';
    try {
      out = JSON.stringify(parseFeedText(xxe));
    } catch (err) {
      expect(err).toBeInstanceOf(FeedError);
    }
    expect(out).not.toContain('root:');
  });

  it('never throws anything but FeedError, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `<rss version="2.0"><channel>${s}`),
          fc.string().map((s) => `{"version":"https://jsonfeed.org/version/1.1","items":${s}`),
        ),
        (input) => {
          try {
            const feed = parseFeedText(input);
            for (const item of feed.items) {
              expect(item.title ?? item.description ?? item.content).toBeDefined();
            }
          } catch (err) {
            expect(err).toBeInstanceOf(FeedError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('findFeedLinks / findSiteName', () => {
  it('finds announced feeds, resolved against the page, RSS and Atom before JSON', () => {
    const html = `<html><head><title>الموقع</title>
      <link rel="alternate" type="application/feed+json" href="/feed.json">
      <link rel="alternate" type="application/rss+xml" title="الأخبار" href="rss.xml">
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" hreflang="en" href="/en/">
      <link rel="alternate" type="application/atom+xml" href="https://other.example/atom">
    </head><body></body></html>`;
    const links = findFeedLinks(html, 'https://site.example/section/');
    expect(links.map((l) => l.url)).toEqual([
      'https://site.example/section/rss.xml',
      'https://other.example/atom',
      'https://site.example/feed.json',
    ]);
    expect(links[0]?.title).toBe('الأخبار');
  });

  it('finds nothing in a page without a feed', () => {
    expect(findFeedLinks(storyPage(stories[0]!), `${BASE}/`)).toEqual([]);
  });

  it('names the site from og:site_name, then <title>', () => {
    expect(findSiteName(storyPage(stories[0]!, 'الجزيرة'))).toBe('الجزيرة');
    expect(findSiteName('<html><head><title> أخبار  اليوم </title></head></html>')).toBe(
      'أخبار اليوم',
    );
  });
});

describe('findArticleLinks', () => {
  it('keeps same-site headline links outside navigation, oldest (lowest on the page) first', () => {
    const html = `<html><body>
      <nav><a href="/politics">أخبار سياسية من كل مكان في العالم</a></nav>
      <main>
        <h2><a href="/news/3?utm_source=home">وزير الخارجية يزور العاصمة اليوم لبحث التعاون</a></h2>
        <h2><a href="https://www.site.example/news/2">افتتاح معرض الكتاب الدولي في تونس</a></h2>
        <a href="/news/2#comments">افتتاح معرض الكتاب الدولي في تونس</a>
        <a href="/tag/economy">اقتصاد واستثمار وأسواق المال</a>
        <a href="https://elsewhere.example/x">خبر من موقع آخر لا علاقة له</a>
        <a href="/news/4">المزيد</a>
        <a href="mailto:a@b.c">راسلونا على البريد الإلكتروني</a>
      </main>
      <footer><a href="/about">من نحن وماذا نفعل في هذا الموقع</a></footer>
    </body></html>`;
    const links = findArticleLinks(html, 'https://site.example/');
    expect(links.map((l) => l.url)).toEqual([
      'https://www.site.example/news/2',
      'https://site.example/news/3',
    ]);
  });
});

describe('fingerprints and RawArticles', () => {
  const feed = parseFeedText(rssXml(stories, { title: 'وكالة' }), `${BASE}/feed`);
  const item = feed.items[0]!;

  it('identifies an item by guid, canonical link and content', () => {
    const fps = itemFingerprints(item);
    expect(fps[0]).toBe(`g:${stories[0]!.guid}`);
    expect(fps[1]).toBe(`l:${stories[0]!.link}`);
    expect(fps[2]).toMatch(/^h:[0-9a-f]{64}$/);
    // Tracking parameters and a new guid: the link still matches; new link: the content does.
    const moved = { ...item, guid: 'new', link: `${item.link}?utm_source=x` };
    expect(itemFingerprints(moved)).toContain(fps[1]);
    const republished = { ...item, guid: 'new', link: `${BASE}/news/elsewhere` };
    expect(itemFingerprints(republished)).toContain(fps[2]);
  });

  it('does not match on a short, stock text', () => {
    expect(itemFingerprints({ title: 'عاجل' }).length).toBe(0);
  });

  it('becomes a RawArticle the pipeline builds, credited to the source publisher', () => {
    const raw = rawFromFeedItem(item, { sourceId: 's1', publisher: 'وكالة', review: true });
    expect(raw).toMatchObject({ sourceId: 's1', publisher: 'وكالة', review: true, url: item.link });
    const article = buildArticle(raw);
    expect(article.title).toBe(stories[0]!.title);
    expect(article.publisher).toBe('وكالة');
    expect(article.sourceId).toBe('s1');
  });
});

describe('publisher names and categories from real feed shapes (issue 10)', () => {
  const feedWith = (title: string, itemXml: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${title}</title><link>https://www.bbc.com/urdu</link>${itemXml}</channel></rss>`;

  it.each([
    ['BBCUrdu.com | صفحۂ اول', 'BBCUrdu.com'],
    ['BBC Arabic | الصفحة الرئيسية', 'BBC Arabic'],
    ['آخر الأخبار - الجزيرة نت', 'الجزيرة نت'],
    ['الوطن - صوت الحقيقة والمواطن', 'الوطن'],
    ['الشروق أونلاين :: أخبار تونس', 'الشروق أونلاين'],
    ['هسبريس', 'هسبريس'],
  ])('%s → %s', (title, publisher) => {
    const feed = parseFeedText(
      feedWith(title, '<item><title>خبر</title><link>https://x.example/1</link></item>'),
    );
    expect(feed.title).toBe(title);
    expect(feed.publisher).toBe(publisher);
  });

  it('a title-only item goes through the pipeline: posted with its title and link', () => {
    const feed = parseFeedText(
      feedWith(
        'BBCUrdu.com | صفحۂ اول',
        '<item><title>عنوان الخبر الوحيد</title><link>https://www.bbc.com/urdu/1</link></item>',
      ),
    );
    const raw = rawFromFeedItem(feed.items[0]!, { sourceId: 'urdu', publisher: feed.publisher });
    const article = buildArticle(raw);
    expect(article).toMatchObject({
      title: 'عنوان الخبر الوحيد',
      summary: [],
      publisher: 'BBCUrdu.com',
    });
  });

  it('<category> values reach the item', () => {
    const feed = parseFeedText(
      feedWith(
        'x',
        '<item><title>t</title><link>https://x.example/1</link><category>سياسة</category><category><![CDATA[تونس]]></category></item>',
      ),
    );
    expect(feed.items[0]!.categories).toEqual(['سياسة', 'تونس']);
  });

  it('a page without og:site_name is named by its <title> without the section', () => {
    expect(
      findSiteName('<html><head><title>الرئيسية - صحيفة الخليج اليوم</title></head></html>'),
    ).toBe('صحيفة الخليج اليوم');
  });
});
