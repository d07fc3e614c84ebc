import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snippetHtml } from '../../src/bot/features/search.ts';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { closeness } from '../../src/search/rank.ts';
import { sectionByName, splitSection } from '../../src/search/sections.ts';
import { makeSnippet, SNIPPET_MAX } from '../../src/search/snippet.ts';

const STORY = [
  'قالت وزارة الداخلية إن الوضع مستقر في أغلب الولايات.',
  'وتمكنت وحدات الحرس الديواني بقلعة سنان من حجز سيارة مهربة محملة بكميات كبيرة من السجائر الأجنبية في ساعة متأخرة من الليل بعد مطاردة طويلة على الطريق الجبلية المؤدية إلى الحدود الغربية للبلاد.',
].join('\n');

const text = (parts: { text: string }[]) => parts.map((p) => p.text).join('');

describe('makeSnippet', () => {
  it('picks the sentence with the query words and bolds them as search matches them', () => {
    // "السيارة" matches "سيارة" by stem; "حجز" as written.
    const parts = makeSnippet(STORY, ['حجز', 'السياره']);
    expect(parts.filter((p) => p.bold).map((p) => p.text)).toEqual(['حجز', 'سيارة']);
    expect(text(parts)).toContain('الحرس الديواني');
    expect(text(parts).length).toBeLessThanOrEqual(SNIPPET_MAX + 4);
  });

  it('cuts a long sentence around the first match at word boundaries, marking the cuts', () => {
    const parts = makeSnippet(STORY, ['الحدود'], 60);
    const line = text(parts);
    expect(line.startsWith('… ')).toBe(true);
    expect(line).toContain('الحدود');
    expect(line.length).toBeLessThanOrEqual(64);
    for (const word of line.replace(/…/g, '').trim().split(' ')) expect(STORY).toContain(word);
  });

  it('gives the lead without words, and nothing for an empty story', () => {
    expect(text(makeSnippet(STORY, []))).toBe(
      'قالت وزارة الداخلية إن الوضع مستقر في أغلب الولايات',
    );
    expect(makeSnippet('', ['حجز'])).toEqual([]);
  });

  it('makes valid, escaped Telegram HTML for any story and query, without bidi controls', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.array(fc.string({ maxLength: 8 })), (s, w) => {
        const parts = makeSnippet(`${s}\n<b>x</b> & حجز`, [...w, 'حجز']);
        const html = snippetHtml(parts);
        expect(() => parseTelegramHtml(html)).not.toThrow();
        // Our one isolate around the line, and no bidi control of the story's inside it.
        expect(html.startsWith('\u2068') && html.endsWith('\u2069')).toBe(true);
        expect(html.slice(1, -1)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
        expect(text(parts).length).toBeLessThanOrEqual(SNIPPET_MAX + 4);
      }),
      { numRuns: 200 },
    );
  });
});

describe('closeness', () => {
  it('ranks adjacent in order > adjacent reversed > apart > missing', () => {
    const q = ['حجز', 'سياره'];
    const adjacent = closeness(q, 'قلعة سنان : حجز سيارة مهربة');
    const reversed = closeness(q, 'سيارة حجز');
    const apart = closeness(q, 'حجز كمية من السلع و سيارة');
    expect(adjacent).toBeGreaterThan(reversed);
    expect(reversed).toBeGreaterThan(apart);
    expect(apart).toBeGreaterThan(0);
    expect(closeness(q, 'حجز بضائع')).toBe(0);
    expect(closeness([], 'حجز سيارة')).toBe(0);
  });
});

describe('sections by name', () => {
  it('reads Arabic and English names, with or without ال, before a colon', () => {
    expect(splitSection('رياضة: الترجي')).toEqual({ section: 'sport', rest: 'الترجي' });
    expect(splitSection('الرياضة : الترجي')).toEqual({ section: 'sport', rest: 'الترجي' });
    expect(splitSection('Economy: oil')).toEqual({ section: 'economy', rest: 'oil' });
    expect(sectionByName('دولي')).toBe('international');
    // Not a section name: the whole text stays the query.
    expect(splitSection('سعر: 5 دنانير')).toEqual({ rest: 'سعر: 5 دنانير' });
    expect(splitSection('الترجي')).toEqual({ rest: 'الترجي' });
  });
});
