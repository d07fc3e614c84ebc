import { decodeBytes } from './decode.ts';
import { ArticleError } from './errors.ts';
import type { FeedItem, RawArticle } from './types.ts';

export const MAX_INPUT_BYTES = 5 * 1024 * 1024;

export interface InputOptions {
  url?: string;
  publisher?: string;
  contentType?: string;
  sourceId?: string;
  receivedAt?: string;
}

// Tags that only occur in markup; a news text that mentions "<p>" in prose is vanishingly rare.
const HTML_TAG =
  /<(?:!doctype\s+html|html|head|body|article|main|section|header|footer|nav|p|div|h[1-6]|br|title|meta)\b[^<>]*>/i;
const INVISIBLE_OR_SPACE = /^[\s\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*$/;

/**
 * What a user or producer handed us (a file, stdin, a pasted message) → RawArticle.
 * Decides the kind: a JSON feed item, an HTML page or fragment, or plain scraped text.
 */
export function rawFromInput(input: string | Uint8Array, opts: InputOptions = {}): RawArticle {
  let text: string;
  if (input instanceof Uint8Array) {
    if (input.byteLength > MAX_INPUT_BYTES) throw tooLarge(input.byteLength);
    text = decodeBytes(input, { contentType: opts.contentType }).text;
  } else if (typeof input === 'string') {
    // Cheap bound first: a UTF-8 byte is at least a third of a UTF-16 unit.
    if (input.length > MAX_INPUT_BYTES || Buffer.byteLength(input, 'utf8') > MAX_INPUT_BYTES) {
      throw tooLarge(Buffer.byteLength(input, 'utf8'));
    }
    text = input.replace(/^\ufeff/, '');
  } else {
    throw new ArticleError('bad-input', 'The input must be text or bytes.');
  }
  if (INVISIBLE_OR_SPACE.test(text)) {
    throw new ArticleError('empty', 'The input is empty.');
  }

  const raw: RawArticle = { receivedAt: checkDate(opts.receivedAt) };
  const url = optionalString(opts.url, 'url');
  const publisher = optionalString(opts.publisher, 'publisher');
  const sourceId = optionalString(opts.sourceId, 'sourceId');
  if (url !== undefined) raw.url = url;
  if (publisher !== undefined) raw.publisher = publisher;
  if (sourceId !== undefined) raw.sourceId = sourceId;

  const feedItem = feedItemFromJson(text);
  if (feedItem) {
    raw.feedItem = feedItem;
    if (raw.url === undefined && feedItem.link !== undefined) raw.url = feedItem.link;
  } else if (HTML_TAG.test(text)) {
    raw.html = text;
  } else {
    raw.text = text;
  }
  return raw;
}

function tooLarge(bytes: number): ArticleError {
  const mb = (bytes / 1048576).toFixed(1);
  return new ArticleError('too-large', `The input is ${mb} MB; the limit is 5 MB.`);
}

function checkDate(value: string | undefined): string {
  if (value === undefined) return new Date().toISOString();
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new ArticleError('bad-input', 'receivedAt must be an ISO date string.');
  }
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ArticleError('bad-input', `${name} must be a string.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * A JSON object with a title and a link, description or content is a feed item. Accepts the
 * field names of our FeedItem and the common spellings of JSON Feed and rss-parser output.
 */
function feedItemFromJson(text: string): FeedItem | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  const pick = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return value;
    }
    return undefined;
  };
  const item: FeedItem = {};
  const fields: [Exclude<keyof FeedItem, 'categories'>, string | undefined][] = [
    ['title', pick('title')],
    ['link', pick('link', 'url')],
    ['guid', pick('guid', 'id')],
    ['description', pick('description', 'summary', 'contentSnippet')],
    ['content', pick('content', 'content_html', 'contentHtml', 'content_text', 'contentEncoded')],
    ['date', pick('date', 'isoDate', 'pubDate', 'published', 'date_published', 'updated')],
    ['imageUrl', pick('imageUrl', 'image', 'banner_image')],
    ['feedTitle', pick('feedTitle', 'siteName')],
  ];
  for (const [key, value] of fields) if (value !== undefined) item[key] = value;
  const categories = record.categories ?? record.tags;
  if (Array.isArray(categories)) {
    const names = categories.filter((c): c is string => typeof c === 'string' && c.trim() !== '');
    if (names.length > 0) item.categories = names.slice(0, 20);
  }
  if (item.title === undefined) return undefined;
  if (item.link === undefined && item.description === undefined && item.content === undefined) {
    return undefined;
  }
  return item;
}
