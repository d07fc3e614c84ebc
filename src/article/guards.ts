import { ArticleError } from './errors.ts';
import type { RawArticle } from './types.ts';

// Cheap checks that refuse obviously hostile markup before it is parsed. linkedom and
// Readability are fast on real pages but super-linear on absurd ones: 20,000 nested <div>
// take ~1 s, 200,000 take ~2 minutes; 100,000 flat elements ~7 s and ~470 MB. One linear scan
// (indexOf, no backtracking regex) measures the tag structure first.

/**
 * Limits no real news page reaches. Real article pages nest 15–40 elements deep (heavy CMS
 * templates stay under 100) and hold 1,000–15,000 elements; 60,000 is also where extract.ts
 * stops asking Readability. The depth is an estimate (sloppy markup inflates it a little),
 * hence ten times the deepest real page. Line length is no limit: minified pages are one line,
 * and what long text costs is bounded by the 5 MB input cap and the pool's time budget.
 */
export const HTML_LIMITS = {
  maxDepth: 1_000,
  maxElements: 60_000,
} as const;

export type HtmlLimits = { maxDepth: number; maxElements: number };

/** The shape of some markup, as the scan sees it. */
export interface HtmlShape {
  /** Deepest element nesting (estimated: implied and stray end tags are approximated). */
  depth: number;
  /** Start tags. */
  elements: number;
}

/** What a build costs too much of: structure (guard), time or memory (the pool's budget). */
export type BudgetCode = 'too-complex' | 'too-slow' | 'too-big';

/** An input refused for what it would cost to build. Permanent: the same input costs the same. */
export class ArticleBudgetError extends ArticleError {
  declare readonly code: BudgetCode;

  constructor(code: BudgetCode, message: string) {
    super(code, message);
    this.name = 'ArticleBudgetError';
  }
}

// Elements that never have content: a start tag does not nest.
const VOID = new Set(
  'area base br col embed hr img input keygen link meta param source track wbr'.split(' '),
);
// A start tag of these closes an open one of the same name (<p>…<p>, <li>…<li>), as parsers do.
const SELF_CLOSING_SIBLINGS = new Set('p li dt dd tr td th option optgroup'.split(' '));
// Raw text: their content is no markup, whatever it looks like.
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noembed']);
const RAW_TEXT_END: Record<string, RegExp> = Object.fromEntries(
  [...RAW_TEXT].map((name) => [name, new RegExp(`</${name}`, 'gi')]),
);
// How far down the open elements an end tag is matched; a stray one further down is ignored.
const MATCH_WINDOW = 64;

/** Measures depth and element count in one pass; stops early once a limit is passed. */
export function scanHtml(html: string, limits: HtmlLimits = HTML_LIMITS): HtmlShape {
  const stack: string[] = [];
  let depth = 0;
  let elements = 0;
  let i = html.indexOf('<');
  while (i !== -1 && depth <= limits.maxDepth && elements <= limits.maxElements) {
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      if (end === -1) break;
      i = html.indexOf('<', end + 3);
      continue;
    }
    const closing = html.charCodeAt(i + 1) === 47; // '/'
    const nameStart = closing ? i + 2 : i + 1;
    let nameEnd = nameStart;
    while (nameEnd < html.length && isNameChar(html.charCodeAt(nameEnd), nameEnd === nameStart)) {
      nameEnd++;
    }
    if (nameEnd === nameStart) {
      // '<' in text, '<!doctype', '<?xml': not an element.
      i = html.indexOf('<', i + 1);
      continue;
    }
    const end = html.indexOf('>', nameEnd);
    if (end === -1) break;
    const name = html.slice(nameStart, nameEnd).toLowerCase();
    if (closing) {
      const stop = Math.max(0, stack.length - MATCH_WINDOW);
      for (let at = stack.length - 1; at >= stop; at--) {
        if (stack[at] === name) {
          stack.length = at;
          break;
        }
      }
    } else {
      elements++;
      const selfClosed = html.charCodeAt(end - 1) === 47;
      if (SELF_CLOSING_SIBLINGS.has(name) && stack[stack.length - 1] === name) stack.pop();
      if (!VOID.has(name) && !selfClosed) {
        stack.push(name);
        if (stack.length > depth) depth = stack.length;
      }
      if (RAW_TEXT.has(name)) {
        const closeTag = RAW_TEXT_END[name] ?? /<\//g;
        closeTag.lastIndex = end + 1;
        const close = closeTag.exec(html);
        if (close === null) break;
        stack.pop();
        i = html.indexOf('<', close.index + 2);
        continue;
      }
    }
    i = html.indexOf('<', end + 1);
  }
  return { depth, elements };
}

function isNameChar(code: number, first: boolean): boolean {
  const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  if (first) return letter;
  return letter || (code >= 48 && code <= 57) || code === 45 || code === 58; // digits - :
}

/** Undefined when the markup is within the limits, else why it is refused (one line). */
export function checkHtml(html: string, limits: HtmlLimits = HTML_LIMITS): string | undefined {
  const shape = scanHtml(html, limits);
  if (shape.depth > limits.maxDepth) {
    return `The page nests elements more than ${limits.maxDepth} deep; no news page does.`;
  }
  if (shape.elements > limits.maxElements) {
    return `The page has more than ${limits.maxElements} elements; no news page does.`;
  }
  return undefined;
}

/**
 * Throws ArticleBudgetError 'too-complex' when the raw article's markup (a page, or a feed
 * item's HTML) is beyond the limits. Plain text has no markup to parse and passes.
 */
export function guardRawArticle(raw: RawArticle, limits: HtmlLimits = HTML_LIMITS): void {
  const item = raw.feedItem;
  const markup = [
    raw.html,
    typeof item === 'object' && item !== null ? item.content : undefined,
    typeof item === 'object' && item !== null ? item.description : undefined,
    typeof item === 'object' && item !== null ? item.title : undefined,
  ];
  for (const html of markup) {
    if (typeof html !== 'string' || !html.includes('<')) continue;
    const reason = checkHtml(html, limits);
    if (reason !== undefined) throw new ArticleBudgetError('too-complex', reason);
  }
}
