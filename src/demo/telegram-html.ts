import type { MessageEntity } from 'grammy/types';

/**
 * Telegram's HTML parse mode, ported from tdlib's `parse_html` and `decode_html_entity`
 * (td/telegram/MessageEntity.cpp, 2024 version with expandable blockquotes). It works on the
 * UTF-8 bytes like tdlib does, so error offsets are byte offsets and messages match what the
 * Bot API returns after its "Bad Request: can't parse entities: " prefix.
 *
 * One deliberate difference: a blockquote inside a blockquote is rejected here. tdlib accepts
 * the HTML and later drops the inner quote silently (fix_entities), which would hide a bug.
 * Not modelled: the Bot API's later clean-up of the text (trimming, splitting bold around
 * code, auto-detected url/mention/hashtag entities).
 */

/** A rejection, with `message` exactly as the Bot API's description. */
export class TelegramHtmlError extends Error {
  override name = 'TelegramHtmlError';

  /** @param reason tdlib's own message, e.g. `Unsupported start tag "p" at byte offset 0`. */
  constructor(readonly reason: string) {
    super(`Bad Request: can't parse entities: ${reason}`);
  }
}

export interface ParsedTelegramHtml {
  /** The visible text with tags removed and entities decoded. */
  text: string;
  /** Bot API entities, offsets and lengths in UTF-16 code units, sorted like tdlib sorts them. */
  entities: MessageEntity[];
}

/** Telegram counts message length in UTF-16 code units, which is what `String#length` gives. */
export function visibleLength(text: string): number {
  return text.length;
}

const ALLOWED_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

const NAMED_ENTITIES: Record<string, number> = { lt: 0x3c, gt: 0x3e, amp: 0x26, quot: 0x22 };

type EntityKind =
  | 'bold'
  | 'italic'
  | 'underline'
  | 'strikethrough'
  | 'spoiler'
  | 'code'
  | 'pre'
  | 'pre_code'
  | 'text_link'
  | 'text_mention'
  | 'custom_emoji'
  | 'blockquote'
  | 'expandable_blockquote';

// tdlib's MessageEntity::get_type_priority: ties on offset and length sort by this.
const PRIORITY: Record<EntityKind, number> = {
  bold: 90,
  italic: 91,
  underline: 92,
  strikethrough: 93,
  spoiler: 94,
  code: 20,
  pre: 11,
  pre_code: 10,
  text_link: 49,
  text_mention: 49,
  custom_emoji: 99,
  blockquote: 0,
  expandable_blockquote: 0,
};

interface RawEntity {
  kind: EntityKind;
  offset: number;
  length: number;
  argument: string;
}

interface OpenTag {
  name: string;
  argument: string;
  utf16Offset: number;
  outputPos: number;
  bytePos: number;
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const EQ = 0x3d;
const DQ = 0x22;
const SQ = 0x27;

// td::is_space counts NUL as space; reading past the end yields NUL, as in a C string.
function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0 || c === 0x0b;
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isAlpha(c: number): boolean {
  const l = c | 0x20;
  return c < 0x80 && l >= 0x61 && l <= 0x7a;
}
function isHexDigit(c: number): boolean {
  const l = c | 0x20;
  return isDigit(c) || (c < 0x80 && l >= 0x61 && l <= 0x66);
}
function hexValue(c: number): number {
  return isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * Parses Telegram HTML into text and entities, or throws `TelegramHtmlError` with the message
 * Telegram would give.
 */
export function parseTelegramHtml(html: string): ParsedTelegramHtml {
  const src = Buffer.from(html, 'utf8');
  const n = src.length;
  const at = (i: number): number => (i < n ? (src[i] ?? 0) : 0);
  const slice = (from: number, to: number): string => src.toString('utf8', from, to);
  // The output never grows past the input (tdlib decodes in place), so one buffer of n bytes is enough.
  const out = Buffer.alloc(n);
  let outLen = 0;
  let utf16 = 0;
  let hasSurrogate = false;
  const entities: RawEntity[] = [];
  const open: OpenTag[] = [];

  /** tdlib's decode_html_entity: the code point and the position after it, or undefined. */
  const decodeEntity = (pos: number): { code: number; next: number } | undefined => {
    let end = pos + 1;
    let code = 0;
    if (at(pos + 1) === 0x23 /* # */) {
      end++;
      if (at(pos + 2) === 0x78 /* x, lowercase only */) {
        end++;
        while (isHexDigit(at(end))) code = code * 16 + hexValue(at(end++));
      } else {
        while (isDigit(at(end))) code = code * 10 + (at(end++) - 0x30);
      }
      if (code === 0 || code >= 0x10ffff || end - pos >= 10) return undefined;
    } else {
      while (isAlpha(at(end))) end++;
      const named = NAMED_ENTITIES[slice(pos + 1, end)];
      if (named === undefined) return undefined;
      code = named;
    }
    return { code, next: at(end) === 0x3b /* ; */ ? end + 1 : end };
  };

  const writeCodePoint = (code: number): void => {
    // Surrogates are written as 3 bytes like tdlib does; the UTF-8 re-check rejects them at the end.
    if (code < 0x80) out[outLen++] = code;
    else if (code < 0x800) {
      out[outLen++] = 0xc0 | (code >> 6);
      out[outLen++] = 0x80 | (code & 0x3f);
    } else if (code < 0x10000) {
      out[outLen++] = 0xe0 | (code >> 12);
      out[outLen++] = 0x80 | ((code >> 6) & 0x3f);
      out[outLen++] = 0x80 | (code & 0x3f);
    } else {
      out[outLen++] = 0xf0 | (code >> 18);
      out[outLen++] = 0x80 | ((code >> 12) & 0x3f);
      out[outLen++] = 0x80 | ((code >> 6) & 0x3f);
      out[outLen++] = 0x80 | (code & 0x3f);
    }
  };

  let i = 0;
  while (i < n) {
    const c = at(i);
    if (c === AMP) {
      const decoded = decodeEntity(i);
      if (decoded) {
        utf16 += decoded.code > 0xffff ? 2 : 1;
        if (decoded.code >= 0xd800 && decoded.code <= 0xdfff) hasSurrogate = true;
        writeCodePoint(decoded.code);
        i = decoded.next;
        continue;
      }
    }
    if (c !== LT) {
      if ((c & 0xc0) !== 0x80) utf16 += c >= 0xf0 ? 2 : 1;
      out[outLen++] = c;
      i++;
      continue;
    }

    const begin = i++;
    if (at(i) !== SLASH) {
      i = parseStartTag(begin, i);
    } else {
      i = parseEndTag(begin, i);
    }
  }

  function parseStartTag(begin: number, from: number): number {
    let i = from;
    while (!isSpace(at(i)) && at(i) !== GT) i++;
    if (at(i) === 0) throw new TelegramHtmlError(`Unclosed start tag at byte offset ${begin}`);
    const tag = asciiLower(slice(begin + 1, i));
    if (!ALLOWED_TAGS.has(tag)) {
      throw new TelegramHtmlError(`Unsupported start tag "${tag}" at byte offset ${begin}`);
    }

    let argument = '';
    while (at(i) !== GT) {
      while (at(i) !== 0 && isSpace(at(i))) i++;
      if (at(i) === GT) break;
      const nameBegin = i;
      while (
        !isSpace(at(i)) &&
        at(i) !== EQ &&
        at(i) !== GT &&
        at(i) !== SLASH &&
        at(i) !== DQ &&
        at(i) !== SQ
      ) {
        i++;
      }
      const name = slice(nameBegin, i);
      if (name === '') {
        throw new TelegramHtmlError(
          `Empty attribute name in the tag "${tag}" at byte offset ${begin}`,
        );
      }
      while (at(i) !== 0 && isSpace(at(i))) i++;
      if (at(i) !== EQ) {
        if (at(i) === 0) {
          throw new TelegramHtmlError(`Unclosed start tag "${tag}" at byte offset ${begin}`);
        }
        if (tag === 'blockquote' && name === 'expandable') argument = '1';
        continue;
      }
      i++;
      while (at(i) !== 0 && isSpace(at(i))) i++;
      if (at(i) === 0) {
        throw new TelegramHtmlError(`Unclosed start tag "${tag}" at byte offset ${begin}`);
      }

      let value: string;
      if (at(i) !== SQ && at(i) !== DQ) {
        // An unquoted name token: letters, digits, '.' and '-', case-insensitive.
        const tokenBegin = i;
        while (isAlpha(at(i)) || isDigit(at(i)) || at(i) === 0x2e || at(i) === 0x2d) i++;
        value = asciiLower(slice(tokenBegin, i));
        if (!isSpace(at(i)) && at(i) !== GT) {
          throw new TelegramHtmlError(`Unexpected end of name token at byte offset ${tokenBegin}`);
        }
      } else {
        const quote = at(i++);
        const bytes: number[] = [];
        while (at(i) !== quote && at(i) !== 0) {
          if (at(i) === AMP) {
            const decoded = decodeEntity(i);
            if (decoded) {
              bytes.push(...Buffer.from(String.fromCodePoint(decoded.code), 'utf8'));
              i = decoded.next;
              continue;
            }
          }
          bytes.push(at(i++));
        }
        if (at(i) === quote) i++;
        value = Buffer.from(bytes).toString('utf8');
      }
      if (at(i) === 0) throw new TelegramHtmlError(`Unclosed start tag at byte offset ${begin}`);

      if (tag === 'a' && name === 'href') argument = value;
      else if (tag === 'code' && name === 'class' && value.startsWith('language-')) {
        argument = value.slice('language-'.length);
      } else if (tag === 'span' && name === 'class' && value.startsWith('tg-')) {
        argument = value.slice('tg-'.length);
      } else if (tag === 'tg-emoji' && name === 'emoji-id') argument = value;
      else if (tag === 'blockquote' && name === 'expandable') argument = '1';
    }

    if (tag === 'span' && argument !== 'spoiler') {
      throw new TelegramHtmlError(
        `Tag "span" must have class "tg-spoiler" at byte offset ${begin}`,
      );
    }
    // Stricter than Telegram, which accepts this HTML and silently drops the inner quote.
    if (tag === 'blockquote' && open.some((t) => t.name === 'blockquote')) {
      throw new TelegramHtmlError(
        `Blockquote can't be nested in another blockquote at byte offset ${begin}`,
      );
    }
    open.push({ name: tag, argument, utf16Offset: utf16, outputPos: outLen, bytePos: begin });
    return i + 1;
  }

  function parseEndTag(begin: number, from: number): number {
    let i = from;
    const top = open.at(-1);
    if (!top) throw new TelegramHtmlError(`Unexpected end tag at byte offset ${begin}`);
    while (!isSpace(at(i)) && at(i) !== GT) i++;
    const endTag = asciiLower(slice(begin + 2, i));
    while (isSpace(at(i)) && at(i) !== 0) i++;
    if (at(i) !== GT) throw new TelegramHtmlError(`Unclosed end tag at byte offset ${begin}`);
    if (endTag !== '' && endTag !== top.name) {
      throw new TelegramHtmlError(
        `Unmatched end tag at byte offset ${begin}, expected "</${top.name}>", found "</${endTag}>"`,
      );
    }
    if (utf16 > top.utf16Offset) closeEntity(top);
    open.pop();
    return i + 1;
  }

  function closeEntity(top: OpenTag): void {
    const offset = top.utf16Offset;
    const length = utf16 - offset;
    const last = entities.at(-1);
    const sameRange = last !== undefined && last.offset === offset && last.length === length;
    // <pre><code class="language-x"> in either nesting order becomes one pre entity with a language.
    if (top.name === 'pre' && sameRange && last.kind === 'code' && last.argument) {
      last.kind = 'pre_code';
      return;
    }
    if (top.name === 'code' && sameRange && last.kind === 'pre' && top.argument) {
      last.kind = 'pre_code';
      last.argument = top.argument;
      return;
    }
    const entity = toRawEntity(top.name, top.argument, top.outputPos);
    if (entity) entities.push({ ...entity, offset, length });
  }

  function toRawEntity(
    tag: string,
    argument: string,
    outputPos: number,
  ): { kind: EntityKind; argument: string } | undefined {
    switch (tag) {
      case 'b':
      case 'strong':
        return { kind: 'bold', argument: '' };
      case 'i':
      case 'em':
        return { kind: 'italic', argument: '' };
      case 'u':
      case 'ins':
        return { kind: 'underline', argument: '' };
      case 's':
      case 'strike':
      case 'del':
        return { kind: 'strikethrough', argument: '' };
      case 'tg-spoiler':
      case 'span':
        return { kind: 'spoiler', argument: '' };
      case 'blockquote':
        return { kind: argument ? 'expandable_blockquote' : 'blockquote', argument: '' };
      case 'pre':
        return { kind: 'pre', argument: '' };
      case 'code':
        return { kind: 'code', argument };
      case 'tg-emoji':
        if (!/^-?[1-9][0-9]{0,18}$/.test(argument) || !fitsInt64(argument)) {
          throw new TelegramHtmlError('Invalid custom emoji identifier specified');
        }
        return { kind: 'custom_emoji', argument };
      default: {
        // <a>: without href the link is the text itself.
        const url = argument || out.toString('utf8', outputPos, outLen);
        const userId = /^tg:(?:\/\/)?user\?id=([0-9]{1,15})$/i.exec(url)?.[1];
        if (userId) return { kind: 'text_mention', argument: userId };
        const checked = checkLink(url);
        // tdlib drops the link (not the text) when the URL is not acceptable.
        return checked ? { kind: 'text_link', argument: checked } : undefined;
      }
    }
  }

  const unclosed = open.at(-1);
  if (unclosed) {
    throw new TelegramHtmlError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  }
  if (hasSurrogate) {
    throw new TelegramHtmlError(
      'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    );
  }
  entities.sort(
    (a, b) => a.offset - b.offset || b.length - a.length || PRIORITY[a.kind] - PRIORITY[b.kind],
  );
  return { text: out.toString('utf8', 0, outLen), entities: entities.map(toBotApiEntity) };
}

function fitsInt64(decimal: string): boolean {
  const value = BigInt(decimal);
  return value <= 9223372036854775807n && value >= -9223372036854775808n;
}

/**
 * A simplified LinkManager::get_checked_link: a missing scheme means http, only http, https,
 * tg, ton and tonsite are accepted, and http(s) URLs come back normalised.
 */
function checkLink(raw: string): string | undefined {
  const link = raw.trim();
  if (link === '' || /[\s\u0000-\u001f]/.test(link)) return undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(link)?.[1]?.toLowerCase();
  if (scheme === 'tg' || scheme === 'ton' || scheme === 'tonsite') return link;
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
    // "host:port" has no scheme even though it looks like one.
    if (!/^[^:/]+:[0-9]+(?:[/?#]|$)/.test(link)) return undefined;
  }
  try {
    const url = new URL(scheme === 'http' || scheme === 'https' ? link : `http://${link}`);
    return url.hostname.includes('.') || url.hostname === 'localhost' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function toBotApiEntity(e: RawEntity): MessageEntity {
  const { offset, length } = e;
  switch (e.kind) {
    case 'pre_code':
      return { type: 'pre', offset, length, language: e.argument };
    case 'text_link':
      return { type: 'text_link', offset, length, url: e.argument };
    case 'text_mention':
      return {
        type: 'text_mention',
        offset,
        length,
        user: { id: Number(e.argument), is_bot: false, first_name: '' },
      };
    case 'custom_emoji':
      return { type: 'custom_emoji', offset, length, custom_emoji_id: e.argument };
    case 'pre':
      return { type: 'pre', offset, length };
    default:
      return { type: e.kind, offset, length };
  }
}
