import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { FSI, PDI, RLM } from '../../src/telegram/bidi.ts';
import { formatPost, LIMITS, toHashtag } from '../../src/telegram/format.ts';
import { makeArticle } from './article.ts';

const iso = (s: string) => `${FSI}${s}${PDI}`;
const count = (s: string, c: string) => s.split(c).length - 1;

const typical = makeArticle({
  title: 'وزير الخارجية يزور بغداد',
  summary: ['قال الوزير إن الزيارة مهمة.', 'وأضاف أن المحادثات ستستمر.'],
  publisher: 'ميدل ايست نيوز',
  source: 'إرنا',
  url: 'https://example.com/news/1?a=1&b=2',
  hashtags: ['إيران', 'العراق'],
});

describe('formatPost layout', () => {
  it('formats a typical article exactly', () => {
    const post = formatPost(typical);
    expect(post.html).toBe(
      `${RLM}<b>${iso('وزير الخارجية يزور بغداد')}</b>\n\n` +
        `${RLM}قال الوزير إن الزيارة مهمة. وأضاف أن المحادثات ستستمر.\n\n` +
        `${RLM}المصدر: <a href="https://example.com/news/1?a=1&amp;b=2">${iso('ميدل ايست نيوز')}</a>` +
        ` نقلاً عن ${iso('إرنا')}\n\n` +
        `${RLM}#إيران #العراق`,
    );
    expect(post.plain).toBe(
      `${RLM}${iso('وزير الخارجية يزور بغداد')}\n\n` +
        `${RLM}قال الوزير إن الزيارة مهمة. وأضاف أن المحادثات ستستمر.\n\n` +
        `${RLM}المصدر: ${iso('ميدل ايست نيوز')} (https://example.com/news/1?a=1&b=2)` +
        ` نقلاً عن ${iso('إرنا')}\n\n` +
        `${RLM}#إيران #العراق`,
    );
    expect(post.truncated).toBe(false);
    // Visible text = plain without the URL in parentheses.
    expect(post.length).toBe(
      post.plain.replace(' (https://example.com/news/1?a=1&b=2)', '').length,
    );
  });

  it('is what Telegram shows: bold title, linked publisher, counted length', () => {
    const post = formatPost(typical);
    const parsed = parseTelegramHtml(post.html);
    expect(parsed.text.length).toBe(post.length);
    const title = iso('وزير الخارجية يزور بغداد');
    const publisher = iso('ميدل ايست نيوز');
    expect(parsed.entities).toEqual([
      { type: 'bold', offset: 1, length: title.length },
      {
        type: 'text_link',
        offset: parsed.text.indexOf(publisher),
        length: publisher.length,
        url: 'https://example.com/news/1?a=1&b=2',
      },
    ]);
  });

  it('puts newlines inside fields onto one line', () => {
    const post = formatPost(
      makeArticle({ title: 'سطر\nثان\r\n\tثالث', summary: ['جملة\nأولى.', '  ', 'جملة ثانية.'] }),
    );
    expect(post.html).toBe(`${RLM}<b>${iso('سطر ثان ثالث')}</b>\n\n${RLM}جملة أولى. جملة ثانية.`);
  });

  it('leaves out the summary block when there is no summary', () => {
    const post = formatPost(makeArticle({ title: 'عنوان فقط' }));
    expect(post.html).toBe(`${RLM}<b>${iso('عنوان فقط')}</b>`);
  });
});

describe('credit line', () => {
  const credit = (fields: Parameters<typeof makeArticle>[0]) => {
    const post = formatPost(makeArticle({ title: 'ع', summary: ['ج.'], ...fields }));
    const htmlLines = post.html.split('\n\n');
    const plainLines = post.plain.split('\n\n');
    return { html: htmlLines[2], plain: plainLines[2], lines: htmlLines.length };
  };

  it('links the publisher and names a different source', () => {
    expect(credit({ publisher: 'الجزيرة', source: 'رويترز', url: 'https://a.example/x' })).toEqual({
      html: `${RLM}المصدر: <a href="https://a.example/x">${iso('الجزيرة')}</a> نقلاً عن ${iso('رويترز')}`,
      plain: `${RLM}المصدر: ${iso('الجزيرة')} (https://a.example/x) نقلاً عن ${iso('رويترز')}`,
      lines: 3,
    });
  });

  it('names the source only once when it is the publisher', () => {
    expect(credit({ publisher: 'إرنا', source: ' إرنا ', url: 'https://a.example/x' }).html).toBe(
      `${RLM}المصدر: <a href="https://a.example/x">${iso('إرنا')}</a>`,
    );
  });

  it('uses the host as link text when there is no publisher', () => {
    expect(credit({ url: 'https://www.example.com/news/1' })).toEqual({
      html: `${RLM}المصدر: <a href="https://www.example.com/news/1">${iso('example.com')}</a>`,
      plain: `${RLM}المصدر: ${iso('example.com')} (https://www.example.com/news/1)`,
      lines: 3,
    });
    expect(credit({ url: 'https://example.com/', source: 'واس' }).html).toBe(
      `${RLM}المصدر: <a href="https://example.com/">${iso('example.com')}</a> نقلاً عن ${iso('واس')}`,
    );
  });

  it('shows an internationalised host in its own script', () => {
    expect(credit({ url: 'https://xn--mgbh0fb.example/' }).html).toBe(
      `${RLM}المصدر: <a href="https://xn--mgbh0fb.example/">${iso('مثال.example')}</a>`,
    );
  });

  it('leaves the publisher unlinked when there is no URL', () => {
    expect(credit({ publisher: 'الجزيرة', source: 'رويترز' })).toEqual({
      html: `${RLM}المصدر: ${iso('الجزيرة')} نقلاً عن ${iso('رويترز')}`,
      plain: `${RLM}المصدر: ${iso('الجزيرة')} نقلاً عن ${iso('رويترز')}`,
      lines: 3,
    });
  });

  it('names the source alone when there is neither publisher nor URL', () => {
    expect(credit({ source: 'رويترز' }).html).toBe(`${RLM}المصدر: ${iso('رويترز')}`);
  });

  it('has no credit line when nothing is known', () => {
    const post = formatPost(
      makeArticle({ title: 'ع', summary: ['ج.'], publisher: ' ', source: '' }),
    );
    expect(post.html).toBe(`${RLM}<b>${iso('ع')}</b>\n\n${RLM}ج.`);
  });

  it('does not link a javascript: URL (or any non-http one)', () => {
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'tg://x', '//example.com/x']) {
      const out = credit({ publisher: 'الموقع', url });
      expect(out.html).toBe(`${RLM}المصدر: ${iso('الموقع')}`);
      expect(out.plain).toBe(`${RLM}المصدر: ${iso('الموقع')}`);
    }
    const post = formatPost(makeArticle({ title: 'ع', url: 'javascript:alert(1)' }));
    expect(post.html).toBe(`${RLM}<b>${iso('ع')}</b>`);
  });

  it('cuts a very long publisher name', () => {
    const out = credit({ publisher: 'موقع '.repeat(100), url: 'https://a.example/' });
    expect(out.html?.length).toBeLessThan(200);
    expect(out.html).toContain('…');
  });
});

describe('toHashtag', () => {
  it('joins words with _', () => {
    expect(toHashtag('الشرق الأوسط')).toBe('الشرق_الأوسط');
    expect(toHashtag('  كأس   العالم ٢٠٢٢ ')).toBe('كأس_العالم_٢٠٢٢');
    expect(toHashtag('al-Quds')).toBe('al_Quds');
    expect(toHashtag('می\u200Cخواهم')).toBe('می_خواهم');
    expect(toHashtag('already_joined__tag')).toBe('already_joined_tag');
  });

  it('removes punctuation, marks, emoji and unsafe characters', () => {
    expect(toHashtag('#U.S.')).toBe('US');
    expect(toHashtag('«غزة»!')).toBe('غزة');
    expect(toHashtag('أيضاً')).toBe('أيضا');
    expect(toHashtag('🔥عاجل🔥')).toBe('عاجل');
    expect(toHashtag('إي\u202Eران\u2066')).toBe('إيران');
    expect(toHashtag('<b>تقرير</b>')).toBe('bتقرير_b');
  });

  it('drops tags without a letter: all digits in any script, or nothing left', () => {
    for (const s of [
      '2024',
      '٢٠٢٤',
      '۱۴۰۳',
      '2024-2025',
      '١٢ ٣٤',
      '',
      '   ',
      '---',
      '🔥',
      '\u202E',
    ]) {
      expect(toHashtag(s), JSON.stringify(s)).toBeUndefined();
    }
  });

  it('keeps tags short, preferring a word boundary', () => {
    const tag = toHashtag('الانتخابات الرئاسية الأمريكية المقبلة في نوفمبر');
    expect(tag).toBe('الانتخابات_الرئاسية_الأمريكية');
    const long = toHashtag('ب'.repeat(50));
    expect(long).toBe('ب'.repeat(30));
    const emoji = toHashtag(`${'a'.repeat(29)}𝒜𝒜`);
    expect(emoji).toBe('a'.repeat(29));
  });

  it('survives a lone surrogate and non-string input', () => {
    expect(toHashtag('خبر\uD800')).toBe('خبر');
    const notAString: unknown = undefined;
    expect(toHashtag(notAString as string)).toBeUndefined();
  });
});

describe('hashtag line', () => {
  it('keeps three, deduplicated, each after a plain space', () => {
    const post = formatPost(
      makeArticle({
        title: 'ع',
        hashtags: ['إيران', '2024', '٢٠٢٤', 'إيران', 'العراق', 'Oil', 'oil', 'النفط', 'الغاز'],
      }),
    );
    expect(post.html).toBe(`${RLM}<b>${iso('ع')}</b>\n\n${RLM}#إيران #العراق #Oil`);
  });

  it('omits the line when no tag survives', () => {
    const post = formatPost(makeArticle({ title: 'ع', hashtags: ['2024', '!!!'] }));
    expect(post.html).toBe(`${RLM}<b>${iso('ع')}</b>`);
  });
});

describe('hostile titles', () => {
  // Every hostile title must still parse, and show exactly as written (minus unsafe characters).
  const titleHtml = (title: string) => {
    const post = formatPost(makeArticle({ title }));
    const parsed = parseTelegramHtml(post.html);
    expect(parsed.text.length).toBe(post.length);
    expect(parsed.entities).toEqual([{ type: 'bold', offset: 1, length: post.length - 1 }]);
    return post.html;
  };

  it('escapes <script>, &, an unclosed <b> and quotes', () => {
    expect(titleHtml('<script>alert("x")</script>')).toBe(
      `${RLM}<b>${iso('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')}</b>`,
    );
    expect(titleHtml('A & B &amp; C')).toBe(`${RLM}<b>${iso('A &amp; B &amp;amp; C')}</b>`);
    expect(titleHtml('عنوان <b>غير مغلق')).toBe(`${RLM}<b>${iso('عنوان &lt;b&gt;غير مغلق')}</b>`);
    expect(titleHtml('قال "نعم" و\'لا\'')).toBe(`${RLM}<b>${iso("قال &quot;نعم&quot; و'لا'")}</b>`);
  });

  it('removes bidi controls so only our FSI/PDI remain', () => {
    const post = formatPost(
      makeArticle({
        title:
          '\u202Eخبر\u2066 abc\u2069\u2067\u2068 \u200E\u200F\u061Cعاجل\u202A\u202B\u202C\u202D',
        summary: ['جملة\u202E مقلوبة\u2069.'],
        source: '\u2067رويترز\u2069',
      }),
    );
    expect(post.html).toBe(
      `${RLM}<b>${iso('خبر abc عاجل')}</b>\n\n${RLM}جملة مقلوبة.\n\n${RLM}المصدر: ${iso('رويترز')}`,
    );
    expect(count(post.html, FSI)).toBe(2);
    expect(count(post.html, PDI)).toBe(2);
    expect(post.html).not.toMatch(/[\u202A-\u202E\u2066\u2067\u200E\u061C]/);
  });

  it('keeps a Latin-led or number-led title isolated after the RLM', () => {
    expect(titleHtml('Apple تطلق هاتفاً جديداً')).toBe(
      `${RLM}<b>${iso('Apple تطلق هاتفاً جديداً')}</b>`,
    );
    expect(titleHtml('2024 عام الانتخابات')).toBe(`${RLM}<b>${iso('2024 عام الانتخابات')}</b>`);
  });

  it('keeps emoji, including ZWJ sequences, intact', () => {
    const family = '👨\u200D👩\u200D👧';
    const post = formatPost(makeArticle({ title: `🔥 عاجل ${family}`, summary: ['خبر 😀.'] }));
    expect(post.html).toBe(`${RLM}<b>${iso(`🔥 عاجل ${family}`)}</b>\n\n${RLM}خبر 😀.`);
  });

  it('replaces lone surrogates and keeps pairs', () => {
    const post = formatPost(makeArticle({ title: 'a\uD800b\uDC00c 😀' }));
    expect(post.html).toBe(`${RLM}<b>${iso('a\uFFFDb\uFFFDc 😀')}</b>`);
  });
});

describe('limits', () => {
  it('are Telegram’s', () => {
    expect(LIMITS).toEqual({ text: 4096, caption: 1024 });
  });
});
