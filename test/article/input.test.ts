import { describe, expect, it } from 'vitest';
import { ArticleError } from '../../src/article/errors.ts';
import { MAX_INPUT_BYTES, rawFromInput } from '../../src/article/input.ts';
import { pseudoRandomBytes, singleByteEncoder } from './charsets.ts';

function errorCode(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof ArticleError) return err.code;
    throw err;
  }
  throw new Error('expected an ArticleError');
}

describe('rawFromInput', () => {
  it('plain text stays text, with the options copied', () => {
    const raw = rawFromInput('عنوان الخبر\n\nنص الخبر هنا.', {
      url: 'https://example.com/a',
      publisher: 'موقع',
      sourceId: 'cli',
      receivedAt: '2024-01-02T03:04:05.000Z',
    });
    expect(raw).toEqual({
      text: 'عنوان الخبر\n\nنص الخبر هنا.',
      url: 'https://example.com/a',
      publisher: 'موقع',
      sourceId: 'cli',
      receivedAt: '2024-01-02T03:04:05.000Z',
    });
  });

  it('sets receivedAt to now when not given', () => {
    const raw = rawFromInput('عنوان\nنص');
    expect(Number.isNaN(Date.parse(raw.receivedAt))).toBe(false);
  });

  it.each([
    '<!DOCTYPE html><html><body><p>نص</p></body></html>',
    '<html lang="ar"><head><title>عنوان</title></head></html>',
    '<article><h1>عنوان</h1><p>نص</p></article>',
    '<p>فقرة أولى</p><p>فقرة ثانية</p>',
    '  <div class="story">نص</div>',
  ])('recognises HTML: %s', (input) => {
    const raw = rawFromInput(input);
    expect(raw.html).toBe(input);
    expect(raw.text).toBeUndefined();
  });

  it('text that mentions a < sign is not HTML', () => {
    expect(rawFromInput('عنوان\nارتفع المؤشر 3 < 5 بالمئة').text).toBeDefined();
  });

  it('a JSON feed item becomes feedItem, its link the url', () => {
    const item = {
      title: 'عنوان',
      link: 'https://example.com/x?utm_source=rss',
      description: '<p>نص <b>الخبر</b></p>',
      pubDate: 'Sun, 05 Jan 2020 10:00:00 GMT',
      feedTitle: 'ميدل ايست نيوز',
      extra: 42,
    };
    const raw = rawFromInput(JSON.stringify(item));
    expect(raw.feedItem).toEqual({
      title: 'عنوان',
      link: 'https://example.com/x?utm_source=rss',
      description: '<p>نص <b>الخبر</b></p>',
      date: 'Sun, 05 Jan 2020 10:00:00 GMT',
      feedTitle: 'ميدل ايست نيوز',
    });
    expect(raw.url).toBe('https://example.com/x?utm_source=rss');
  });

  it('accepts JSON Feed spellings', () => {
    const raw = rawFromInput(
      JSON.stringify({
        title: 'ع',
        url: 'https://e.com/1',
        content_html: '<p>ن</p>',
        date_published: '2020-01-01',
      }),
    );
    expect(raw.feedItem).toMatchObject({
      link: 'https://e.com/1',
      content: '<p>ن</p>',
      date: '2020-01-01',
    });
  });

  it('JSON without a title is just text', () => {
    const input = '{"link": "https://e.com"}';
    expect(rawFromInput(input).text).toBe(input);
  });

  it('decodes bytes by the content type', () => {
    const encode = singleByteEncoder('windows-1256');
    const raw = rawFromInput(encode('عنوان الخبر\nنص الخبر.'), {
      contentType: 'text/plain; charset=cp1256',
    });
    expect(raw.text).toBe('عنوان الخبر\nنص الخبر.');
  });

  it('drops a leading BOM from a string', () => {
    expect(rawFromInput('\ufeffعنوان\nنص').text).toBe('عنوان\nنص');
  });

  it.each([
    ['', 'empty'],
    ['   \n\t  ', 'empty'],
    ['\u200b\u200f\ufeff \n', 'empty'],
  ])('%j → %s', (input, code) => {
    expect(errorCode(() => rawFromInput(input))).toBe(code);
  });

  it('empty bytes → empty', () => {
    expect(errorCode(() => rawFromInput(new Uint8Array(0)))).toBe('empty');
  });

  it('binary junk → binary', () => {
    expect(errorCode(() => rawFromInput(pseudoRandomBytes(2000)))).toBe('binary');
  });

  it('more than 5 MB → too-large (bytes and text)', () => {
    expect(errorCode(() => rawFromInput(new Uint8Array(MAX_INPUT_BYTES + 1).fill(0x61)))).toBe(
      'too-large',
    );
    // 2 UTF-8 bytes per Arabic letter: 3 M letters are 6 MB.
    expect(errorCode(() => rawFromInput('ب'.repeat(3 * 1024 * 1024)))).toBe('too-large');
  });

  it('exactly 5 MB is accepted', () => {
    const raw = rawFromInput(`عنوان\n${'a'.repeat(MAX_INPUT_BYTES - 'عنوان\n'.length - 5)}`);
    expect(raw.text).toBeDefined();
  });

  it('rejects a bad receivedAt and non-text input with bad-input', () => {
    expect(errorCode(() => rawFromInput('ع\nن', { receivedAt: 'yesterday-ish' }))).toBe(
      'bad-input',
    );
    const notInput: unknown = 42;
    expect(errorCode(() => rawFromInput(notInput as string))).toBe('bad-input');
  });

  it('error messages are one line', () => {
    let message = '';
    try {
      rawFromInput(new Uint8Array(MAX_INPUT_BYTES + 10));
    } catch (err) {
      if (err instanceof ArticleError) message = err.message;
    }
    expect(message).toMatch(/5 MB/);
    expect(message).not.toContain('\n');
  });
});
