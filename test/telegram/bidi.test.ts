import { describe, expect, it } from 'vitest';
import { FSI, isolate, PDI, RLM } from '../../src/telegram/bidi.ts';

describe('bidi marks', () => {
  it('are the Unicode characters Telegram clients understand', () => {
    expect(RLM).toBe('\u200F');
    expect(FSI).toBe('\u2068');
    expect(PDI).toBe('\u2069');
  });
});

describe('isolate', () => {
  it('wraps text in FSI … PDI', () => {
    expect(isolate('Reuters')).toBe(`${FSI}Reuters${PDI}`);
    expect(isolate('')).toBe(`${FSI}${PDI}`);
  });

  it('removes the field’s own bidi controls, so only our FSI/PDI remain', () => {
    const hostile = 'a\u202Eb\u2066c\u2067d\u2068e\u2069f\u200Eg\u200Fh\u061Ci\u202Aj';
    expect(isolate(hostile)).toBe(`${FSI}abcdefghij${PDI}`);
  });

  it('keeps ZWNJ (Persian) and ZWJ (emoji sequences)', () => {
    expect(isolate('می\u200Cخواهم 👨\u200D👩')).toBe(`${FSI}می\u200Cخواهم 👨\u200D👩${PDI}`);
  });
});
