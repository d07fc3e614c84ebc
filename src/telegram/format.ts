import { domainToUnicode } from 'node:url';
import { sectionHashtag } from '../article/hashtags.ts';
import type { Article } from '../article/types.ts';
import { safeLine, stripUnsafeChars } from '../text/sanitize.ts';
import { isolate, RLM } from './bidi.ts';
import { bold, type HtmlNode, link, render, type SafeHref, safeHref, text } from './html.ts';

/** Telegram counts these in UTF-16 units after entity parsing (tags don't count). */
export const LIMITS = { text: 4096, caption: 1024 } as const;

export interface FormattedPost {
  /** For parse_mode HTML. */
  html: string;
  /** The same message without markup, for when Telegram refuses the HTML. */
  plain: string;
  /** Visible length of html in UTF-16 units, the way Telegram counts it. */
  length: number;
  /** Whether a summary sentence was dropped or a field was cut to fit the limit. */
  truncated: boolean;
}

const ELLIPSIS = '…';
const CREDIT = 'المصدر: ';
const VIA = ' نقلاً عن ';
const MAX_TAGS = 3;
const MAX_TAG_LENGTH = 30;
/** Publisher and source names come from outside; a long one must not crowd out the story. */
const MAX_NAME_LENGTH = 80;

/** Characters that separate words in a hashtag; they all become '_' (ZWNJ would end the tag). */
const TAG_SEPARATORS = /[\s\p{Z}\u200C\p{Pd}\p{Pc}/\\|,،;؛]+/gu;
/**
 * What Telegram (tdlib match_hashtags) accepts inside a hashtag besides '_': letters and
 * decimal digits. Marks (harakat) and other numbers would end the tag early, so they go.
 */
const NOT_TAG_CHAR = /[^\p{L}\p{Nd}_]/gu;
const LETTER = /\p{L}/u;

interface Credit {
  /** Publisher, or the URL's host when there is no publisher; absent when only a source is known. */
  name: string | undefined;
  href: SafeHref | undefined;
  /** The URL as the plain version writes it; absent when too long for the limit. */
  plainUrl: string | undefined;
  /** The original source, when it differs from the publisher. */
  source: string | undefined;
}

interface Parts {
  title: string;
  /** undefined: no summary block. */
  summary: string | undefined;
  credit: Credit | undefined;
  tags: string[];
}

function asString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Display-safe single-line text (stripUnsafeChars also turns lone surrogates into U+FFFD). */
function clean(value: unknown): string {
  return safeLine(asString(value));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Cuts s to at most max UTF-16 units, ending in '…': at the last space that fits, or a hard
 * cut (never between the halves of a surrogate pair) when that space would throw away more
 * than half of the room.
 */
function cutToFit(s: string, max: number): string {
  if (s.length <= max) return s;
  if (max <= ELLIPSIS.length) return '';
  const room = max - ELLIPSIS.length;
  const space = s.lastIndexOf(' ', room);
  let end = space > 0 && space >= room / 2 ? space : room;
  if (end === room && isHighSurrogate(s.charCodeAt(end - 1))) end -= 1;
  return s.slice(0, end).trimEnd() + ELLIPSIS;
}

/**
 * A hashtag without '#': letters and digits of any script joined by '_'. undefined when
 * nothing is left or no letter is (Telegram does not link an all-digit tag such as #٢٠٢٤).
 */
export function toHashtag(words: string): string | undefined {
  let tag = stripUnsafeChars(asString(words))
    .replace(TAG_SEPARATORS, '_')
    .replace(NOT_TAG_CHAR, '')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  if (tag.length > MAX_TAG_LENGTH) {
    let cut = tag.slice(0, MAX_TAG_LENGTH);
    if (isHighSurrogate(cut.charCodeAt(cut.length - 1))) cut = cut.slice(0, -1);
    // Prefer ending at a word boundary, unless that leaves only digits.
    const boundary = cut.lastIndexOf('_');
    if (tag[cut.length] !== '_' && boundary > 0 && LETTER.test(cut.slice(0, boundary))) {
      cut = cut.slice(0, boundary);
    }
    tag = cut.replace(/_+$/, '');
  }
  return LETTER.test(tag) ? tag : undefined;
}

/** The section's tag first (when the article has one), then up to MAX_TAGS story tags. */
function readTags(section: unknown, hashtags: unknown): string[] {
  const first = sectionHashtag(section);
  const tags: string[] = first === undefined ? [] : [first];
  const seen = new Set<string>(tags);
  const max = MAX_TAGS + tags.length;
  for (const words of asStrings(hashtags)) {
    const tag = toHashtag(words);
    if (tag === undefined || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
    if (tags.length === max) break;
  }
  return tags;
}

function hostOf(href: SafeHref): string {
  const host = domainToUnicode(new URL(href).hostname) || new URL(href).hostname;
  return host.replace(/^www\./, '');
}

function readCredit(article: Article, limit: number): Credit | undefined {
  const href = safeHref(asString(article.url));
  const publisher = clean(article.publisher);
  const source = clean(article.source);
  const name = publisher !== '' ? publisher : href !== undefined ? clean(hostOf(href)) : '';
  const showSource = source !== '' && source.toLowerCase() !== publisher.toLowerCase();
  if (name === '' && !showSource) return undefined;
  return {
    name: name === '' ? undefined : cutToFit(name, MAX_NAME_LENGTH),
    href,
    // The plain fallback is rare; a URL that would eat a third of the message is left out.
    plainUrl: href !== undefined && href.length <= limit / 3 ? href : undefined,
    source: showSource ? cutToFit(source, MAX_NAME_LENGTH) : undefined,
  };
}

function creditLine(credit: Credit, plain: boolean): HtmlNode[] {
  const line: HtmlNode[] = [text(RLM + CREDIT)];
  if (credit.name === undefined) {
    if (credit.source !== undefined) line.push(text(isolate(credit.source)));
    return line;
  }
  const label = text(isolate(credit.name));
  if (credit.href === undefined) line.push(label);
  else if (!plain) line.push(link(credit.href, label));
  else line.push(label, text(credit.plainUrl === undefined ? '' : ` (${credit.plainUrl})`));
  if (credit.source !== undefined) line.push(text(VIA + isolate(credit.source)));
  return line;
}

/*
 * Why every line starts with RLM and names are isolated: Telegram clients give each
 * newline-separated paragraph the direction of its first strong character (lib_ui
 * StringDirection). A title that starts with "Apple" or "2024", or a credit line whose first
 * strong letter is in a Latin link, would otherwise be laid out left-to-right and scramble the
 * Arabic around it. The leading RLM makes every paragraph RTL. Inside it, untrusted fields sit
 * in FSI…PDI isolates so a Latin or number-led name keeps its own order without reordering its
 * neighbours, and a field's own bidi controls (stripped anyway) could not leak out.
 * Summary text is running Arabic and is not isolated: the RLM alone gives it its direction.
 */
function buildNodes(parts: Parts, plain: boolean): HtmlNode[] {
  const lines: HtmlNode[][] = [[text(RLM), bold(text(isolate(parts.title)))]];
  if (parts.summary !== undefined) lines.push([text(RLM + parts.summary)]);
  if (parts.credit !== undefined) lines.push(creditLine(parts.credit, plain));
  // Telegram needs a non-letter right before '#'; the RLM or a plain space is one.
  if (parts.tags.length > 0) lines.push([text(RLM + parts.tags.map((t) => `#${t}`).join(' '))]);
  const nodes: HtmlNode[] = [];
  for (const [i, line] of lines.entries()) {
    if (i > 0) nodes.push(text('\n\n'));
    nodes.push(...line);
  }
  return nodes;
}

function build(parts: Parts) {
  const { html, visible } = render(buildNodes(parts, false));
  const plain = render(buildNodes(parts, true)).visible;
  return { html, plain, length: visible.length, size: Math.max(visible.length, plain.length) };
}

/** Article → the exact HTML message (and its plain twin) for the channel, within the limit. */
export function formatPost(article: Article, opts: { caption?: boolean } = {}): FormattedPost {
  const limit = opts.caption === true ? LIMITS.caption : LIMITS.text;
  const credit = readCredit(article, limit);
  const tags = readTags(article.section, article.hashtags);
  let title = clean(article.title);
  const sentences = asStrings(article.summary)
    .map(clean)
    .filter((s) => s !== '');

  // Title and summary add their length to everything else, so measure everything else once.
  const first = sentences[0];
  const fixed = build({ title: '', summary: first === undefined ? undefined : '', credit, tags });
  const avail = Math.max(0, limit - fixed.size);
  let truncated = false;

  // The title may take what the first sentence leaves, and at least half of the room.
  const titleMax =
    first === undefined ? avail : Math.max(Math.ceil(avail / 2), avail - first.length);
  if (title.length > titleMax) {
    title = cutToFit(title, titleMax);
    truncated = true;
  }
  const room = avail - title.length;
  // Drop sentences from the end, keeping at least one (running length: the list may be long).
  let kept = sentences.length;
  let joined = sentences.reduce((n, sentence) => n + sentence.length + 1, -1);
  while (kept > 1 && joined > room) {
    kept -= 1;
    joined -= (sentences[kept]?.length ?? 0) + 1;
    truncated = true;
  }
  let summary = sentences.slice(0, kept).join(' ');
  if (summary.length > room) {
    summary = cutToFit(summary, room);
    truncated = true;
  }

  const post = build({ title, summary: summary === '' ? undefined : summary, credit, tags });
  return { html: post.html, plain: post.plain, length: post.length, truncated };
}
