import chardet from 'chardet';
import { ArticleError } from './errors.ts';

export interface Decoded {
  text: string;
  /** The WHATWG name of the encoding used, e.g. 'utf-8', 'windows-1256', 'iso-8859-6'. */
  charset: string;
}

const SNIFF_BYTES = 4096;
const BINARY_SAMPLE_BYTES = 65536;

/**
 * Bytes → text. The charset comes from a byte-order mark, the Content-Type header, the XML
 * declaration or HTML <meta>, detection, then UTF-8. A BOM is checked before the header, as
 * browsers do (WHATWG Encoding "decode"): it cannot be there by accident, headers often lie.
 */
export function decodeBytes(bytes: Uint8Array, hints: { contentType?: string } = {}): Decoded {
  if (!(bytes instanceof Uint8Array)) {
    throw new ArticleError('bad-input', 'decodeBytes expects a Uint8Array.');
  }
  const charset =
    charsetFromBom(bytes) ??
    charsetFromContentType(hints.contentType) ??
    charsetFromDeclaration(bytes) ??
    detectCharset(bytes) ??
    'utf-8';
  const isUtf16 = charset.startsWith('utf-16');
  if (!isUtf16 && bytes.subarray(0, BINARY_SAMPLE_BYTES).includes(0)) {
    throw new ArticleError('binary', 'The input contains NUL bytes: it is binary data, not text.');
  }
  const text = new TextDecoder(charset).decode(bytes);
  if (looksBinary(text)) {
    throw new ArticleError('binary', `The input does not decode as ${charset} text.`);
  }
  return { text, charset };
}

/** A charset label (any case, WHATWG aliases such as cp1256 or arabic) → the decoder's name. */
export function resolveCharset(label: string | undefined): string | undefined {
  if (label === undefined) return undefined;
  const clean = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (clean === '' || clean.length > 40) return undefined;
  const candidates = [clean, clean.replace(/_/g, '-')];
  const windows = /^(?:windows|win|cp|ms)[-_ ]?(125\d)$/.exec(clean);
  if (windows) candidates.push(`windows-${windows[1]}`);
  const iso = /^iso[-_ ]?8859[-_ ]?(\d{1,2})(?:[-_:].*)?$/.exec(clean);
  if (iso) candidates.push(`iso-8859-${iso[1]}`);
  for (const candidate of candidates) {
    try {
      return new TextDecoder(candidate).encoding;
    } catch {
      // Not a label this runtime knows; try the next spelling.
    }
  }
  return undefined;
}

function charsetFromBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return undefined;
}

function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (typeof contentType !== 'string') return undefined;
  const match = /charset\s*=\s*["']?([^;"'\s]+)/i.exec(contentType);
  return resolveCharset(match?.[1]);
}

/** The XML declaration or an HTML <meta charset> / http-equiv, read from the first 4 KB as latin1. */
function charsetFromDeclaration(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, SNIFF_BYTES));
  const xml = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']+)["']/i.exec(head);
  const meta = /<meta\s[^>]*?charset\s*=\s*["']?\s*([^"'\s;/>]+)/i.exec(head);
  const found = resolveCharset(xml?.[1] ?? meta?.[1]);
  // A declaration is read as ASCII, so it cannot truly mean UTF-16 (HTML spec, "prescan").
  return found?.startsWith('utf-16') ? 'utf-8' : found;
}

function detectCharset(bytes: Uint8Array): string | undefined {
  const sample = bytes.subarray(0, BINARY_SAMPLE_BYTES);
  // Valid UTF-8 with non-ASCII bytes is almost never an accident; statistics can't beat that.
  if (isValidUtf8(sample)) return 'utf-8';
  const guess = chardet.detect(sample);
  if (guess === null || /^(?:ascii|utf-32)/i.test(guess)) return undefined;
  return resolveCharset(guess);
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    // stream: a sample cut in the middle of a character is still valid UTF-8.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Mostly replacement characters or control codes: not text in any charset we tried. */
function looksBinary(text: string): boolean {
  let bad = 0;
  let total = 0;
  for (const ch of text.slice(0, BINARY_SAMPLE_BYTES)) {
    const code = ch.codePointAt(0) ?? 0;
    if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) continue;
    total++;
    if (code === 0xfffd || code < 0x20 || (code >= 0x7f && code < 0xa0)) bad++;
  }
  return total > 0 && bad / total > 0.1;
}
