import { describe, expect, it } from 'vitest';
import { normalizeForMatch } from '../../src/text/normalize.ts';
import { indexTerms, stemLight10 } from '../../src/text/stem.ts';

const stem = (word: string): string => stemLight10(normalizeForMatch(word));

describe('stemLight10 (Lucene ArabicStemmer rules)', () => {
  it.each([
    ['ال', 'الكتاب', 'كتاب'],
    ['وال', 'والتعاون', 'تعا'], // وال, then ون: Snowball keeps والتعا here
    ['بال', 'بالمنطقة', 'منطق'],
    ['كال', 'كالعادة', 'عاد'],
    ['فال', 'فالقرار', 'قرار'],
    ['لل', 'للأمن', 'امن'],
    ['و', 'وبحث', 'بحث'],
  ])('strips the prefix %s: %s → %s', (_prefix, word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it('removes only the first matching prefix, in list order', () => {
    // ال is tried before لل and و; nothing more is stripped after it.
    expect(stem('اللواء')).toBe('لواء');
    expect(stem('وللأمن')).toBe('للامن');
  });

  it.each([
    ['ها', 'أهدافها', 'اهداف'],
    ['ان', 'يعتزمان', 'يعتزم'],
    ['ات', 'الصراعات', 'صراع'],
    ['ون', 'سعدون', 'سعد'],
    ['ين', 'البلدين', 'بلد'],
    ['يه', 'الإيرانية', 'ايران'],
    ['ه', 'بمكتبه', 'بمكتب'],
    ['ي', 'العراقي', 'عراق'],
  ])('strips the suffix %s: %s → %s', (_suffix, word, expected) => {
    expect(stem(word)).toBe(expected);
  });

  it('runs one suffix pass in order, so several suffixes can go', () => {
    expect(stem('التوجهات')).toBe('توج'); // ات, then the ه it exposed
    expect(stemLight10('مشاريعهاه')).toBe('مشاريعها'); // ها is checked before ه: it stays
    expect(stemLight10('معلمونه')).toBe('معلمون'); // ون is checked before ه: it stays
  });

  it('keeps the raw ة/ية suffixes from Lucene, which only matter for unnormalised input', () => {
    expect(stemLight10('مدنية')).toBe('مدن');
    expect(stemLight10('مدرسة')).toBe('مدرس');
  });

  it('has the documented proper-noun weakness', () => {
    expect(stem('إيران')).toBe('اير');
    expect(stem('الإيرانية')).toBe('ايران');
    expect(stem('وزير')).toBe('زير');
  });

  it.each([
    ['و needs 4 letters', 'ولد', 'ولد'],
    ['ال needs 4 letters', 'الم', 'الم'],
    ['بال needs 5 letters', 'بال', 'بال'],
    ['وال needs 5 letters, و needs 4', 'وال', 'وال'],
    ['a suffix needs 2 letters left', 'بها', 'بها'],
    ['two letters', 'من', 'من'],
    ['one letter', 'و', 'و'],
    ['empty', '', ''],
    ['Latin', 'telegram', 'telegram'],
    ['a number', '2020', '2020'],
  ])('leaves short or foreign words alone (%s): %s', (_name, word, expected) => {
    expect(stemLight10(word)).toBe(expected);
  });
});

describe('indexTerms', () => {
  it('gives the surface form and the stem when they differ', () => {
    expect(indexTerms('ايران')).toEqual(['ايران', 'اير']);
    expect(indexTerms('الايرانيه')).toEqual(['الايرانيه', 'ايران']);
  });

  it('gives the surface form once when the stem is the same', () => {
    expect(indexTerms('من')).toEqual(['من']);
    expect(indexTerms('2020')).toEqual(['2020']);
  });
});
