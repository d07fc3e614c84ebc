import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanSummary, cleanTitle, MAX_TITLE } from '../../src/editorial/draft-text.ts';
import { parsePostRef } from '../../src/editorial/post-ref.ts';

describe('parsePostRef', () => {
  it('reads public and private channel links in their usual spellings', () => {
    const msg = (chat: string, messageId: number) => ({ kind: 'message', chat, messageId });
    expect(parsePostRef('https://t.me/akhbar_test/42')).toEqual(msg('@akhbar_test', 42));
    expect(parsePostRef('  t.me/akhbar_test/42?single ')).toEqual(msg('@akhbar_test', 42));
    expect(parsePostRef('http://telegram.me/Akhbar_Test/42/')).toEqual(msg('@Akhbar_Test', 42));
    expect(parsePostRef('https://t.me/s/akhbar_test/42')).toEqual(msg('@akhbar_test', 42));
    expect(parsePostRef('https://t.me/c/1234567890/42')).toEqual(msg('-1001234567890', 42));
    expect(parsePostRef('https://t.me/c/1234567890/7/42')).toEqual(msg('-1001234567890', 42));
    expect(parsePostRef('https://t.me/akhbar_test/7/42')).toEqual(msg('@akhbar_test', 42));
  });

  it('reads article ids, in any case', () => {
    expect(parsePostRef('a-0123456789abcdef0123')).toEqual({
      kind: 'article',
      articleId: 'a-0123456789abcdef0123',
    });
    expect(parsePostRef('H-0123456789ABCDEF0123')).toEqual({
      kind: 'article',
      articleId: 'h-0123456789abcdef0123',
    });
  });

  it('refuses everything else', () => {
    for (const input of [
      '',
      'hello',
      'a-0123',
      'https://evil.example/akhbar_test/42',
      'https://t.me.evil.example/akhbar_test/42',
      'https://user:pw@t.me/akhbar_test/42',
      'https://t.me/akhbar_test',
      'https://t.me/akhbar_test/0',
      'https://t.me/akhbar_test/99999999999',
      'https://t.me/abc/42',
      'https://t.me/c/abc/42',
      'https://t.me/c/123/x/42',
      'https://t.me/c/123',
      'javascript:alert(1)',
      'https://t.me/akhbar test/42',
      `https://t.me/akhbar_test/${'1'.repeat(400)}`,
    ]) {
      expect(parsePostRef(input), input).toBeUndefined();
    }
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => parsePostRef(s) !== null));
  });
});

describe('cleanTitle and cleanSummary', () => {
  it('make an editor’s text one safe line, or refuse it', () => {
    expect(cleanTitle('  عنوان\u202E  جديد\n')).toBe('عنوان جديد');
    expect(cleanTitle(' \u200f ')).toBeUndefined();
    expect(cleanTitle('x'.repeat(MAX_TITLE + 1))).toBeUndefined();
    expect(cleanSummary('الأولى.\n\n  الثانية  \u2066هنا\u2069.\n')).toEqual([
      'الأولى.',
      'الثانية هنا.',
    ]);
    expect(cleanSummary('\n \n')).toBeUndefined();
    expect(cleanSummary('سطر\n'.repeat(11))).toBeUndefined();
    expect(cleanSummary('x'.repeat(2001))).toBeUndefined();
  });
});
