import { describe, expect, it } from 'vitest';
import { bold, escapeHtml, link, render, safeHref, text } from '../../src/telegram/html.ts';

describe('escapeHtml', () => {
  it('escapes the four markup characters and nothing else', () => {
    expect(escapeHtml('a & b < c > d "e" \'f\' خبر')).toBe(
      "a &amp; b &lt; c &gt; d &quot;e&quot; 'f' خبر",
    );
  });

  it('escapes an existing entity again, so it shows literally', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });
});

describe('safeHref', () => {
  it('accepts absolute http and https URLs, serialised by WHATWG rules', () => {
    expect(safeHref('https://example.com/a?b=1&c=2')).toBe('https://example.com/a?b=1&c=2');
    expect(safeHref('HTTP://Example.COM')).toBe('http://example.com/');
    expect(safeHref('https://example.com/أخبار')).toBe(
      'https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1',
    );
  });

  it('rejects other schemes, relative URLs and garbage', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<b>x</b>',
      'tg://resolve?domain=x',
      'ftp://example.com/',
      'mailto:a@example.com',
      '/relative/path',
      'example.com',
      '',
      'http://',
      'https://exa mple.com',
    ]) {
      expect(safeHref(bad), bad).toBeUndefined();
    }
  });

  it('percent-encodes quotes and angle brackets, so the href attribute cannot be broken', () => {
    const href = safeHref('https://example.com/"><script>');
    expect(href).toBe('https://example.com/%22%3E%3Cscript%3E');
  });
});

describe('render', () => {
  it('renders text, bold and links, and reports the visible text', () => {
    const href = safeHref('https://example.com/?a=1&b=2');
    if (href === undefined) throw new Error('expected a safe href');
    const out = render([
      text('<x> & '),
      bold(text('عنوان "مهم"')),
      text(' '),
      link(href, text('الموقع')),
    ]);
    expect(out.html).toBe(
      '&lt;x&gt; &amp; <b>عنوان &quot;مهم&quot;</b> <a href="https://example.com/?a=1&amp;b=2">الموقع</a>',
    );
    expect(out.visible).toBe('<x> & عنوان "مهم" الموقع');
  });

  it('counts an emoji as two UTF-16 units, like Telegram', () => {
    expect(render([bold(text('😀'))]).visible.length).toBe(2);
  });
});
