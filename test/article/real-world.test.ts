// Real pages saved by other projects (test/fixtures/real, origins in its README) and pages and
// feeds built from ANT articles in the shapes publishers serve. Every expectation is read off the
// page: the headline as printed, the publisher the page names, the first words of the story, and
// strings of page chrome that must not reach a post.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../src/article/decode.ts';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import type { Article } from '../../src/article/types.ts';
import { parseFeedText, rawFromFeedItem } from '../../src/sources/feed.ts';
import { normalizeForMatch } from '../../src/text/normalize.ts';
import { isHashtagStopword } from '../../src/text/stopwords.ts';
import { type AntArticle, antCategorySample, readAnt } from '../support/corpus.ts';
import { singleByteEncoder } from './charsets.ts';

const RECEIVED = '2026-01-05T10:00:00.000Z';
const real = (name: string): string =>
  readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), 'utf8');
const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();
const esc = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Expect {
  title: string;
  publisher: string;
  /** The story's first words, as on the page. */
  lead: string;
  /** Page chrome: none of it may appear in the story text or the summary. */
  chrome: string[];
}

/** Hashtags: whole words, no stopword, no preposition or article glued on, no shared pieces. */
function checkHashtags(article: Article): void {
  const words = new Set<string>();
  for (const tag of article.hashtags) {
    for (const word of tag.split('_')) {
      const key = normalizeForMatch(word);
      expect(isHashtagStopword(key), `${tag}: ${word} is a stopword`).toBe(false);
      expect(words.has(key), `${word} repeats in ${article.hashtags.join(' ')}`).toBe(false);
      words.add(key);
    }
    expect(tag, 'a preposition glued on').not.toMatch(/^(?:[وفبكل]ال|لل|[وف]?[بكل](?:ريف|مدينة))/u);
    // Not two pieces of one name: no tag is a word of another.
    for (const other of article.hashtags) {
      if (other !== tag) expect(other.split('_')).not.toContain(tag);
    }
  }
}

function check(article: Article, want: Expect): void {
  expect(article.title).toBe(want.title);
  expect(article.publisher).toBe(want.publisher);
  expect(article.paragraphs[0]?.startsWith(want.lead), article.paragraphs[0]).toBe(true);
  // The summary opens in the lead paragraph (a lead sentence under six words is skipped).
  expect(article.paragraphs[0]).toContain(article.summary[0]);
  const text = `${article.paragraphs.join('\n')}\n${article.summary.join('\n')}`;
  for (const chrome of want.chrome) expect(text, chrome).not.toContain(chrome);
  checkHashtags(article);
}

describe('real pages saved by other projects', () => {
  it('CNN Arabic, 2013 (newspaper/goose3 test page): no timestamp or dateline glued to the lead', () => {
    const article = buildArticle(
      rawFromInput(real('cnn-arabic-2013-syria.html'), {
        url: 'http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html',
        receivedAt: RECEIVED,
      }),
    );
    check(article, {
      title: 'معارضون يسيطرون على مخازن للصواريخ بريف دمشق',
      publisher: 'CNNArabic',
      lead: 'أكدت جهات سورية معارضة أن فصائل مسلحة',
      chrome: [
        'آخر تحديث',
        'GMT+0400',
        '28 آب/اغسطس',
        '(CNN) --',
        'ترحب شبكة CNN',
        'الآراء الواردة أدناه',
      ],
    });
    expect(article.hashtags).not.toContain('بريف_دمشق');
  });

  it('Assabah, Tunisia (trafilatura evaluation page): the byline is not story text', () => {
    const article = buildArticle(
      rawFromInput(real('assabah-2018-sudan.html'), {
        url: 'http://www.assabah.com.tn/article/164913/',
        receivedAt: RECEIVED,
      }),
    );
    check(article, {
      title:
        'الناشط الحقوقي السوداني خالد عبد الكريم ماسا لـ«الصباح»: كل الشروط متوفرة لثورة سودانية ولا حاجة لنستورد شيئا',
      publisher: 'Assabah News',
      lead: 'مالذي يحدث في السودان؟',
      chrome: ['حوار: آسيا العتروس', 'جميع الحقوق', 'نسخة للطباعة', 'يومية اخبارية سياسية جامعة'],
    });
    expect(article.hashtags).not.toContain('خالد_عبد');
    expect(article.hashtags).not.toContain('عبد_الكريم');
  });
});

describe('a page in the LBCI shape: initials in a name', () => {
  const LEAD =
    'كشفت وثائق أميركية رفعت عنها السرية أن الرئيس الأميركي جون إف. كينيدي تلقى تحذيرات أمنية قبل اغتياله في دالاس عام 1963.';
  const page = `<!doctype html><html lang="ar"><head><meta charset="utf-8">
<meta property="og:site_name" content="LBCI Lebanon"><meta property="og:title" content="وثائق جديدة عن اغتيال كينيدي">
<title>وثائق جديدة عن اغتيال كينيدي - LBCI Lebanon</title></head><body><article>
<h1>وثائق جديدة عن اغتيال كينيدي</h1><p>${LEAD}</p>
<p>وأوضحت الوثائق أن أجهزة الاستخبارات تابعت تحركات لي هارفي أوزوالد قبل أسابيع من الاغتيال في تكساس.</p>
<p>ويأتي نشر الوثائق بعد عقود من الجدل حول ملابسات الاغتيال في الولايات المتحدة.</p></article></body></html>`;

  it('the post starts with the whole lead sentence, not mid-sentence after إف.', () => {
    const article = buildArticle(
      rawFromInput(page, { url: 'https://www.lbcgroup.example/news/1/ar', receivedAt: RECEIVED }),
    );
    check(article, {
      title: 'وثائق جديدة عن اغتيال كينيدي',
      publisher: 'LBCI Lebanon',
      lead: 'كشفت وثائق أميركية',
      chrome: [],
    });
    expect(article.summary[0]).toBe(LEAD);
    for (const s of article.summary) expect(s).not.toMatch(/^كينيدي/);
  });
});

// ---- pages built around ANT articles, in the shapes publishers serve ---------------------------

const DOCS: AntArticle[] = [
  'politic',
  'economy',
  'society',
  'sport',
  'internationalNews',
  'culture',
]
  .flatMap((category) => antCategorySample(category, 3, 41))
  .map(readAnt)
  .filter((doc) => doc.title !== '' && doc.text.split('\n').filter((p) => p.trim()).length >= 2);

function storyHtml(doc: AntArticle): string {
  return doc.text
    .split('\n')
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${esc(p.trim())}</p>`)
    .join('\n');
}

const leadOf = (doc: AntArticle): string => collapse(doc.text).split(' ').slice(0, 5).join(' ');

interface Built {
  name: string;
  url: string;
  page: (doc: AntArticle) => string | Uint8Array;
  publisher: string;
  chrome: string[];
}

const win1256 = singleByteEncoder('windows-1256');

const PAGES: Built[] = [
  {
    name: 'a Gulf paper: no og:site_name, the name in <title> and the copyright footer',
    url: 'https://www.alkhaleej-today.example/news/1',
    publisher: 'صحيفة الخليج اليوم',
    chrome: ['نشر في', 'اقرأ أيضا', 'شارك هذا الخبر', 'ملفات تعريف الارتباط', 'جميع الحقوق محفوظة'],
    page: (doc) => `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>${esc(doc.title)} - صحيفة الخليج اليوم</title></head><body>
<header><a href="/">الرئيسية</a></header>
<article><h1>${esc(doc.title)}</h1>
<div class="date">نشر في: الأحد 22 يناير 2017 - 10:15 ص</div>
${storyHtml(doc).replace('</p>', '</p>\n<p><strong>اقرأ أيضا:</strong> <a href="/news/2">الحكومة تعلن خطة جديدة للنقل</a></p>')}
<p>شارك هذا الخبر على فيسبوك تويتر واتساب</p>
</article>
<div class="cookies">يستخدم هذا الموقع ملفات تعريف الارتباط (كوكيز) لتحسين تجربتك. موافق</div>
<footer><p>© 2017 صحيفة الخليج اليوم. جميع الحقوق محفوظة</p></footer></body></html>`,
  },
  {
    name: 'a WordPress site: Yoast JSON-LD @graph, <title> with the site name first',
    url: 'https://www.hespress.example/politique/1.html',
    publisher: 'هسبريس',
    chrome: ['كتب: محمد بلقاسم', 'صورة: أرشيف', 'مصدر الصورة'],
    page: (doc) => `<!doctype html><html lang="ar"><head><meta charset="utf-8">
<title>هسبريس | ${esc(doc.title)}</title>
<script type="application/ld+json">${JSON.stringify({
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebSite', '@id': 'https://www.hespress.example/#website', name: 'هسبريس' },
        { '@type': 'Organization', '@id': 'https://www.hespress.example/#org', name: 'هسبريس' },
        {
          '@type': 'NewsArticle',
          headline: doc.title,
          datePublished: '2017-01-22T10:15:00+01:00',
          author: { '@type': 'Person', name: 'محمد بلقاسم' },
          publisher: { '@id': 'https://www.hespress.example/#org' },
          image: { '@type': 'ImageObject', url: 'https://www.hespress.example/i.jpg' },
          articleSection: ['سياسة'],
        },
      ],
    })}</script></head><body>
<div class="post"><h1 class="post-title">${esc(doc.title)}</h1>
<p>كتب: محمد بلقاسم</p>
<figure><img src="/i.jpg"><figcaption>مصدر الصورة: أرشيف</figcaption></figure>
<p>(صورة: أرشيف)</p>
${storyHtml(doc)}</div></body></html>`,
  },
  {
    name: 'an Egyptian daily: NewsArticle JSON-LD only, embedded tweet and an ad slot',
    url: 'https://www.youm7.example/story/2017/1/22/1',
    publisher: 'اليوم السابع',
    chrome: ['pic.twitter.com', '@youm7', 'إعلان', 'تابعونا على تويتر'],
    page: (doc) => `<!doctype html><html lang="ar"><head><meta charset="utf-8">
<title>${esc(doc.title)} - اليوم السابع</title>
<script type="application/ld+json">${JSON.stringify({
      '@context': 'http://schema.org',
      '@type': 'NewsArticle',
      headline: doc.title,
      datePublished: '2017-01-22T12:00:00+02:00',
      publisher: { '@type': 'Organization', name: 'اليوم السابع' },
    })}</script></head><body><div id="articleBody">
${storyHtml(doc)}
<div class="ad">إعلان</div>
<blockquote class="twitter-tweet"><p>خبر عاجل من القاهرة pic.twitter.com/abc123</p>— اليوم السابع (@youm7) January 22, 2017</blockquote>
<p>تابعونا على تويتر وفيسبوك</p>
</div></body></html>`,
  },
  {
    name: 'a TV news site: twitter:* cards only, newsletter prompt',
    url: 'https://www.skynewsarabia.example/world/1',
    publisher: 'سكاي نيوز عربية',
    chrome: ['اشترك في النشرة البريدية', 'بريدك الإلكتروني'],
    page: (doc) => `<!doctype html><html lang="ar"><head><meta charset="utf-8">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="${esc(doc.title)}">
<meta name="twitter:image" content="https://www.skynewsarabia.example/t.jpg">
<title>${esc(doc.title)} | سكاي نيوز عربية</title></head><body><main>
<h1>${esc(doc.title)}</h1>${storyHtml(doc)}
<div class="newsletter"><p>اشترك في النشرة البريدية لتصلك آخر الأخبار</p><p>أدخل بريدك الإلكتروني</p></div>
</main></body></html>`,
  },
  {
    name: 'a portal that names itself nowhere: the host name is the credit',
    url: 'https://www.masrawy.example/news/details/2017/1/22/1',
    publisher: 'masrawy.example',
    chrome: ['12:30 م', 'تصوير: أحمد علي'],
    page: (doc) => `<html><head><meta charset="utf-8"><title>${esc(doc.title)}</title></head><body>
<h1>${esc(doc.title)}</h1><p>12:30 م الأحد 22 يناير 2017</p><p>تصوير: أحمد علي</p>
${storyHtml(doc)}</body></html>`,
  },
  {
    name: 'a Lebanese daily in windows-1256: ReportageNewsArticle, byline بقلم',
    url: 'https://www.annahar.example/article/1',
    publisher: 'النهار',
    chrome: ['بقلم', 'حقوق النشر'],
    page: (doc) =>
      win1256(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<meta property="og:site_name" content="النهار"><title>${esc(doc.title)} | النهار</title>
<script type="application/ld+json">${JSON.stringify({
        '@context': 'https://schema.org',
        '@type': 'ReportageNewsArticle',
        headline: doc.title,
        publisher: { '@type': 'Organization', name: 'النهار' },
      })}</script></head><body><h1>${esc(doc.title)}</h1><p>بقلم سامي كليب</p>
${storyHtml(doc)}<p>حقوق النشر محفوظة لجريدة النهار 2017</p></body></html>`),
  },
  {
    name: 'a news network: og and article:* tags, «» title, footer copyright',
    url: 'https://www.aljazeera.example/news/2017/1/22/1',
    publisher: 'الجزيرة نت',
    chrome: ['شبكة الجزيرة الإعلامية', 'المزيد من'],
    page: (doc) => `<!doctype html><html lang="ar"><head><meta charset="utf-8">
<meta property="og:site_name" content="الجزيرة نت"><meta property="og:title" content="${esc(doc.title)}">
<meta property="article:published_time" content="2017-01-22T09:00:00+03:00">
<meta property="article:section" content="سياسة"><meta property="article:tag" content="تونس">
<title>${esc(doc.title)} « الجزيرة نت</title></head><body><article>${storyHtml(doc)}</article>
<section><h2>المزيد من سياسة</h2></section>
<footer>© 2017 شبكة الجزيرة الإعلامية</footer></body></html>`,
  },
];

describe('built pages: publisher shapes around ANT articles', () => {
  it('has articles to build from', () => {
    expect(DOCS.length).toBeGreaterThanOrEqual(PAGES.length);
  });

  it.each(PAGES.map((p, i) => [p.name, i] as const))('%s', (_name, i) => {
    const shape = PAGES[i]!;
    const doc = DOCS[i]!;
    const page = shape.page(doc);
    const article = buildArticle(rawFromInput(page, { url: shape.url, receivedAt: RECEIVED }));
    check(article, {
      title: collapse(doc.title),
      publisher: shape.publisher,
      lead: leadOf(doc),
      chrome: shape.chrome,
    });
  });
});

// ---- feeds built from ANT articles --------------------------------------------------------------

function item(doc: AntArticle, n: number, body: string): string {
  return `<item><title><![CDATA[${doc.title}]]></title><link>https://site.example/a/${n}</link>
<guid isPermaLink="false">id-${n}</guid><pubDate>Sun, 22 Jan 2017 1${n}:00:00 +0300</pubDate>${body}</item>`;
}

function rss(title: string, items: string, encoding = 'UTF-8', ns = ''): string {
  return `<?xml version="1.0" encoding="${encoding}"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/"${ns}><channel><title>${title}</title><link>https://site.example/</link>${items}</channel></rss>`;
}

function buildFromFeed(text: string, configured?: string): Article[] {
  const feed = parseFeedText(text, 'https://site.example/feed');
  return feed.items.map((it) =>
    buildArticle(
      rawFromFeedItem(it, {
        sourceId: 'src',
        receivedAt: RECEIVED,
        ...(configured || feed.publisher ? { publisher: configured || feed.publisher } : {}),
      }),
    ),
  );
}

describe('built feeds: the shapes real feeds have', () => {
  const [a, b, c] = [DOCS[0]!, DOCS[1]!, DOCS[2]!];

  it('BBC Arabic: title-only items, media:thumbnail; the feed title loses its section', () => {
    const text = rss(
      'BBC Arabic | الصفحة الرئيسية',
      [a, b]
        .map((d, i) =>
          item(d, i, '<media:thumbnail url="https://ichef.example/1.jpg" width="976"/>'),
        )
        .join(''),
    );
    const articles = buildFromFeed(text);
    expect(articles).toHaveLength(2);
    for (const [i, article] of articles.entries()) {
      expect(article.publisher).toBe('BBC Arabic');
      expect(article.summary).toEqual([]);
      expect(article.title).toBe(collapse([a, b][i]!.title));
      expect(article.url).toMatch(/^https:\/\/site\.example\/a\/\d$/);
    }
  });

  it('BBC Urdu: "BBCUrdu.com | صفحۂ اول" credits BBCUrdu.com; a configured name wins', () => {
    const text = rss(
      'BBCUrdu.com | صفحۂ اول',
      item(a, 1, `<description>${esc(a.text)}</description>`),
    );
    expect(buildFromFeed(text)[0]!.publisher).toBe('BBCUrdu.com');
    expect(buildFromFeed(text, 'بي بي سي أردو')[0]!.publisher).toBe('بي بي سي أردو');
  });

  it('WordPress: content:encoded in CDATA, "The post … appeared first on …", categories', () => {
    const text = rss(
      'عنب بلدي',
      item(
        b,
        1,
        `<category><![CDATA[أخبار]]></category><category><![CDATA[نداء تونس]]></category>
<description><![CDATA[${b.text.slice(0, 80)} [&#8230;]]]></description>
<content:encoded><![CDATA[${storyHtml(b)}<p>The post <a href="https://site.example/a/1">${esc(b.title)}</a> appeared first on <a href="https://site.example">عنب بلدي</a>.</p>]]></content:encoded>`,
      ),
    );
    const [article] = buildFromFeed(text);
    check(article!, {
      title: collapse(b.title),
      publisher: 'عنب بلدي',
      lead: leadOf(b),
      chrome: ['appeared first on', 'The post'],
    });
    // The feed's <category> is a hashtag candidate; "أخبار" (a section word) is not.
    expect(article!.hashtags).toContain('نداء_تونس');
    expect(article!.hashtags).not.toContain('أخبار');
  });

  it('teasers: HTML with an image, entities, "…" and "اقرأ المزيد", an enclosure', () => {
    const first = collapse(c.text).split(/(?<=[.!؟?])\s/)[0]!;
    const teaser = `<img src="https://cdn.example/p.jpg" alt=""/> ${esc(first)} ${esc(
      collapse(c.text)
        .split(' ')
        .slice(first.split(' ').length, first.split(' ').length + 6)
        .join(' '),
    )}… <a href="https://site.example/a/1">اقرأ المزيد</a>`;
    const text = rss(
      'الجزيرة نت - آخر الأخبار',
      item(
        c,
        1,
        `<description>${esc(teaser)}</description><enclosure url="https://cdn.example/e.jpg" type="image/jpeg" length="1"/>`,
      ),
    );
    const [article] = buildFromFeed(text);
    expect(article!.publisher).toBe('الجزيرة نت');
    expect(article!.imageUrl).toBe('https://cdn.example/e.jpg');
    expect(article!.paragraphs.join(' ')).not.toContain('اقرأ المزيد');
    for (const s of article!.summary) expect(s).not.toMatch(/…$/);
    if (first.split(' ').length >= 6) expect(article!.summary).toEqual([first]);
  });

  it('Atom with entities: France 24', () => {
    const text = `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>فرانس 24 - آخر الأخبار</title><link href="https://www.france24.example/ar/"/>
<entry><title>${esc(a.title)}</title><link href="https://www.france24.example/ar/1"/><id>urn:1</id><updated>2017-01-22T10:00:00+01:00</updated><summary type="html">${esc(`<p>${esc(collapse(a.text))}</p>`)}</summary></entry></feed>`;
    const [article] = buildFromFeed(text);
    check(article!, {
      title: collapse(a.title),
      publisher: 'فرانس 24',
      lead: leadOf(a),
      chrome: ['&quot;', '&amp;'],
    });
  });

  it('windows-1256 RSS: decoded by its XML declaration', () => {
    const xml = rss(
      'الشروق أونلاين :: أخبار تونس',
      item(b, 1, `<description>${esc(b.text)}</description>`),
      'windows-1256',
    );
    const { text } = decodeBytes(win1256(xml));
    const [article] = buildFromFeed(text);
    check(article!, {
      title: collapse(b.title),
      publisher: 'الشروق أونلاين',
      lead: leadOf(b),
      chrome: [],
    });
  });

  it('ANT as plain text: Jawhara FM configured', () => {
    const article = buildArticle(
      rawFromInput(`${c.title}\n${c.text}`, {
        publisher: 'Jawhara FM',
        url: c.url,
        receivedAt: RECEIVED,
      }),
    );
    check(article, {
      title: collapse(c.title),
      publisher: 'Jawhara FM',
      lead: leadOf(c),
      chrome: [],
    });
  });
});
