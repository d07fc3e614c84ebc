import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitParagraphs, splitSentences } from '../../src/text/sentences.ts';

const FIXTURE = new URL('../../../shared/fixtures/scraped-article-iran-iraq.txt', import.meta.url);
const paragraphs = splitParagraphs(readFileSync(FIXTURE, 'utf8'));

describe('splitParagraphs', () => {
  it('splits at newlines, trims, collapses spaces and tabs and drops empty lines', () => {
    expect(splitParagraphs('  أولاً \t\t هنا \r\n\r\n\n ثانياً\u2028ثالثاً \n \t \n')).toEqual([
      'أولاً هنا',
      'ثانياً',
      'ثالثاً',
    ]);
    expect(splitParagraphs('')).toEqual([]);
  });

  it('finds the 23 non-empty lines of the scraped article', () => {
    expect(paragraphs).toHaveLength(23);
    expect(paragraphs[0]).toBe('إيران والعراق يعتزمان التوقيع على وثيقة دفاعية مشتركة');
    expect(paragraphs[5]).toContain('هذا الاجتماع هو'); // the double space is collapsed
    expect(paragraphs[22]).toBe('زر الذهاب إلى الأعلى');
  });
});

describe('splitSentences on the scraped article', () => {
  it('keeps a paragraph with “…” quotes and a trailing ”. as one sentence', () => {
    expect(splitSentences(paragraphs[4]!)).toEqual([
      'وأكد باقري، أن “التعاون الدفاعي بين طهران وبغداد سيساهم في تعزيز الأمن في العراق”.',
    ]);
  });

  it('keeps the long paragraph with mirrored ” … ” quotes and many ، as one sentence', () => {
    expect(splitSentences(paragraphs[3]!)).toHaveLength(1);
    expect(splitSentences(paragraphs[5]!)).toHaveLength(1);
  });

  it('splits the comment-form line into its two sentences', () => {
    expect(splitSentences(paragraphs[20]!)).toEqual([
      'لن يتم نشر عنوان بريدك الإلكتروني.',
      'الحقول الإلزامية مشار إليها بـ *',
    ]);
  });

  it('gives back the 14 body sentences when the body paragraphs are run together', () => {
    const body = paragraphs.slice(1, 15);
    expect(splitSentences(body.join(' '))).toEqual(body);
  });
});

describe('splitSentences', () => {
  it.each([
    [
      'د. with a space',
      'قال د. علي حسن إن الوضع جيد. ثم غادر.',
      ['قال د. علي حسن إن الوضع جيد.', 'ثم غادر.'],
    ],
    ['د. without a space', 'قال د.علي حسن إن الوضع جيد.', ['قال د.علي حسن إن الوضع جيد.']],
    ['أ. (ustadh)', 'حضر أ. محمد علي. ثم غادر.', ['حضر أ. محمد علي.', 'ثم غادر.']],
    ['م. (engineer)', 'قال م. أحمد إن الجسر جاهز.', ['قال م. أحمد إن الجسر جاهز.']],
    [
      'أ.ف.ب',
      'ذكرت وكالة أ.ف.ب أن الوفد وصل. وتابعت الوكالة.',
      ['ذكرت وكالة أ.ف.ب أن الوفد وصل.', 'وتابعت الوكالة.'],
    ],
    ['ا.ف.ب without hamza', 'ذكرت ا.ف.ب أن الوفد وصل.', ['ذكرت ا.ف.ب أن الوفد وصل.']],
    [
      'أ. ف. ب. spaced',
      'ذكرت أ. ف. ب. أن الوفد وصل. وتابعت.',
      ['ذكرت أ. ف. ب. أن الوفد وصل.', 'وتابعت.'],
    ],
    [
      '(أ ف ب) dateline',
      'باريس (أ ف ب) - قال الوزير إنه سيعود. ثم غادر.',
      ['باريس (أ ف ب) - قال الوزير إنه سيعود.', 'ثم غادر.'],
    ],
    [
      '(أ.ف.ب). really ends a sentence',
      'قالت الوكالة (أ.ف.ب). ثم غادرت.',
      ['قالت الوكالة (أ.ف.ب).', 'ثم غادرت.'],
    ],
    [
      'و.م.ع',
      'أفادت و.م.ع أن الملك استقبل الوفد. وتابعت.',
      ['أفادت و.م.ع أن الملك استقبل الوفد.', 'وتابعت.'],
    ],
    [
      'ق.م.',
      'بني المعبد في القرن الثالث ق.م. وما زال قائماً.',
      ['بني المعبد في القرن الثالث ق.م. وما زال قائماً.'],
    ],
    ['ق.م', 'بني في القرن الثالث ق.م وما زال قائماً.', ['بني في القرن الثالث ق.م وما زال قائماً.']],
    ['هـ.', 'توفي سنة 1445 هـ. في مكة. ثم دفن.', ['توفي سنة 1445 هـ. في مكة.', 'ثم دفن.']],
    [
      'ص. and ج.',
      'انظر ص. 12 من ج. 2 من التقرير. انتهى.',
      ['انظر ص. 12 من ج. 2 من التقرير.', 'انتهى.'],
    ],
    ['ص.ب', 'العنوان ص.ب 1234 عمان. اتصل بنا.', ['العنوان ص.ب 1234 عمان.', 'اتصل بنا.']],
    [
      'U.S. before Arabic',
      'قالت U.S. إن الوضع خطير. ثم صمتت.',
      ['قالت U.S. إن الوضع خطير.', 'ثم صمتت.'],
    ],
    [
      'U.S. in English',
      'The U.S. said no. Then it said yes.',
      ['The U.S. said no.', 'Then it said yes.'],
    ],
    ['3.5', 'ارتفع النمو 3.5 في المئة. وهذا جيد.', ['ارتفع النمو 3.5 في المئة.', 'وهذا جيد.']],
    [
      '٣٫٥٪',
      'ارتفع التضخم ٣٫٥٪ هذا العام. وهذا سيئ.',
      ['ارتفع التضخم ٣٫٥٪ هذا العام.', 'وهذا سيئ.'],
    ],
    ['؟ ? and !', 'هل ستأتي؟ نعم سآتي! حسناً? نعم.', ['هل ستأتي؟', 'نعم سآتي!', 'حسناً?', 'نعم.']],
    ['؟ without a following space', 'هل ستأتي؟نعم سآتي.', ['هل ستأتي؟', 'نعم سآتي.']],
    [
      '، and ؛ do not split',
      'قال ذلك، ثم غادر؛ وانتهى الأمر.',
      ['قال ذلك، ثم غادر؛ وانتهى الأمر.'],
    ],
    ['Urdu full stop ۔', 'ثم قال ۔ وانتهى', ['ثم قال ۔', 'وانتهى']],
    [
      '« » quotes stay with their sentence',
      'قال «سنعود قريباً.» ثم غادر.',
      ['قال «سنعود قريباً.»', 'ثم غادر.'],
    ],
    ['“ ” quotes', 'قال “سنعود قريباً.” ثم غادر.', ['قال “سنعود قريباً.”', 'ثم غادر.']],
    ['mirrored ” “ quotes', 'قال ”سنعود قريباً.“ ثم غادر.', ['قال ”سنعود قريباً.“', 'ثم غادر.']],
    ['a newline always splits, even after د.', 'قال د.\nعلي حسن', ['قال د.', 'علي حسن']],
    ['CRLF and blank lines', 'أولاً\r\n\r\nثانياً', ['أولاً', 'ثانياً']],
    ['empty and blank input', ' \n \t', []],
  ])('%s', (_name, input, expected) => {
    expect(splitSentences(input)).toEqual(expected);
  });

  it('keeps a hostile run of 20 000 abbreviations as one sentence', () => {
    const input = 'د. '.repeat(20_000);
    const sentences = splitSentences(input);
    expect(sentences).toHaveLength(1);
    expect(sentences[0]).toBe(input.trim());
  });
});

describe('splitSentences: initials, numbers, links and quotes (issue 10)', () => {
  it.each([
    [
      'an Arabic-spelled Latin initial (LBCI: جون إف. كينيدي)',
      'اغتيل الرئيس الأميركي جون إف. كينيدي في دالاس عام 1963. وفتح التحقيق من جديد.',
      ['اغتيل الرئيس الأميركي جون إف. كينيدي في دالاس عام 1963.', 'وفتح التحقيق من جديد.'],
    ],
    [
      'Latin initials and U.S.',
      'التقى John F. Kennedy بوفد من U.S. Army في برلين. ثم عاد.',
      ['التقى John F. Kennedy بوفد من U.S. Army في برلين.', 'ثم عاد.'],
    ],
    [
      'ج.م.ع. and م. in a date',
      'صدر القرار في القاهرة ج.م.ع. يوم 5 م. وانتهى الأمر.',
      ['صدر القرار في القاهرة ج.م.ع. يوم 5 م. وانتهى الأمر.'],
    ],
    [
      'decimals, times and dotted dates',
      'ارتفع المؤشر 3.5% عند الساعة 14.30 يوم 28.08.2013 في البورصة. ثم تراجع.',
      ['ارتفع المؤشر 3.5% عند الساعة 14.30 يوم 28.08.2013 في البورصة.', 'ثم تراجع.'],
    ],
    [
      'a URL with dots before an Arabic word',
      'للمزيد زوروا www.aljazeera.net/news.ar اليوم. وشكرا.',
      ['للمزيد زوروا www.aljazeera.net/news.ar اليوم.', 'وشكرا.'],
    ],
    [
      'an ellipsis inside a sentence',
      'قال إن الوضع... صعب جدا في المدينة. ثم غادر.',
      ['قال إن الوضع... صعب جدا في المدينة.', 'ثم غادر.'],
    ],
    [
      'a quotation of two sentences stays whole',
      'قال الوزير: «لن نتراجع. سنواصل العمل حتى النهاية» ثم غادر القاعة. وانتهى اللقاء.',
      ['قال الوزير: «لن نتراجع. سنواصل العمل حتى النهاية» ثم غادر القاعة.', 'وانتهى اللقاء.'],
    ],
    [
      'brackets stay whole',
      'أعلنت الوزارة (وهي الجهة المختصة. بحسب القانون) عن خطة جديدة. وانتهى الأمر.',
      ['أعلنت الوزارة (وهي الجهة المختصة. بحسب القانون) عن خطة جديدة.', 'وانتهى الأمر.'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(splitSentences(input)).toEqual(expected);
  });

  it('an unclosed quote does not swallow a whole long text', () => {
    const input = `قال «بدأ الأمر. ${'وتواصل الحديث طويلا. '.repeat(200)}`;
    expect(splitSentences(input).length).toBeGreaterThan(10);
  });
});

it('a long run of "..." separated sentences is still split', () => {
  const sentence = 'وتواصلت الاحتجاجات في المدينة طوال اليوم رغم الأمطار الغزيرة والبرد الشديد';
  const input = Array.from({ length: 8 }, () => sentence).join('... ');
  expect(splitSentences(input).length).toBeGreaterThan(2);
});
