import { describe, expect, it } from 'vitest';
import {
  parseTelegramHtml,
  TelegramHtmlError,
  visibleLength,
} from '../../src/demo/telegram-html.ts';

const PREFIX = "Bad Request: can't parse entities: ";

function rejection(html: string): string {
  try {
    parseTelegramHtml(html);
  } catch (error) {
    expect(error).toBeInstanceOf(TelegramHtmlError);
    return (error as TelegramHtmlError).message;
  }
  throw new Error(`accepted: ${html}`);
}

describe('parseTelegramHtml: accepted HTML', () => {
  it('nests tags and reports sorted entities', () => {
    expect(parseTelegramHtml('<b>bold <i>both</i></b> <u>u</u><s>s</s>')).toEqual({
      text: 'bold both us',
      entities: [
        { type: 'bold', offset: 0, length: 9 },
        { type: 'italic', offset: 5, length: 4 },
        { type: 'underline', offset: 10, length: 1 },
        { type: 'strikethrough', offset: 11, length: 1 },
      ],
    });
  });

  it('treats tag aliases and upper case like tdlib (to_lower on the tag name)', () => {
    const { text, entities } = parseTelegramHtml(
      '<STRONG>a</STRONG><em>b</em><ins>c</ins><del>d</del><strike>e</strike><tg-spoiler>f</tg-spoiler>',
    );
    expect(text).toBe('abcdef');
    expect(entities.map((e) => e.type)).toEqual([
      'bold',
      'italic',
      'underline',
      'strikethrough',
      'strikethrough',
      'spoiler',
    ]);
  });

  it('orders entities with the same range by tdlib type priority', () => {
    // tdlib sorts by offset, then longer first, then priority (bold 90 before italic 91).
    expect(parseTelegramHtml('<i><b>x</b></i>').entities.map((e) => e.type)).toEqual([
      'bold',
      'italic',
    ]);
  });

  it('decodes &amp; inside a quoted href and keeps the link text', () => {
    expect(parseTelegramHtml('<a href="https://ex.com/a?x=1&amp;y=2">المصدر</a>')).toEqual({
      text: 'المصدر',
      entities: [{ type: 'text_link', offset: 0, length: 6, url: 'https://ex.com/a?x=1&y=2' }],
    });
  });

  it('accepts single-quoted and unquoted attribute values', () => {
    expect(parseTelegramHtml("<a href='https://ex.com/'>x</a>").entities).toEqual([
      { type: 'text_link', offset: 0, length: 1, url: 'https://ex.com/' },
    ]);
    // An unquoted name token is lower-cased by tdlib.
    expect(parseTelegramHtml('<code class=language-JS>x</code>').entities).toEqual([
      { type: 'code', offset: 0, length: 1 },
    ]);
  });

  it('uses the text as the URL of an <a> without href, and drops unsupported schemes', () => {
    expect(parseTelegramHtml('<a>example.com</a>').entities).toEqual([
      { type: 'text_link', offset: 0, length: 11, url: 'http://example.com/' },
    ]);
    // tdlib's get_checked_link rejects javascript:, so the text stays without a link.
    expect(parseTelegramHtml('<a href="javascript:alert(1)">x</a>')).toEqual({
      text: 'x',
      entities: [],
    });
  });

  it('turns tg://user?id= links into text_mention', () => {
    expect(parseTelegramHtml('<a href="tg://user?id=42">Ali</a>').entities).toEqual([
      {
        type: 'text_mention',
        offset: 0,
        length: 3,
        user: { id: 42, is_bot: false, first_name: '' },
      },
    ]);
  });

  it('decodes decimal and hex numeric entities and the four named ones', () => {
    expect(parseTelegramHtml('&#1576;&#x628;&lt;&gt;&amp;&quot;').text).toBe('بب<>&"');
    // The semicolon is optional in tdlib's decode_html_entity.
    expect(parseTelegramHtml('&lt;b&gt').text).toBe('<b>');
  });

  it('keeps other named entities and malformed references as literal text (as tdlib does)', () => {
    expect(parseTelegramHtml('a&nbsp;b &copy; &LT; &#0; &#X41; & x').text).toBe(
      'a&nbsp;b &copy; &LT; &#0; &#X41; & x',
    );
    // More than 10 characters from '&' is not a reference; U+10FFFF is refused too.
    expect(parseTelegramHtml('&#00000000065;&#x10FFFF;').text).toBe('&#00000000065;&#x10FFFF;');
  });

  it('counts offsets in UTF-16 units for Arabic text and emoji surrogate pairs', () => {
    const { text, entities } = parseTelegramHtml('خبر 😀 <b>عاجل</b> <i>🇮🇶x</i>');
    expect(text).toBe('خبر 😀 عاجل 🇮🇶x');
    expect(entities).toEqual([
      { type: 'bold', offset: 7, length: 4 },
      { type: 'italic', offset: 12, length: 5 },
    ]);
    expect(text.slice(7, 11)).toBe('عاجل');
    expect(parseTelegramHtml('&#x1F600;<b>x</b>').entities).toEqual([
      { type: 'bold', offset: 2, length: 1 },
    ]);
  });

  it('merges <pre><code class="language-x"> into one pre entity with a language', () => {
    expect(parseTelegramHtml('<pre><code class="language-ts">let a</code></pre>').entities).toEqual(
      [{ type: 'pre', offset: 0, length: 5, language: 'ts' }],
    );
    expect(parseTelegramHtml('<pre>x</pre>').entities).toEqual([
      { type: 'pre', offset: 0, length: 1 },
    ]);
    // A language class on code outside pre is dropped (tdlib clears Code arguments).
    expect(parseTelegramHtml('<code class="language-ts">x</code>').entities).toEqual([
      { type: 'code', offset: 0, length: 1 },
    ]);
  });

  it('accepts spoiler spans, expandable blockquotes and custom emoji', () => {
    expect(parseTelegramHtml('<span class="tg-spoiler">s</span>').entities).toEqual([
      { type: 'spoiler', offset: 0, length: 1 },
    ]);
    expect(parseTelegramHtml('<blockquote>q</blockquote>').entities).toEqual([
      { type: 'blockquote', offset: 0, length: 1 },
    ]);
    expect(parseTelegramHtml('<blockquote expandable>q</blockquote>').entities).toEqual([
      { type: 'expandable_blockquote', offset: 0, length: 1 },
    ]);
    expect(
      parseTelegramHtml('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>').entities,
    ).toEqual([
      { type: 'custom_emoji', offset: 0, length: 2, custom_emoji_id: '5368324170671202286' },
    ]);
  });

  it('emits no entity for an empty element and accepts </> as a generic end tag', () => {
    expect(parseTelegramHtml('a<b></b>c')).toEqual({ text: 'ac', entities: [] });
    expect(parseTelegramHtml('<b>x</>').entities).toEqual([{ type: 'bold', offset: 0, length: 1 }]);
  });

  it('leaves a bare ">" and plain text alone', () => {
    expect(parseTelegramHtml('2 > 1\nسطر')).toEqual({ text: '2 > 1\nسطر', entities: [] });
  });
});

describe('parseTelegramHtml: rejections with Telegram-style messages', () => {
  it.each([
    ['<script>alert(1)</script>', 'Unsupported start tag "script" at byte offset 0'],
    ['<p>x</p>', 'Unsupported start tag "p" at byte offset 0'],
    ['<br/>', 'Unsupported start tag "br/" at byte offset 0'],
    // Byte offsets count UTF-8 bytes: "خبر " is 7 bytes.
    ['خبر <div>', 'Unsupported start tag "div" at byte offset 7'],
    ['a < b', 'Unsupported start tag "" at byte offset 2'],
    ['x <', 'Unclosed start tag at byte offset 2'],
    ['<b>bold', 'Can\'t find end tag corresponding to start tag "b"'],
    ['<b><i>x</b></i>', 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
    ['x</i>', 'Unexpected end tag at byte offset 1'],
    ['<b>x</b', 'Unclosed end tag at byte offset 4'],
    ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['<span class="tg-x">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
    ['<a href="x" />', 'Empty attribute name in the tag "a" at byte offset 0'],
    ['<a href="unterminated>x</a>', 'Unclosed start tag at byte offset 0'],
    ['<a href=https://x>y</a>', 'Unexpected end of name token at byte offset 8'],
    ['<b class', 'Unclosed start tag "b" at byte offset 0'],
    ['<tg-emoji emoji-id="abc">x</tg-emoji>', 'Invalid custom emoji identifier specified'],
    [
      '&#xD83D;',
      'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    ],
  ])('%s', (html, reason) => {
    expect(rejection(html)).toBe(PREFIX + reason);
  });

  it('rejects a blockquote inside a blockquote (stricter than Telegram, which drops the inner one)', () => {
    expect(rejection('<blockquote>a<blockquote>b</blockquote></blockquote>')).toBe(
      `${PREFIX}Blockquote can't be nested in another blockquote at byte offset 13`,
    );
  });

  it('keeps the tdlib reason separately for callers', () => {
    try {
      parseTelegramHtml('<x>');
      expect.unreachable();
    } catch (error) {
      expect((error as TelegramHtmlError).reason).toBe(
        'Unsupported start tag "x" at byte offset 0',
      );
    }
  });
});

describe('visibleLength', () => {
  it('counts UTF-16 code units like Telegram', () => {
    expect(visibleLength('abc')).toBe(3);
    expect(visibleLength('عاجل')).toBe(4);
    expect(visibleLength('😀')).toBe(2);
    expect(visibleLength(parseTelegramHtml('<b>😀</b>x').text)).toBe(3);
  });
});
