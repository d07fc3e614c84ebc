import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArticleError } from '../../src/article/errors.ts';
import { MAX_INPUT_BYTES, rawFromInput } from '../../src/article/input.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import type { Article, RawArticle } from '../../src/article/types.ts';
import { readAnt, antCategorySample as sampleAnt } from '../support/corpus.ts';
import { pseudoRandomBytes } from './charsets.ts';

const FIXTURE_BYTES = readFileSync(
  new URL('../../../shared/fixtures/scraped-article-iran-iraq.txt', import.meta.url),
);
const RECEIVED = '2024-01-05T10:00:00.000Z';

function errorCode(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof ArticleError) return err.code;
    throw err;
  }
  throw new Error('expected an ArticleError');
}

const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

describe('buildArticle: the scraped fixture', () => {
  const article = buildArticle(rawFromInput(FIXTURE_BYTES, { receivedAt: RECEIVED }));
  const everything = [...article.paragraphs, ...article.summary].join('\n');

  it('title is the headline', () => {
    expect(article.title).toBe('إيران والعراق يعتزمان التوقيع على وثيقة دفاعية مشتركة');
  });

  it('credits the source once and the publisher', () => {
    expect(article.source).toBe('إرنا');
    expect(article.publisher).toBe('ميدل ايست نيوز');
  });

  it.each([
    'تابع ميدل ايست نيوز',
    'مقالات ذات صلة',
    'اترك تعليقاً',
    'لن يتم نشر',
    'الحقول الإلزامية',
    'ثمانية عشر + سبعة',
    'زر الذهاب إلى الأعلى',
    'إرناإرنا',
    'المصدر',
  ])('no %s in paragraphs or summary', (junk) => {
    expect(everything).not.toContain(junk);
  });

  it('no paragraph starts with the dateline', () => {
    for (const paragraph of article.paragraphs) {
      expect(paragraph.startsWith('ميدل ايست نيوز')).toBe(false);
    }
  });

  it('keeps every story paragraph', () => {
    expect(article.paragraphs).toHaveLength(14);
    expect(article.paragraphs[0]).toMatch(/^استقبل رئيس الأركان العامة/);
    expect(article.paragraphs[1]).toMatch(
      /^استقبل رئيس الأركان العامة للقوات المسلحة الإيرانية اللواء محمد باقري/,
    );
    expect(article.paragraphs).toContain(
      'وأكد باقري، أن “التعاون الدفاعي بين طهران وبغداد سيساهم في تعزيز الأمن في العراق”.',
    );
    expect(everything).toContain('وتابع بالقول أن أمریکا أعلنت');
    expect(everything).toContain('وصرح بأن کبار المسؤولين الأمريكان');
    expect(article.paragraphs.at(-1)).toMatch(/^وصل وزير الدفاع العراقي .*بين البلدين\.$/);
  });

  it('the summary: standfirst first, whole story sentences, no repeat of the lead', () => {
    expect(article.summary.length).toBeGreaterThanOrEqual(2);
    expect(article.summary.length).toBeLessThanOrEqual(3);
    expect(article.summary[0]).toBe(article.paragraphs[0]);
    const story = collapse(article.paragraphs.join(' '));
    for (const sentence of article.summary) expect(story).toContain(collapse(sentence));
    expect(article.summary.some((s) => s.includes('اللواء محمد باقري وزير الدفاع'))).toBe(false);
  });

  it('id from the content hash, hashtags, fingerprint, no URL', () => {
    expect(article.id).toMatch(/^h-[0-9a-f]{20}$/);
    expect(article.id.slice(2)).toBe(article.contentHash.slice(0, 20));
    expect(article.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(article.minhash).toHaveLength(128);
    expect(article.hashtags).toEqual(['العراق', 'إيران']);
    expect(article.url).toBeUndefined();
    expect(article.receivedAt).toBe(RECEIVED);
  });

  it('is deterministic, and plain JSON', () => {
    const again = buildArticle(rawFromInput(FIXTURE_BYTES, { receivedAt: RECEIVED }));
    expect(again).toEqual(article);
    expect(JSON.parse(JSON.stringify(article))).toEqual(article);
  });

  it('a URL gives an a- id, the same for any tracking parameters', () => {
    const a = buildArticle(
      rawFromInput(FIXTURE_BYTES, {
        url: 'https://example.com/n/1?utm_source=tg',
        receivedAt: RECEIVED,
      }),
    );
    const b = buildArticle(
      rawFromInput(FIXTURE_BYTES, {
        url: 'https://EXAMPLE.com:443/n/1?fbclid=x#top',
        receivedAt: RECEIVED,
      }),
    );
    expect(a.id).toMatch(/^a-[0-9a-f]{20}$/);
    expect(a.id).toBe(b.id);
    expect(a.url).toBe('https://example.com/n/1');
    expect(a.id).not.toContain(':');
  });

  it('an explicit publisher wins, and the site dateline still goes', () => {
    const article = buildArticle(
      rawFromInput(FIXTURE_BYTES, {
        publisher: 'قناة الأخبار',
        sourceId: 'feed-1',
        receivedAt: RECEIVED,
      }),
    );
    expect(article.publisher).toBe('قناة الأخبار');
    expect(article.source).toBe('إرنا');
    expect(article.sourceId).toBe('feed-1');
    expect(article.paragraphs[1]!.startsWith('ميدل ايست نيوز')).toBe(false);
  });

  it('a word budget gives a longer summary', () => {
    const long = buildArticle(rawFromInput(FIXTURE_BYTES, { receivedAt: RECEIVED }), {
      words: 150,
    });
    const words = long.summary.join(' ').split(/\s+/).length;
    expect(words).toBeGreaterThanOrEqual(150);
  });
});

describe('buildArticle: ANT corpus articles', () => {
  const files = [
    'politic',
    'localNews',
    'sport',
    'economy',
    'internationalNews',
    'culture',
    'society',
    'technology',
    'diverse',
  ].flatMap((category) => sampleAnt(category, 4, 53));
  const docs = files.map(readAnt).filter((doc) => doc.text !== '' && doc.title !== '');

  it('has a real sample', () => {
    expect(docs.length).toBeGreaterThan(30);
  });

  it.each(files)('%s as plain text', (file) => {
    const doc = readAnt(file);
    if (doc.text === '' || doc.title === '') {
      // 23 ANT files have no text: they must fail cleanly, not crash.
      expect(errorCode(() => buildArticle(rawFromInput(`${doc.title}\n${doc.text}`)))).toBe(
        'empty',
      );
      return;
    }
    const article = buildArticle(
      rawFromInput(`${doc.title}\n${doc.text}`, {
        url: doc.url,
        publisher: 'Jawhara FM',
        receivedAt: RECEIVED,
      }),
    );
    expect(article.title).toBe(collapse(doc.title));
    expect(article.summary.length).toBeGreaterThan(0);
    const body = collapse(doc.text);
    for (const sentence of article.summary) expect(body).toContain(collapse(sentence));
    expect(article.id).toMatch(/^a-[0-9a-f]{20}$/);
    expect(article.publisher).toBe('Jawhara FM');
    for (const tag of article.hashtags) expect(tag).not.toMatch(/^\d+$/);
  });

  it('as feed items with HTML content', () => {
    for (const doc of docs.slice(0, 10)) {
      const html = doc.text
        .split('\n')
        .map((p) => `<p>${p.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`)
        .join('');
      const raw = rawFromInput(
        JSON.stringify({
          title: doc.title,
          link: doc.url,
          description: doc.abstract,
          content: html,
          date: doc.time,
          feedTitle: 'Jawhara FM',
        }),
        { receivedAt: RECEIVED },
      );
      const article = buildArticle(raw);
      expect(article.publisher).toBe('Jawhara FM');
      // ANT has ISO times and day/month/year dates: both end up ISO, in the right year.
      expect(article.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(article.publishedAt?.slice(0, 4)).toBe(/\d{4}/.exec(doc.time)?.[0]);
      const body = collapse(doc.text);
      for (const sentence of article.summary) expect(body).toContain(collapse(sentence));
    }
  });
});

describe('buildArticle: bad input', () => {
  const raw = (fields: Partial<RawArticle>): RawArticle => ({ receivedAt: RECEIVED, ...fields });

  it.each<[string, () => Article, string]>([
    ['empty text', () => buildArticle(rawFromInput('')), 'empty'],
    ['whitespace', () => buildArticle(rawFromInput(' \n\t \u200b ')), 'empty'],
    ['binary junk', () => buildArticle(rawFromInput(pseudoRandomBytes(10000, 7))), 'binary'],
    [
      'over 5 MB',
      () => buildArticle(rawFromInput(new Uint8Array(MAX_INPUT_BYTES + 1).fill(0x41))),
      'too-large',
    ],
    [
      'HTML with no text',
      () =>
        buildArticle(
          rawFromInput('<html><head></head><body><div></div><script>x()</script></body></html>'),
        ),
      'empty',
    ],
    [
      'an HTML title only',
      () =>
        buildArticle(
          rawFromInput('<html><head><title>عنوان الخبر</title></head><body></body></html>'),
        ),
      'empty',
    ],
    [
      'only boilerplate',
      () => buildArticle(rawFromInput('عنوان\nمقالات ذات صلة\nاترك تعليقاً\nزر الذهاب إلى الأعلى')),
      'empty',
    ],
    ['no content at all', () => buildArticle(raw({})), 'empty'],
    ['no receivedAt', () => buildArticle({ text: 'ع\nن' } as RawArticle), 'bad-input'],
  ])('%s', (_, run, code) => {
    expect(errorCode(run)).toBe(code);
  });

  it('not an object', () => {
    const notRaw: unknown = 'text';
    expect(errorCode(() => buildArticle(notRaw as RawArticle))).toBe('bad-input');
  });
});

describe('buildArticle: texts without a headline line and title-only items (issue 10)', () => {
  const LEAD =
    'أعلنت وزارة الصحة التونسية اليوم عن حملة تلقيح وطنية تشمل كل الولايات وتستمر أسبوعين كاملين.';
  const SECOND = 'وقالت الوزارة إن الحملة تستهدف الأطفال دون سن الخامسة في المدارس والمستوصفات.';

  it('a text of one paragraph is an article: its lead is the summary and gives the title', () => {
    const article = buildArticle(rawFromInput(LEAD, { receivedAt: RECEIVED }));
    expect(article.summary).toEqual([LEAD]);
    expect(article.title.length).toBeGreaterThan(0);
    expect(LEAD.startsWith(article.title.replace(/…$/, ''))).toBe(true);
  });

  it('a first line that is a paragraph is story text, not the headline', () => {
    const article = buildArticle(
      rawFromInput(
        `${LEAD}
${SECOND}`,
        { receivedAt: RECEIVED },
      ),
    );
    expect(article.summary[0]).toBe(LEAD);
    expect(article.paragraphs[0]).toBe(LEAD);
  });

  it('a short line without a full stop, followed by more text, is still the headline', () => {
    const article = buildArticle(
      rawFromInput(
        `حملة تلقيح وطنية في تونس
${LEAD}
${SECOND}`,
        { receivedAt: RECEIVED },
      ),
    );
    expect(article.title).toBe('حملة تلقيح وطنية في تونس');
    expect(article.summary[0]).toBe(LEAD);
  });

  it('hard-wrapped newspaper text: the first wrapped line is the start of the lead', () => {
    const text = [
      'عمان - الرأي - دعا معهد ثربانتس بعمان للمشاركة بمسابقة الرسم الاولى للاطفال',
      'المقيمين في الاردن والذين تتراوح اعمارهم ما بين 4 و12 سنة، وعنوان مسابقة الرسم',
      'هو عام الكيخوتي الذي يحتفل به المعهد هذا العام مع شركائه في المملكة.',
      'وتضمنت شروط المسابقة تنظيم مسابقة رسم للاطفال في ثلاث فئات عمرية مختلفة',
      'على ان تسلم الرسومات الى سكرتارية المعهد قبل نهاية الشهر المقبل.',
    ].join('\n');
    const article = buildArticle(rawFromInput(text, { receivedAt: RECEIVED }));
    expect(article.summary[0]).toMatch(/^دعا معهد ثربانتس بعمان/);
    expect(article.summary[0]).toContain('المقيمين في الاردن');
  });

  it('an HTML story without any title takes its title from the lead', () => {
    const article = buildArticle({
      html: `<body><p>${LEAD}</p><p>${SECOND}</p></body>`,
      receivedAt: RECEIVED,
    });
    expect(LEAD.startsWith(article.title.replace(/…$/, ''))).toBe(true);
  });

  it('a feed item with a title and a link but no description is an article without a summary', () => {
    const article = buildArticle({
      feedItem: { title: 'انطلاق حملة تلقيح وطنية في تونس', link: 'https://example.tn/a/1' },
      url: 'https://example.tn/a/1',
      receivedAt: RECEIVED,
    });
    expect(article.title).toBe('انطلاق حملة تلقيح وطنية في تونس');
    expect(article.summary).toEqual([]);
    expect(article.url).toBe('https://example.tn/a/1');
  });

  it('a teaser cut with "…" or "اقرأ المزيد" never gives a cut sentence', () => {
    const article = buildArticle({
      feedItem: {
        title: 'حملة تلقيح وطنية',
        link: 'https://example.tn/a/2',
        description: `${LEAD} وقالت الوزارة إن الحملة تستهدف الأطفال دون… اقرأ المزيد`,
      },
      url: 'https://example.tn/a/2',
      receivedAt: RECEIVED,
    });
    expect(article.summary).toEqual([LEAD]);
    expect(article.paragraphs.join(' ')).not.toContain('اقرأ المزيد');
  });

  it('a configured publisher wins over the feed title; the feed title loses its section', () => {
    const item = {
      title: 'عنوان',
      link: 'https://www.bbc.com/arabic/1',
      feedTitle: 'BBC Arabic | الصفحة الرئيسية',
    };
    const fromFeed = buildArticle({ feedItem: item, receivedAt: RECEIVED });
    expect(fromFeed.publisher).toBe('BBC Arabic');
    const configured = buildArticle({
      feedItem: item,
      publisher: 'بي بي سي',
      receivedAt: RECEIVED,
    });
    expect(configured.publisher).toBe('بي بي سي');
  });
});
