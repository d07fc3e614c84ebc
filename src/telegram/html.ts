/**
 * The smallest HTML builder the channel post needs. Text is escaped when rendered and a link
 * only takes a URL that passed safeHref, so no caller can produce markup Telegram rejects
 * ("Bad Request: can't parse entities") or a javascript: link.
 */

/** An absolute http(s) URL in WHATWG serialisation; only safeHref makes one. */
declare const safe: unique symbol;
export type SafeHref = string & { readonly [safe]: true };

export interface TextNode {
  readonly kind: 'text';
  readonly value: string;
}
export interface BoldNode {
  readonly kind: 'bold';
  readonly children: readonly TextNode[];
}
export interface LinkNode {
  readonly kind: 'link';
  readonly href: SafeHref;
  readonly children: readonly TextNode[];
}
/** Bold and link hold text only: nesting is where Telegram's parser gets strict. */
export type HtmlNode = TextNode | BoldNode | LinkNode;

export interface Rendered {
  html: string;
  /** The text Telegram shows; its .length is the UTF-16 length Telegram counts. */
  visible: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Escapes the four characters that are markup in Telegram HTML (text and attribute values). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

export function text(value: string): TextNode {
  return { kind: 'text', value };
}

export function bold(...children: TextNode[]): BoldNode {
  return { kind: 'bold', children };
}

export function link(href: SafeHref, ...children: TextNode[]): LinkNode {
  return { kind: 'link', href, children };
}

/** Accepts only absolute http(s) URLs (WHATWG parse); anything else is undefined. */
export function safeHref(url: string): SafeHref | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.hostname === '') return undefined;
  return parsed.href as SafeHref;
}

export function render(nodes: readonly HtmlNode[]): Rendered {
  let html = '';
  let visible = '';
  const addText = (children: readonly TextNode[]) => {
    for (const child of children) {
      html += escapeHtml(child.value);
      visible += child.value;
    }
  };
  for (const node of nodes) {
    switch (node.kind) {
      case 'text':
        addText([node]);
        break;
      case 'bold':
        html += '<b>';
        addText(node.children);
        html += '</b>';
        break;
      case 'link':
        html += `<a href="${escapeHtml(node.href)}">`;
        addText(node.children);
        html += '</a>';
        break;
    }
  }
  return { html, visible };
}
