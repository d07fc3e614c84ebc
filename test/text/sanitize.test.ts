import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  hasUnsafeChars,
  safeLine,
  stripUnsafeChars,
  UNSAFE_CHAR_RE,
} from '../../src/text/sanitize.ts';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

// Every code point arabic.md says to strip from untrusted text.
const STRIPPED: ReadonlyArray<readonly [string, number[]]> = [
  ['bidi embeddings and overrides U+202A–202E', range(0x202a, 0x202e)],
  ['bidi isolates U+2066–2069', range(0x2066, 0x2069)],
  ['LRM, RLM, ALM', [0x200e, 0x200f, 0x061c]],
  ['ZWSP', [0x200b]],
  ['word joiner and invisible operators U+2060–2064', range(0x2060, 0x2064)],
  ['BOM / ZWNBSP', [0xfeff]],
  ['interlinear annotation U+FFF9–FFFB', range(0xfff9, 0xfffb)],
  ['tag characters U+E0000–E007F', range(0xe0000, 0xe007f)],
  ['C0 controls except \\t \\n \\r', [...range(0x00, 0x08), 0x0b, 0x0c, ...range(0x0e, 0x1f)]],
  ['DEL and C1 controls U+007F–009F', range(0x7f, 0x9f)],
];

const WORD = 'وزير';

describe('stripUnsafeChars', () => {
  for (const [name, codePoints] of STRIPPED) {
    it(`removes ${name}`, () => {
      for (const cp of codePoints) {
        const ch = String.fromCodePoint(cp);
        expect(stripUnsafeChars(`${WORD}${ch}${WORD}`), cp.toString(16)).toBe(`${WORD}${WORD}`);
        expect(hasUnsafeChars(ch), cp.toString(16)).toBe(true);
      }
    });
  }

  it('removes a Trojan Source override inside a line', () => {
    expect(stripUnsafeChars('access\u202E\u2066 // admin\u2069\u2066')).toBe('access // admin');
  });

  it.each([
    ['ZWNJ (Persian)', 'می\u200Cخواهم'],
    ['ZWJ (emoji sequence)', '👨\u200D👩\u200D👧'],
    ['newline and tab', 'سطر\tأول\nسطر ثان'],
    ['plain Arabic with harakat and tatweel', 'مُحَمَّـــد ٣٫٥٪'],
    ['emoji outside the BMP', 'خبر 🔥🇮🇶'],
  ])('keeps %s', (_name, text) => {
    expect(stripUnsafeChars(text)).toBe(text);
  });

  it.each([
    ['CRLF', 'أ\r\nب', 'أ\nب'],
    ['CR', 'أ\rب', 'أ\nب'],
    ['LINE SEPARATOR', 'أ\u2028ب', 'أ\nب'],
    ['PARAGRAPH SEPARATOR', 'أ\u2029ب', 'أ\nب'],
  ])('turns %s into \\n', (_name, input, expected) => {
    expect(stripUnsafeChars(input)).toBe(expected);
  });

  it.each([
    ['lone high surrogate', 'a\uD83Db', 'a\uFFFDb'],
    ['lone low surrogate', 'a\uDE00b', 'a\uFFFDb'],
    ['reversed pair', '\uDE00\uD83D', '\uFFFD\uFFFD'],
    ['halves split by a stripped character', '\uD83D\u200B\uDE00', '\uFFFD\uFFFD'],
  ])('replaces a %s with U+FFFD', (_name, input, expected) => {
    expect(stripUnsafeChars(input)).toBe(expected);
  });

  it('keeps a valid surrogate pair', () => {
    expect(stripUnsafeChars('\uD83D\uDE00')).toBe('😀');
  });
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const STRIPPED_CODE_POINTS = STRIPPED.flatMap(([, cps]) => cps);
const EXTRA_STRIPPED = [0x0d, 0x2028, 0x2029];

// Hostile input: raw UTF-16 code units (lone surrogates included), Arabic and Persian letters,
// every stripped code point, emoji with joiners and flags, and HTML fragments.
const hostileUnit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
  fc.integer({ min: 0x0600, max: 0x06ff }).map((cp) => String.fromCodePoint(cp)),
  fc.constantFrom(
    ...[...STRIPPED_CODE_POINTS, ...EXTRA_STRIPPED].map((cp) => String.fromCodePoint(cp)),
  ),
  fc.constantFrom('😀', '👨\u200D👩', '🇮🇷', '\u200C', '\u200D', '\n', '\t', '\r\n'),
  fc.constantFrom('<b>', '</a>', '<a href="x">', '&amp;', '&#8238;', '<script>'),
);
const hostileString = fc.string({ unit: hostileUnit, maxLength: 60 });

describe('stripUnsafeChars properties', () => {
  const inputs = fc.oneof(fc.string({ unit: 'binary' }), hostileString);

  it('leaves none of the stripped characters, no CR and no line/paragraph separators', () => {
    fc.assert(
      fc.property(inputs, (s) => {
        const out = stripUnsafeChars(s);
        expect(UNSAFE_CHAR_RE.test(out)).toBe(false);
        for (const ch of out) expect(EXTRA_STRIPPED).not.toContain(ch.codePointAt(0));
      }),
      { numRuns: 500 },
    );
  });

  it('returns valid UTF-16 (no lone surrogates)', () => {
    fc.assert(
      fc.property(inputs, (s) => {
        expect(LONE_SURROGATE.test(stripUnsafeChars(s))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(inputs, (s) => {
        const once = stripUnsafeChars(s);
        expect(stripUnsafeChars(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});

describe('safeLine', () => {
  it('gives one line: unsafe characters gone, whitespace runs one space, ends trimmed', () => {
    expect(safeLine('  وزير\u202E الدفاع\n\t\u200Bقال  ')).toBe('وزير الدفاع قال');
    expect(safeLine('\u200B\u2066 \n')).toBe('');
  });

  it('holds for any input: no unsafe character, no line break, no double space', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const line = safeLine(s);
        expect(hasUnsafeChars(line)).toBe(false);
        expect(line).not.toMatch(/\n|\s{2}|^\s|\s$/);
        expect(safeLine(line)).toBe(line);
      }),
    );
  });
});
