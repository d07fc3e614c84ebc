import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { normalizeForMatch } from '../text/normalize.ts';
import { stripUnsafeChars } from '../text/sanitize.ts';
import { splitParagraphs, splitSentences } from '../text/sentences.ts';
import { publisherFromFeedTitle, publisherFromHost } from './credit.ts';
import { ArticleError } from './errors.ts';
import type { FeedItem, RawArticle } from './types.ts';

export interface Extracted {
  title: string;
  paragraphs: string[];
  url?: string;
  publisher?: string;
  imageUrl?: string;
  publishedAt?: string;
  /** The publisher's own tags: feed <category>, JSON-LD articleSection and keywords. */
  tags?: string[];
}

// linkedom ships no DOM typings we can use under our lib settings: these are the few members we touch.
interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  parentNode: DomNode | null;
}
interface DomElement extends DomNode {
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}
interface DomDocument extends DomElement {
  body: DomElement | null;
  title: string | null;
}

const ELEMENT = 1;
const TEXT = 3;
const MAX_ELEMENTS = 60_000;
const MAX_DEPTH = 256;

// Block elements end a paragraph; the others flow inside one.
const BLOCK = new Set(
  'ADDRESS ARTICLE BLOCKQUOTE BODY CAPTION CENTER DD DIV DL DT FIELDSET FIGURE H1 H2 H3 H4 H5 H6 HEADER HR LI MAIN OL P PRE SECTION TABLE TBODY TD TFOOT TH THEAD TR UL'.split(
    ' ',
  ),
);
// Never story text: page chrome, widgets, media and their captions.
const SKIP = new Set(
  'ASIDE AUDIO BUTTON CANVAS EMBED FIGCAPTION FOOTER FORM HEAD IFRAME INPUT LINK META NAV NOSCRIPT OBJECT SCRIPT SELECT STYLE SVG TEMPLATE TEXTAREA TITLE VIDEO'.split(
    ' ',
  ),
);
const PARAGRAPH_BREAK = '\u0000';
const LINE_BREAK = '\u0001';

/** RawArticle → title, paragraphs and page metadata. Text is display text, only made safe. */
export function extractArticle(raw: RawArticle): Extracted {
  if (typeof raw !== 'object' || raw === null) {
    throw new ArticleError('bad-input', 'The article must be an object.');
  }
  if (typeof raw.html === 'string') return extractHtml(raw.html, safeUrl(raw.url));
  if (typeof raw.feedItem === 'object' && raw.feedItem !== null) {
    return extractFeedItem(raw.feedItem, safeUrl(raw.url));
  }
  if (typeof raw.text === 'string') return extractText(raw.text, safeUrl(raw.url));
  throw new ArticleError('empty', 'The article carries no text, html or feed item.');
}

function extractText(text: string, url: string | undefined): Extracted {
  const clean = stripUnsafeChars(text);
  const lines = clean.split(/\r\n|[\r\n]/);
  const first = lines.findIndex((line) => line.trim() !== '');
  const candidate = first === -1 ? '' : collapse(lines[first]!);
  const rest = first === -1 ? '' : lines.slice(first + 1).join('\n');
  // Pasted text often starts with its lead paragraph: then there is no headline line, and the
  // title comes from the lead later (pipeline), while the lead stays in the story.
  if (isHeadlineLine(candidate, rest)) {
    return withOptional({ title: candidate, paragraphs: textParagraphs(rest) }, { url });
  }
  return withOptional({ title: '', paragraphs: textParagraphs(clean) }, { url });
}

const MAX_HEADLINE_WORDS = 25;

/**
 * A line reads as a headline when it is short, one sentence, has no final full stop and more
 * text follows it. Headlines may end in ? ! or a closing quote, never in . … : ، or ؛.
 */
export function isHeadlineLine(line: string, rest: string): boolean {
  const text = line.trim();
  if (text === '' || rest.trim() === '') return false;
  const words = text.split(/\s+/).length;
  if (words > MAX_HEADLINE_WORDS) return false;
  if (/(?:[.…:،,؛;]|\.\.)[\p{Pe}\p{Pf}"'»”]*$/u.test(text)) return false;
  if (splitSentences(text).length !== 1) return false;
  return !startsHardWrappedText(text, rest);
}

/**
 * Newspaper text often arrives hard-wrapped: every line about as long, most ending mid-sentence.
 * A first line as long as the others is then the start of the first sentence, not a headline.
 */
function startsHardWrappedText(first: string, rest: string): boolean {
  const lines = rest
    .split(/\r\n|[\r\n]/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 12);
  const open = lines.filter(
    (l) => l.split(/\s+/).length >= 6 && !/[.!?؟…:][\p{Pe}\p{Pf}"'»”]*$/u.test(l),
  );
  if (open.length < 2 || open.length < lines.length / 2) return false;
  const lengths = open.map((l) => l.length).sort((a, b) => a - b);
  const median = lengths[Math.floor(lengths.length / 2)] ?? 0;
  return first.length >= 0.6 * median;
}

function extractFeedItem(item: FeedItem, url: string | undefined): Extracted {
  const text = (value: unknown): string =>
    typeof value === 'string' ? (/[<&]/.test(value) ? htmlToText(value) : value) : '';
  const description = typeof item.description === 'string' ? item.description : '';
  const content = typeof item.content === 'string' ? item.content : '';
  // Feeds often put a teaser in description and the full story in content: take the fuller one.
  const body = text(content).length >= text(description).length ? content : description;
  const paragraphs = cutTeaser(
    /<[a-z!/]/i.test(body)
      ? htmlParagraphs(parseDocument(body))
      : textParagraphs(body.includes('&') ? htmlToText(body) : body),
  );
  const link = safeUrl(item.link);
  const base = url ?? link;
  const feedTitle = collapse(stripUnsafeChars(text(item.feedTitle)));
  return withOptional(
    { title: collapse(stripUnsafeChars(text(item.title))), paragraphs },
    {
      url: url ?? link,
      publisher: publisherFromFeedTitle(feedTitle, link),
      imageUrl: absoluteUrl(item.imageUrl, base) ?? firstImage(body, base),
      publishedAt: isoDate(item.date),
      tags: Array.isArray(item.categories)
        ? item.categories.filter((c): c is string => typeof c === 'string')
        : [],
    },
  );
}

// "اقرأ المزيد", "Read more", "[…]", "Continue reading" at the end of a teaser: a link, not text.
const READ_MORE =
  /(?:^|\s+)(?:\[\s*(?:…|\.\.\.)\s*\]|(?:»|>>)?\s*(?:اقرأ|إقرأ|اقرا) (?:المزيد|التفاصيل|الخبر كاملا|المقال كاملا)|read more|continue reading|المزيد|التفاصيل)\s*(?:»|>>|\.{3}|…)?\s*$/iu;
const CUT_END = /(?:…|\.{2,})\s*$/u;
const SENTENCE_STOP = /[.!?؟۔](?:[\p{Pe}\p{Pf}"'»”]*)(?=\s)/gu;

/**
 * A teaser ends where the feed cut it: its "read more" link goes, and a last sentence cut off
 * with "…" is dropped (a post never shows half a sentence). Complete sentences stay.
 */
function cutTeaser(paragraphs: string[]): string[] {
  const out = [...paragraphs];
  while (out.length > 0) {
    const last = out[out.length - 1]!;
    const trimmed = last.replace(READ_MORE, '').trim();
    if (!CUT_END.test(trimmed)) {
      if (trimmed === '') out.pop();
      else {
        out[out.length - 1] = trimmed;
        break;
      }
      continue;
    }
    // Keep what ends before the cut sentence: up to the last sentence stop followed by a space.
    let end = -1;
    for (const match of trimmed.matchAll(SENTENCE_STOP)) end = match.index + match[0].length;
    const kept = end === -1 ? '' : trimmed.slice(0, end).trim();
    if (kept === '') out.pop();
    else {
      out[out.length - 1] = kept;
      break;
    }
  }
  return out;
}

function extractHtml(html: string, url: string | undefined): Extracted {
  const doc = parseDocument(html);
  const meta = (...names: string[]): string | undefined => {
    for (const name of names) {
      const el = doc.querySelector(`meta[property="${name}" i], meta[name="${name}" i]`);
      const content = el?.getAttribute('content')?.trim();
      if (content) return content;
    }
    return undefined;
  };
  const canonical =
    absoluteUrl(doc.querySelector('link[rel~="canonical" i]')?.getAttribute('href'), url) ??
    absoluteUrl(meta('og:url'), url);
  const pageUrl = canonical && sameSite(canonical, url) ? canonical : url;
  const base = pageUrl ?? url;
  const timeEl = doc.querySelector('time[datetime]');
  const ld = jsonLd(doc);
  const metadata = {
    ogTitle: meta('og:title', 'twitter:title'),
    docTitle: doc.querySelector('title')?.textContent ?? undefined,
    h1: doc.querySelector('h1')?.textContent ?? undefined,
    siteName: meta('og:site_name', 'application-name', 'twitter:app:name:iphone'),
    imageUrl: absoluteUrl(
      meta('og:image', 'og:image:secure_url', 'twitter:image', 'twitter:image:src') ?? ld.image,
      base,
    ),
    publishedAt:
      isoDate(meta('article:published_time', 'datePublished', 'pubdate')) ??
      isoDate(ld.datePublished) ??
      isoDate(timeEl?.getAttribute('datetime')),
  };
  const tags = [
    ...ld.sections,
    ...Array.from(
      doc.querySelectorAll('meta[property="article:section" i], meta[property="article:tag" i]'),
    )
      .map((el) => el.getAttribute('content') ?? '')
      .filter((t) => t.trim() !== ''),
  ];
  const footerName = copyrightName(doc);

  // Readability edits the document it is given, so the metadata above is read first.
  let article: ReturnType<Readability<DomElement>['parse']> = null;
  try {
    // Readability recurses: on absurd nesting it spends seconds, then overflows the stack.
    if (deeperThan(doc, MAX_DEPTH)) throw new Error('too deep');
    article = new Readability<DomElement>(doc, {
      maxElemsToParse: MAX_ELEMENTS,
      serializer: (node) => node,
    }).parse();
  } catch {
    // Too many elements or a document Readability cannot walk: use the body text below.
    article = null;
  }
  const headline = firstText(ld.headline, metadata.ogTitle, metadata.h1);
  const docTitle = firstText(metadata.docTitle);
  const named = firstText(metadata.siteName, ld.publisher, footerName);
  // <title> is "headline - Site" or "Site | headline": the part that is not the headline (or
  // that names the site we know) is the site's name.
  const split = splitTitle(docTitle, headline, named);
  const siteName = named ?? split.site ?? firstText(article?.siteName) ?? publisherFromHost(base);
  const rawTitle = firstText(headline, split.headline, article?.title, docTitle);
  const title = stripSiteSuffix(rawTitle ?? '', siteName);

  let paragraphs = article?.content ? htmlParagraphs(article.content) : [];
  if (paragraphs.length === 0) {
    // Readability found nothing: every block of the body, chrome (nav, aside, footer...) skipped.
    const fresh = parseDocument(html);
    paragraphs = fresh.body ? htmlParagraphs(fresh.body) : [];
  }
  // Readability keeps the headline as the first block; it is the title, not story text.
  const titleKeys = new Set([matchKey(title), matchKey(rawTitle ?? '')]);
  paragraphs = paragraphs.filter((p) => !titleKeys.has(matchKey(p)));

  return withOptional(
    { title, paragraphs },
    {
      url: pageUrl,
      publisher: siteName,
      imageUrl: metadata.imageUrl,
      publishedAt: metadata.publishedAt ?? isoDate(article?.publishedTime ?? undefined),
      tags,
    },
  );
}

interface LdFacts {
  headline?: string;
  datePublished?: string;
  publisher?: string;
  image?: string;
  sections: string[];
}

const ARTICLE_TYPES =
  /^(?:News|Reportage|Analysis|Opinion|Report|Review|Background)?(?:News)?Article$|^BlogPosting$|^LiveBlogPosting$/;

/**
 * The article facts of the page's JSON-LD: NewsArticle, Article, ReportageNewsArticle…, at the
 * top level, in an array or inside @graph; a publisher given by @id is looked up in the graph.
 */
function jsonLd(doc: DomDocument): LdFacts {
  const nodes: Record<string, unknown>[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 4 || nodes.length > 200) return;
    if (Array.isArray(value)) for (const v of value) visit(v, depth + 1);
    else if (isRecord(value)) {
      nodes.push(value);
      if (value['@graph'] !== undefined) visit(value['@graph'], depth + 1);
    }
  };
  for (const el of Array.from(doc.querySelectorAll('script[type="application/ld+json" i]'))) {
    const text = el.textContent ?? '';
    if (text.length > 500_000) continue;
    try {
      visit(JSON.parse(text), 0);
    } catch {
      // A broken block (trailing commas, HTML entities) is common; the page's other tags remain.
    }
  }
  const byId = new Map<string, Record<string, unknown>>();
  for (const node of nodes) if (typeof node['@id'] === 'string') byId.set(node['@id'], node);
  const types = (node: Record<string, unknown>): string[] =>
    ([] as unknown[]).concat(node['@type'] ?? []).filter((t): t is string => typeof t === 'string');
  const articleNode = nodes.find((node) => types(node).some((t) => ARTICLE_TYPES.test(t)));
  const facts: LdFacts = { sections: [] };
  const site = nodes.find((node) => types(node).includes('WebSite'));
  if (!articleNode) {
    if (site) facts.publisher = textOf(site.name);
    return facts;
  }
  facts.headline = textOf(articleNode.headline) ?? textOf(articleNode.name);
  facts.datePublished = textOf(articleNode.datePublished);
  let publisher = articleNode.publisher;
  if (Array.isArray(publisher)) publisher = publisher[0];
  if (isRecord(publisher) && publisher.name === undefined && typeof publisher['@id'] === 'string') {
    publisher = byId.get(publisher['@id']);
  }
  facts.publisher =
    (isRecord(publisher) ? textOf(publisher.name) : textOf(publisher)) ?? textOf(site?.name);
  let image = articleNode.image;
  if (Array.isArray(image)) image = image[0];
  facts.image = isRecord(image) ? textOf(image.url) : textOf(image);
  for (const key of ['articleSection', 'keywords']) {
    const value = articleNode[key];
    const list = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value.split(/[,،]/)
        : [];
    for (const v of list) {
      const t = textOf(v);
      if (t !== undefined && t.length <= 60) facts.sections.push(t);
    }
  }
  return facts;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

const COPYRIGHT =
  /(?:©|\(c\)|copyright|حقوق\s+(?:الطبع|النشر|الطبع والنشر)?\s*محفوظة|جميع\s+الحقوق\s+محفوظة)/iu;

/**
 * The name in a copyright notice (footer or <meta name="copyright">): "© 2017 صحيفة الخليج اليوم.
 * جميع الحقوق محفوظة", "جميع الحقوق محفوظة لـ دار الصباح", "حقوق النشر محفوظة لجريدة النهار".
 */
function copyrightName(doc: DomDocument): string | undefined {
  const texts: string[] = [];
  const metaCopyright = doc.querySelector('meta[name="copyright" i]')?.getAttribute('content');
  if (metaCopyright) texts.push(metaCopyright);
  for (const el of Array.from(
    doc.querySelectorAll('footer, [class*="footer" i], [id*="footer" i], [class*="copyright" i]'),
  ).slice(0, 20)) {
    const t = el.textContent ?? '';
    if (t.length < 2000) texts.push(...t.split(/\n/));
  }
  for (const raw of texts) {
    const text = raw.replace(/\s+/g, ' ').trim();
    if (!COPYRIGHT.test(text) || text.length > 300) continue;
    const after =
      /(?:محفوظة|reserved)\s*(?:لـ|ل|to\s)\s*["«“]?([^"»”.،,|©ـ][^"»”.،,|©]{1,39})/iu.exec(text);
    const sign =
      /(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*([^.،,|©\d]{2,40}?)\s*(?:[.،,|]|جميع|all rights|$)/iu.exec(
        text,
      );
    const name = (after?.[1] ?? sign?.[1])?.replace(/^(?:لـ|ل)\s*/u, '').trim();
    if (name && name.split(/\s+/).length <= 5) return name;
  }
  return undefined;
}

const SPLITTER = /\s+(?:\||-|–|—|::|«|»|·)\s+/u;

/** "headline - Site" or "Site | headline" → both parts, when one of them is the headline or the site. */
function splitTitle(
  docTitle: string | undefined,
  headline: string | undefined,
  site: string | undefined,
): { headline?: string; site?: string } {
  if (docTitle === undefined) return {};
  const parts = docTitle
    .split(SPLITTER)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length < 2) return {};
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const key = (t: string | undefined) => (t === undefined ? '' : matchKey(t));
  if (site !== undefined) {
    if (key(last) === key(site)) return { headline: parts.slice(0, -1).join(' - '), site: last };
    if (key(first) === key(site)) return { headline: parts.slice(1).join(' - '), site: first };
  }
  if (headline !== undefined) {
    const h = key(headline);
    if (key(parts.slice(0, -1).join(' - ')) === h || key(first) === h)
      return { headline: first, site: last };
    if (key(parts.slice(1).join(' - ')) === h || key(last) === h)
      return { headline: last, site: first };
  }
  // No other clue: the shorter end is the site's name, when it is clearly a name (≤ 5 words).
  const words = (t: string) => t.split(/\s+/).length;
  if (words(last) <= 5 && words(last) < words(first))
    return { headline: parts.slice(0, -1).join(' - '), site: last };
  if (words(first) <= 5 && words(first) < words(last))
    return { headline: parts.slice(1).join(' - '), site: first };
  return {};
}

/**
 * linkedom drops content outside a complete <html><body> skeleton, so anything less (a fragment,
 * a page without <body>) is wrapped in one; a stray <title> or <meta> still answers querySelector.
 */
function parseDocument(html: string): DomDocument {
  const whole = /<html\b/i.test(html.slice(0, 4096)) && /<body\b/i.test(html);
  const source = whole
    ? html
    : `<!doctype html><html><head></head><body>${html.replace(/<!doctype[^>]*>|<\/?html\b[^>]*>/gi, '')}</body></html>`;
  const { document } = parseHTML(source);
  return document;
}

function htmlToText(html: string): string {
  const doc = parseDocument(html);
  return htmlParagraphs(doc.body ?? doc).join('\n');
}

/**
 * Block elements become paragraphs and <br> a line break, so sentences of adjacent blocks are
 * never glued together (as textContent would do). Iterative: hostile nesting can't blow the stack.
 */
function htmlParagraphs(root: DomNode): string[] {
  const parts: string[] = [];
  const stack: (DomNode | string)[] = [root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      parts.push(item);
      continue;
    }
    if (item.nodeType === TEXT) {
      parts.push((item.textContent ?? '').replace(/[\s\u0000\u0001]+/g, ' '));
      continue;
    }
    if (item.nodeType !== ELEMENT && item !== root) continue;
    const tag = item.nodeName.toUpperCase();
    if (SKIP.has(tag) || (tag === 'TIME' && isStandalone(item))) continue;
    if (tag === 'BR') {
      parts.push(LINE_BREAK);
      continue;
    }
    const block = BLOCK.has(tag);
    if (block) stack.push(PARAGRAPH_BREAK);
    const children = Array.from(item.childNodes);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    if (block) stack.push(PARAGRAPH_BREAK);
  }
  return parts
    .join('')
    .split(PARAGRAPH_BREAK)
    .map((chunk) =>
      stripUnsafeChars(chunk.replaceAll(LINE_BREAK, '\n'))
        .split('\n')
        .map(collapse)
        .filter((line) => line !== '')
        .join('\n'),
    )
    .filter((paragraph) => paragraph !== '');
}

/** A <time> on its own line is the page's date stamp; inside a sentence it is part of the story. */
function isStandalone(el: DomNode): boolean {
  const parent = el.parentNode?.nodeName.toUpperCase() ?? '';
  return parent === '' || (BLOCK.has(parent) && parent !== 'P' && parent !== 'LI');
}

function textParagraphs(text: string): string[] {
  return splitParagraphs(stripUnsafeChars(text))
    .map((p) => p.split('\n').map(collapse).filter(Boolean).join('\n'))
    .filter((p) => p !== '');
}

function firstImage(html: string, base: string | undefined): string | undefined {
  if (!/<img\b/i.test(html)) return undefined;
  const img = parseDocument(html).querySelector('img[src]');
  return absoluteUrl(img?.getAttribute('src'), base);
}

/** "Headline | Site" or "Headline - Site" → "Headline", when the suffix is the site's own name. */
function stripSiteSuffix(title: string, siteName: string | undefined): string {
  if (!siteName) return title;
  const siteKey = matchKey(siteName);
  const match = /^(.+?)\s+(?:\||-|–|—|::|»|«|·)\s+([^|]+)$/u.exec(title);
  if (match && matchKey(match[2]!) === siteKey) return match[1]!.trim();
  const front = /^([^|]+?)\s+(?:\||-|–|—|::|»|«|·)\s+(.+)$/u.exec(title);
  if (front && matchKey(front[1]!) === siteKey) return front[2]!.trim();
  return title;
}

function matchKey(text: string): string {
  return normalizeForMatch(text).toLowerCase().replace(/\s+/g, ' ').trim();
}

function collapse(text: string): string {
  return text.replace(/[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g, ' ').trim();
}

/** The first candidate that still has text once made safe and collapsed to one line. */
function firstText(...candidates: (string | null | undefined)[]): string | undefined {
  for (const text of candidates) {
    if (typeof text !== 'string') continue;
    const value = collapse(stripUnsafeChars(text).replace(/\s+/g, ' '));
    if (value !== '') return value;
  }
  return undefined;
}

/** Whether any element sits more than `limit` levels deep (iterative, stops early). */
function deeperThan(root: DomNode, limit: number): boolean {
  const stack: [DomNode, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > limit) return true;
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === ELEMENT) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function safeUrl(url: unknown): string | undefined {
  return typeof url === 'string' ? absoluteUrl(url, undefined) : undefined;
}

/** An http(s) URL, resolved against base when relative; anything else (javascript:, data:) → undefined. */
function absoluteUrl(url: string | null | undefined, base: string | undefined): string | undefined {
  if (typeof url !== 'string' || url.trim() === '' || url.length > 4096) return undefined;
  try {
    const resolved = new URL(url.trim(), base);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:'
      ? resolved.toString()
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A page may only name a canonical URL on its own site (last two host labels), so a hostile
 * page cannot make its article take another site's id and link.
 */
function sameSite(canonical: string, url: string | undefined): boolean {
  if (url === undefined) return true;
  const site = (u: string): string => new URL(u).hostname.split('.').slice(-2).join('.');
  return site(canonical) === site(url);
}

/**
 * Any date string a page or feed gives → ISO, or undefined. Numeric dates like 06/10/2016 are
 * day/month/year, as Arabic sites write them (Date.parse would read month/day).
 */
function isoDate(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 100) return undefined;
  const text = value.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (dmy) {
    const [day, month, year] = [Number(dmy[1]), Number(dmy[2]), Number(dmy[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    const valid = date.getUTCDate() === day && date.getUTCMonth() === month - 1;
    return valid ? date.toISOString() : undefined;
  }
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Copies only the optional fields that have a value, so the result stays plain JSON. */
function withOptional(
  base: { title: string; paragraphs: string[] },
  optional: Omit<Extracted, 'title' | 'paragraphs'>,
): Extracted {
  const out: Extracted = { ...base };
  for (const key of ['url', 'publisher', 'imageUrl', 'publishedAt'] as const) {
    const value = optional[key];
    if (value !== undefined && value !== '') out[key] = value;
  }
  const tags = (optional.tags ?? []).map((t) => collapse(stripUnsafeChars(t))).filter(Boolean);
  if (tags.length > 0) out.tags = [...new Set(tags)].slice(0, 20);
  return out;
}
