import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../src/article/extract.ts';
import { rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import type { RawArticle } from '../../src/article/types.ts';
import { singleByteEncoder } from './charsets.ts';

const PAGE_URL = new URL('../fixtures/arabic-news-page.html', import.meta.url);
const TEMPLATE = readFileSync(PAGE_URL, 'utf8');
const page = (charsetTag: string): string => TEMPLATE.replace('<!--CHARSET-->', charsetTag);
const URL_SEEN = 'https://www.example-news.com/economy/2024/03/jordan-iraq-pipeline?utm_source=rss';
const RECEIVED = '2024-03-10T09:00:00.000Z';

const LEAD =
  'اتفق الأردن والعراق يوم الأحد على مد خط أنابيب لنقل النفط الخام من مدينة البصرة إلى ميناء العقبة على البحر الأحمر، في مشروع تبلغ كلفته نحو خمسة مليارات دولار.';

describe('extractArticle: an Arabic news page', () => {
  const raw = rawFromInput(page('<meta charset="utf-8">'), { url: URL_SEEN, receivedAt: RECEIVED });
  const extracted = extractArticle(raw);
  const text = extracted.paragraphs.join('\n');

  it('takes the title without the " | Site" suffix', () => {
    expect(extracted.title).toBe('الأردن والعراق يتفقان على مد خط لنقل النفط');
  });

  it('reads og:site_name, og:image (made absolute), the publication date and the canonical URL', () => {
    expect(extracted.publisher).toBe('أخبار المشرق');
    expect(extracted.imageUrl).toBe('https://www.example-news.com/images/2024/pipeline.jpg');
    expect(extracted.publishedAt).toBe('2024-03-10T05:30:00.000Z');
    expect(extracted.url).toMatch(
      /^https:\/\/www\.example-news\.com(:443)?\/economy\/2024\/03\/jordan-iraq-pipeline\?/,
    );
  });

  it('keeps the story paragraphs, one per block, <br> as a line break', () => {
    expect(extracted.paragraphs[0]).toBe(`بيروت (رويترز) - ${LEAD}`);
    expect(extracted.paragraphs).toContain(
      'وأضاف الوزير أن المشروع سيوفر للأردن حاجته من النفط بأسعار تفضيلية، وسيفتح للعراق منفذا جديدا للتصدير بعيدا عن مضيق هرمز.\nوأشار إلى أن الحكومتين ستوقعان الاتفاق النهائي الشهر المقبل.',
    );
    expect(text).toContain('وكان البلدان قد بحثا المشروع أول مرة عام 2013');
  });

  it('leaves out navigation, share buttons, related links, comments, scripts and captions', () => {
    for (const chrome of [
      'الرئيسية',
      'اتصل بنا',
      'انقطاع الكهرباء',
      'فيسبوك',
      'مقالات ذات صلة',
      'أسعار النفط ترتفع',
      'اترك تعليقاً',
      'لن يتم نشر',
      'جميع الحقوق محفوظة',
      'زر الذهاب',
      'tracking code',
      'صورة أرشيفية',
      '10 مارس 2024',
    ]) {
      expect(text).not.toContain(chrome);
    }
  });

  it('never glues two blocks into one line', () => {
    for (const paragraph of extracted.paragraphs) {
      expect(paragraph).not.toMatch(/\.[^\s.\n"')]/u);
    }
  });
});

describe('the same page in windows-1256 and ISO-8859-6', () => {
  const utf8 = buildArticle(
    rawFromInput(page('<meta charset="utf-8">'), { url: URL_SEEN, receivedAt: RECEIVED }),
  );

  it('windows-1256 declared by <meta charset> decodes to the same article', () => {
    const bytes = singleByteEncoder('windows-1256')(page('<meta charset="windows-1256">'));
    const article = buildArticle(rawFromInput(bytes, { url: URL_SEEN, receivedAt: RECEIVED }));
    expect(article).toEqual(utf8);
  });

  it('ISO-8859-6 declared only by the Content-Type header decodes to the same article', () => {
    const bytes = singleByteEncoder('iso-8859-6')(page(''));
    const article = buildArticle(
      rawFromInput(bytes, {
        url: URL_SEEN,
        receivedAt: RECEIVED,
        contentType: 'text/html; charset=ISO-8859-6',
      }),
    );
    expect(article).toEqual(utf8);
  });

  it('the article is the one we expect', () => {
    expect(utf8.url).toBe(
      'https://www.example-news.com/economy/2024/03/jordan-iraq-pipeline?page=1',
    );
    expect(utf8.source).toBe('رويترز');
    expect(utf8.publisher).toBe('أخبار المشرق');
    expect(utf8.paragraphs[0]).toBe(LEAD);
    expect(utf8.summary[0]).toBe(LEAD);
    expect(utf8.paragraphs).not.toContain('إعلان');
    expect(utf8.hashtags).toEqual(expect.arrayContaining(['الأردن', 'العراق']));
    expect(utf8.id).toMatch(/^a-[0-9a-f]{20}$/);
  });
});

describe('extractArticle: other HTML', () => {
  it('a fragment without <html>', () => {
    const raw: RawArticle = {
      html: '<h1>عنوان الخبر</h1><p>الفقرة الأولى من الخبر.</p><p>الفقرة الثانية من الخبر.</p>',
      receivedAt: RECEIVED,
    };
    const extracted = extractArticle(raw);
    expect(extracted.title).toBe('عنوان الخبر');
    expect(extracted.paragraphs).toEqual(['الفقرة الأولى من الخبر.', 'الفقرة الثانية من الخبر.']);
  });

  it('a canonical URL on another site is ignored', () => {
    const html = `<html><head><title>ع</title><link rel="canonical" href="https://evil.example/x"></head><body><p>نص الخبر هنا.</p></body></html>`;
    const extracted = extractArticle({
      html,
      url: 'https://news.example.com/a',
      receivedAt: RECEIVED,
    });
    expect(extracted.url).toBe('https://news.example.com/a');
  });

  it('javascript: image and canonical URLs are dropped', () => {
    const html = `<html><head><title>ع</title><meta property="og:image" content="javascript:alert(1)"><link rel="canonical" href="javascript:alert(1)"></head><body><p>نص الخبر هنا.</p></body></html>`;
    const extracted = extractArticle({ html, receivedAt: RECEIVED });
    expect(extracted.imageUrl).toBeUndefined();
    expect(extracted.url).toBeUndefined();
  });

  it('strips bidi overrides and invisible characters from title and text', () => {
    const html =
      '<html><head><title>عنوان\u202e الخبر\u200b</title></head><body><p>نص\u2066 الخبر\u0000 هنا.</p></body></html>';
    const extracted = extractArticle({ html, receivedAt: RECEIVED });
    expect(extracted.title).toBe('عنوان الخبر');
    expect(extracted.paragraphs).toEqual(['نص الخبر هنا.']);
  });

  it('survives absurdly deep nesting', () => {
    const html = `<html><head><title>عنوان</title></head><body>${'<div>'.repeat(20000)}<p>نص الخبر في العمق.</p>${'</div>'.repeat(20000)}</body></html>`;
    const extracted = extractArticle({ html, receivedAt: RECEIVED });
    expect(extracted.title).toBe('عنوان');
    expect(extracted.paragraphs).toEqual(['نص الخبر في العمق.']);
  });
});

describe('extractArticle: feed items', () => {
  it('HTML description stripped with a DOM, feed title as publisher, first image as picture', () => {
    const extracted = extractArticle({
      feedItem: {
        title: 'الأردن &amp; العراق: اتفاق نفطي',
        link: 'https://example.com/a?utm_source=rss',
        description:
          '<p><img src="/img/x.jpg"> اتفق الأردن والعراق على <b>مد خط</b> لنقل النفط.</p><p>وقال الوزير إن العمل سيبدأ قريبا.</p><script>alert(1)</script>',
        date: 'Sun, 10 Mar 2024 08:30:00 +0300',
        feedTitle: 'أخبار المشرق',
      },
      receivedAt: RECEIVED,
    });
    expect(extracted).toEqual({
      title: 'الأردن & العراق: اتفاق نفطي',
      paragraphs: [
        'اتفق الأردن والعراق على مد خط لنقل النفط.',
        'وقال الوزير إن العمل سيبدأ قريبا.',
      ],
      url: 'https://example.com/a?utm_source=rss',
      publisher: 'أخبار المشرق',
      imageUrl: 'https://example.com/img/x.jpg',
      publishedAt: '2024-03-10T05:30:00.000Z',
    });
  });

  it('prefers the fuller of content and description', () => {
    const extracted = extractArticle({
      feedItem: {
        title: 'عنوان',
        description: 'مقتطف قصير.',
        content: '<p>النص الكامل للخبر، الفقرة الأولى.</p><p>الفقرة الثانية.</p>',
      },
      receivedAt: RECEIVED,
    });
    expect(extracted.paragraphs).toEqual(['النص الكامل للخبر، الفقرة الأولى.', 'الفقرة الثانية.']);
  });

  it('plain-text description, entities decoded, bad date dropped', () => {
    const extracted = extractArticle({
      feedItem: { title: 'عنوان', description: 'نص &quot;الخبر&quot; هنا.', date: 'not a date' },
      receivedAt: RECEIVED,
    });
    expect(extracted.paragraphs).toEqual(['نص "الخبر" هنا.']);
    expect(extracted.publishedAt).toBeUndefined();
  });
});

describe('publication dates', () => {
  it.each([
    ['2024-03-10T08:30:00+03:00', '2024-03-10T05:30:00.000Z'],
    ['Sun, 10 Mar 2024 08:30:00 GMT', '2024-03-10T08:30:00.000Z'],
    ['06/10/2016', '2016-10-06T00:00:00.000Z'],
    ['26/01/2014', '2014-01-26T00:00:00.000Z'],
    ['31/02/2014', undefined],
    ['yesterday', undefined],
  ])('%s → %s', (date, expected) => {
    const extracted = extractArticle({
      feedItem: { title: 'ع', description: 'ن', date },
      receivedAt: RECEIVED,
    });
    expect(extracted.publishedAt).toBe(expected);
  });
});

describe('extractArticle: plain text', () => {
  it('first non-empty line is the headline, the rest paragraphs', () => {
    const extracted = extractArticle({
      text: '\n\n  عنوان الخبر  \nالفقرة الأولى.\n\nالفقرة   الثانية.\r\n',
      receivedAt: RECEIVED,
    });
    expect(extracted).toEqual({
      title: 'عنوان الخبر',
      paragraphs: ['الفقرة الأولى.', 'الفقرة الثانية.'],
    });
  });
});

describe('extractArticle: the publisher a page names (issue 10)', () => {
  const story =
    '<p>أعلنت الحكومة اليوم عن خطة جديدة لدعم الفلاحين في المناطق الداخلية.</p><p>وقال الوزير إن الخطة تبدأ الشهر المقبل.</p>';
  const html = (head: string, footer = '') =>
    `<html><head><meta charset="utf-8">${head}</head><body><h1>خطة لدعم الفلاحين</h1>${story}${footer}</body></html>`;
  const extract = (page: string, url = 'https://www.alkhaleej-today.example/a/1') =>
    extractArticle({ html: page, url, receivedAt: RECEIVED });

  it('no og:site_name: the name after the headline in <title> (Gulf paper)', () => {
    const out = extract(html('<title>خطة لدعم الفلاحين - صحيفة الخليج اليوم</title>'));
    expect(out.title).toBe('خطة لدعم الفلاحين');
    expect(out.publisher).toBe('صحيفة الخليج اليوم');
  });

  it('the site name first in <title>, with « or |', () => {
    expect(extract(html('<title>هسبريس | خطة لدعم الفلاحين</title>')).publisher).toBe('هسبريس');
    expect(extract(html('<title>خطة لدعم الفلاحين « الجزيرة نت</title>')).publisher).toBe(
      'الجزيرة نت',
    );
  });

  it('the copyright footer names the paper when <title> does not', () => {
    const out = extract(
      html(
        '<title>خطة لدعم الفلاحين</title>',
        '<footer>© 2017 صحيفة الخليج اليوم. جميع الحقوق محفوظة</footer>',
      ),
    );
    expect(out.publisher).toBe('صحيفة الخليج اليوم');
    expect(
      extract(
        html('<title>خطة</title>', '<footer><p>جميع الحقوق محفوظة لـ "دار الصباح"</p></footer>'),
      ).publisher,
    ).toBe('دار الصباح');
  });

  it('JSON-LD publisher, also by @id inside @graph; headline and section', () => {
    const ld = {
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'Organization', '@id': '#org', name: 'اليوم السابع' },
        {
          '@type': 'ReportageNewsArticle',
          headline: 'خطة لدعم الفلاحين',
          publisher: { '@id': '#org' },
          articleSection: 'اقتصاد',
        },
      ],
    };
    const out = extract(html(`<script type="application/ld+json">${JSON.stringify(ld)}</script>`));
    expect(out).toMatchObject({
      title: 'خطة لدعم الفلاحين',
      publisher: 'اليوم السابع',
      tags: ['اقتصاد'],
    });
  });

  it('the host name as a last resort', () => {
    expect(
      extract(html('<title>خطة لدعم الفلاحين</title>'), 'https://www.masrawy.com/news/1').publisher,
    ).toBe('masrawy.com');
  });
});
