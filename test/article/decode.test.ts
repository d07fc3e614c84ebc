import { describe, expect, it } from 'vitest';
import { decodeBytes, resolveCharset } from '../../src/article/decode.ts';
import { ArticleError } from '../../src/article/errors.ts';
import { pseudoRandomBytes, singleByteEncoder } from './charsets.ts';

const ARABIC =
  'استقبل رئيس الأركان العامة للقوات المسلحة الإيرانية وزير الدفاع العراقي، وبحثا معه القضايا الأمنية؛ هل اتفقا؟';
const cp1256 = singleByteEncoder('windows-1256');
const iso6 = singleByteEncoder('iso-8859-6');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => [...p]));

function decodeError(bytes: Uint8Array): ArticleError {
  try {
    decodeBytes(bytes);
  } catch (err) {
    if (err instanceof ArticleError) return err;
    throw err;
  }
  throw new Error('expected an ArticleError');
}

describe('the runtime decoders (Node 20 full ICU)', () => {
  it('maps the Arabic letters of windows-1256 and ISO-8859-6 to their real code points', () => {
    // Lam is 0xE1 in windows-1256 and 0xE4 in ISO-8859-6; alef is 0xC7 in both.
    expect(new TextDecoder('windows-1256').decode(Uint8Array.of(0xc7, 0xe1))).toBe('ال');
    expect(new TextDecoder('iso-8859-6').decode(Uint8Array.of(0xc7, 0xe4))).toBe('ال');
    expect(new TextDecoder('windows-1256').decode(Uint8Array.of(0xa1, 0xba, 0xbf))).toBe('،؛؟');
    expect(new TextDecoder('iso-8859-6').decode(Uint8Array.of(0xac, 0xbb, 0xbf))).toBe('،؛؟');
  });

  it('the test encoders round-trip', () => {
    expect(new TextDecoder('windows-1256').decode(cp1256(ARABIC))).toBe(ARABIC);
    expect(new TextDecoder('iso-8859-6').decode(iso6(ARABIC))).toBe(ARABIC);
    expect(cp1256(ARABIC)).not.toEqual(iso6(ARABIC));
  });
});

describe('resolveCharset', () => {
  it.each([
    ['windows-1256', 'windows-1256'],
    ['Windows-1256', 'windows-1256'],
    ['cp1256', 'windows-1256'],
    ['CP-1256', 'windows-1256'],
    ['win1256', 'windows-1256'],
    ['x-cp1256', 'windows-1256'],
    ['"windows-1256"', 'windows-1256'],
    ['arabic', 'iso-8859-6'],
    ['ISO_8859-6', 'iso-8859-6'],
    ['ISO-8859-6-I', 'iso-8859-6'],
    ['iso8859_6', 'iso-8859-6'],
    ['ASMO-708', 'iso-8859-6'],
    ['UTF8', 'utf-8'],
    ['utf-8', 'utf-8'],
  ])('%s → %s', (label, expected) => {
    expect(resolveCharset(label)).toBe(expected);
  });

  it.each(['', 'klingon', 'x-user-defined-nope', 'a'.repeat(100)])(
    'unknown label %j → undefined',
    (label) => {
      expect(resolveCharset(label)).toBeUndefined();
    },
  );
});

describe('decodeBytes', () => {
  it('decodes UTF-8 without hints', () => {
    expect(decodeBytes(utf8(ARABIC))).toEqual({ text: ARABIC, charset: 'utf-8' });
  });

  it.each([
    ['text/html; charset=windows-1256', cp1256],
    ['text/html; charset="Windows-1256"', cp1256],
    ['text/plain;CHARSET=cp1256', cp1256],
    ['text/html; charset=ISO-8859-6', iso6],
    ['text/html; charset=arabic', iso6],
    ['application/xml; charset=ISO_8859-6', iso6],
  ])('uses the Content-Type header %j', (contentType, encode) => {
    const { text } = decodeBytes(encode(ARABIC), { contentType });
    expect(text).toBe(ARABIC);
  });

  it('the header wins over the page declaration', () => {
    const page = `<html><head><meta charset="windows-1256"></head><body><p>${ARABIC}</p></body></html>`;
    const result = decodeBytes(iso6(page), { contentType: 'text/html; charset=iso-8859-6' });
    expect(result.charset).toBe('iso-8859-6');
    expect(result.text).toBe(page);
  });

  it('reads <meta charset>', () => {
    const page = `<!doctype html><html><head><meta charset="windows-1256"><title>خبر</title></head><body><p>${ARABIC}</p></body></html>`;
    expect(decodeBytes(cp1256(page))).toEqual({ text: page, charset: 'windows-1256' });
  });

  it('reads <meta http-equiv="Content-Type">', () => {
    const page = `<html><head><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=ISO-8859-6"></head><body><p>${ARABIC}</p></body></html>`;
    expect(decodeBytes(iso6(page))).toEqual({ text: page, charset: 'iso-8859-6' });
  });

  it('reads the XML declaration', () => {
    const feed = `<?xml version="1.0" encoding="windows-1256"?><rss><channel><title>${ARABIC}</title></channel></rss>`;
    expect(decodeBytes(cp1256(feed))).toEqual({ text: feed, charset: 'windows-1256' });
  });

  it('an unknown header label falls through to the page declaration', () => {
    const page = `<html><head><meta charset="cp1256"></head><body>${ARABIC}</body></html>`;
    const result = decodeBytes(cp1256(page), { contentType: 'text/html; charset=klingon' });
    expect(result).toEqual({ text: page, charset: 'windows-1256' });
  });

  it('a UTF-8 BOM beats a wrong header, and is removed', () => {
    const bytes = concat(Uint8Array.of(0xef, 0xbb, 0xbf), utf8(ARABIC));
    const result = decodeBytes(bytes, { contentType: 'text/html; charset=windows-1256' });
    expect(result).toEqual({ text: ARABIC, charset: 'utf-8' });
  });

  it('decodes UTF-16LE with a BOM', () => {
    const units = Array.from(ARABIC, (c) => c.charCodeAt(0));
    const bytes = concat(
      Uint8Array.of(0xff, 0xfe),
      Uint8Array.from(units.flatMap((u) => [u & 0xff, u >> 8])),
    );
    expect(decodeBytes(bytes)).toEqual({ text: ARABIC, charset: 'utf-16le' });
  });

  it('detects windows-1256 and ISO-8859-6 without any declaration', () => {
    const long = `${ARABIC}\n${ARABIC}`;
    expect(decodeBytes(cp1256(long))).toEqual({ text: long, charset: 'windows-1256' });
    expect(decodeBytes(iso6(long))).toEqual({ text: long, charset: 'iso-8859-6' });
  });

  it('plain ASCII decodes as UTF-8', () => {
    expect(decodeBytes(utf8('Hello, world.'))).toEqual({ text: 'Hello, world.', charset: 'utf-8' });
  });

  it('rejects random bytes with NULs as binary', () => {
    const junk = pseudoRandomBytes(4096);
    expect(junk.includes(0)).toBe(true);
    expect(decodeError(junk).code).toBe('binary');
  });

  it('rejects control-code soup without NULs as binary', () => {
    const junk = pseudoRandomBytes(4096, 99).map((b) => (b === 0 ? 1 : b % 32));
    expect(decodeError(junk).code).toBe('binary');
  });

  it('rejects a PNG header', () => {
    const png = concat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13));
    expect(decodeError(png).code).toBe('binary');
  });

  it('rejects a non-Uint8Array with bad-input', () => {
    const notBytes: unknown = 'text';
    expect(() => decodeBytes(notBytes as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'bad-input' }),
    );
  });
});
