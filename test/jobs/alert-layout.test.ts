import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { formatAlert } from '../../src/jobs/alerts.ts';
import { makeSnippet } from '../../src/search/snippet.ts';

// The alert a follower gets: headline, source, the story line with their words in bold, link.

describe('alert layout', () => {
  const story = 'تمكنت وحدات الحرس الديواني من حجز سيارة مهربة محملة بالسجائر.';

  it('shows source and the line around the follow words, bold, valid HTML', () => {
    const { html, plain } = formatAlert({
      title: 'حجز سيارة مهربة',
      link: 'https://t.me/akhbar/5',
      query: 'حجز سيارة',
      lang: 'ar',
      source: 'موزاييك <b>',
      snippet: makeSnippet(story, ['حجز', 'سياره']),
    });
    const parsed = parseTelegramHtml(html);
    const text = parsed.text;
    expect(text).toContain('📰 \u2068موزاييك <b>\u2069');
    const bold = parsed.entities
      .filter((e) => e.type === 'bold')
      .map((e) => text.slice(e.offset, e.offset + e.length));
    expect(bold).toEqual(['\u2068حجز سيارة مهربة\u2069', 'حجز', 'سيارة']);
    for (const line of text.split('\n')) expect(line[0]).toBe('\u200F');
    expect(plain).toContain('الحرس الديواني');
    expect(plain).not.toContain('<b>حجز');
  });

  it('drops malformed snippet parts read back from a job', () => {
    const { html } = formatAlert({
      title: 't',
      query: 'q',
      lang: 'en',
      // @ts-expect-error: job data from Redis may hold anything
      snippet: [{ text: 5 }, { text: '<i>ok</i>', bold: 'yes' }, null],
    });
    expect(() => parseTelegramHtml(html)).not.toThrow();
    expect(html).toContain('&lt;i&gt;ok&lt;/i&gt;');
  });
});
