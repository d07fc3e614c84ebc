import { describe, expect, it } from 'vitest';
import { cleanParagraphs, dedouble } from '../../src/article/clean.ts';

const STORY =
  'استقبل رئيس الأركان العامة للقوات المسلحة الإيرانية وزير الدفاع العراقي وبحث معه القضايا الأمنية في المنطقة.';
const STORY_2 = 'وأكد الجانبان أن التعاون الدفاعي بين البلدين سيساهم في تعزيز الأمن والاستقرار.';

describe('cleanParagraphs: boilerplate lines go', () => {
  it.each([
    ['follow-us with a site name', 'تابع ميدل ايست نيوز على التلغرام telegram'],
    ['follow-us, plural', 'تابعونا على فيسبوك وتويتر'],
    ['follow-us, join', 'انضموا إلى قناتنا على تيليجرام'],
    ['follow-us, English', 'Follow us on Telegram'],
    ['related heading', 'مقالات ذات صلة'],
    ['related heading with colon', 'اقرأ أيضاً:'],
    ['read-also link', 'اقرأ أيضا: الأردن يوقع اتفاقا لاستيراد الغاز من مصر'],
    ['related, other spelling', 'أخبار ذات صلة'],
    ['comment form heading', 'اترك تعليقاً'],
    ['comment form notice', 'لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *'],
    ['comment field label', 'الاسم *'],
    ['comment button', 'إرسال التعليق'],
    ['English comment form', 'Leave a Reply'],
    ['captcha in words', 'ثمانية عشر + سبعة ='],
    ['captcha in digits', '3 + 4 = ؟'],
    ['back to top', 'زر الذهاب إلى الأعلى'],
    ['back to top, short', 'العودة إلى الأعلى'],
    ['share button', 'شارك'],
    ['share button, noun', 'مشاركة'],
    ['share row', 'Share Tweet واتساب'],
    ['share row with separators', 'شارك على فيسبوك | تويتر | واتساب'],
    ['tweet', 'Tweet'],
    ['whatsapp', 'واتساب'],
    ['ad label', 'إعلان'],
    ['tag list', 'الوسوم: الأردن العراق النفط'],
    ['punctuation only', '* * *'],
  ])('%s: %s', (_, line) => {
    const cleaned = cleanParagraphs([STORY, line, STORY_2]);
    expect(cleaned.paragraphs).toEqual([STORY, STORY_2]);
  });
});

describe('cleanParagraphs: story sentences stay', () => {
  it.each([
    'وتابع بالقول أن أمریکا أعلنت أن أحد أهدافها من التواجد في منطقة غرب آسيا هو بث الخلافات.',
    'ونشرت الحركة بيانا على قناتها في تلغرام قالت فيه إنها لن تشارك في الانتخابات المقبلة.',
    'تابع الرئيس الاجتماع عبر الفيديو مع قادة الدول العربية وناقش معهم الأوضاع في المنطقة، ثم غادر إلى الرياض حيث التقى ولي العهد.',
    'وقال المتحدث إن الحكومة ستحظر تطبيق تلغرام إذا لم تلتزم الشركة بالقوانين المحلية.',
    'وشارك في الاجتماع وزراء خارجية الدول الخمس إلى جانب ممثلين عن الأمم المتحدة.',
    'المصدر أكد أن الاجتماع تأجل إلى الأسبوع المقبل بسبب الخلافات.',
    'وقال باقري: إن التعاون الدفاعي بين طهران وبغداد سيساهم في تعزيز الأمن.',
    'من جانبه قدم وزير الدفاع العراقي خلال اللقاء شكره للجمهورية الإسلامية.',
  ])('%s', (sentence) => {
    const cleaned = cleanParagraphs([STORY, sentence, STORY_2]);
    expect(cleaned.paragraphs).toEqual([STORY, sentence, STORY_2]);
  });
});

describe('cleanParagraphs: datelines', () => {
  it.each([
    ['طهران - إرنا: ', 'إرنا'],
    ['(أ ف ب) - ', 'أ ف ب'],
    ['بيروت (رويترز) - ', 'رويترز'],
    ['القاهرة - خاص: ', undefined],
    ['واشنطن - أ ب: ', 'أ ب'],
    ['الرياض - واس: ', 'واس'],
  ])('removes %j', (dateline, name) => {
    const cleaned = cleanParagraphs([`${dateline}${STORY}`, STORY_2]);
    expect(cleaned.paragraphs).toEqual([STORY, STORY_2]);
    expect(cleaned.datelineNames).toEqual(name === undefined ? [] : [name]);
  });

  it('removes "NAME:" when the name is known from a follow-us line elsewhere', () => {
    const cleaned = cleanParagraphs([
      `ميدل ايست نيوز: ${STORY}`,
      STORY_2,
      'تابع ميدل ايست نيوز على التلغرام telegram',
    ]);
    expect(cleaned.paragraphs).toEqual([STORY, STORY_2]);
    expect(cleaned.datelineNames).toEqual(['ميدل ايست نيوز']);
    expect(cleaned.followUsNames).toEqual(['ميدل ايست نيوز']);
  });

  it('removes "NAME:" for a name passed in knownNames, and an outlet-like name', () => {
    expect(cleanParagraphs([`الجوهرة: ${STORY}`], { knownNames: ['الجوهرة'] }).paragraphs).toEqual([
      STORY,
    ]);
    expect(cleanParagraphs([`سكاي نيوز: ${STORY}`]).paragraphs).toEqual([STORY]);
  });

  it('keeps reported speech and asides that look a little like datelines', () => {
    const paragraphs = [
      'وقال الوزير: إن الحكومة ستعلن خطتها غدا.',
      'الرئيس (75 عاما) - الذي يحكم منذ عقدين - لم يعلن ترشحه بعد.',
      'وأضاف المتحدث - في بيان: إن الاتفاق نهائي.',
      'الخبر: الحكومة تستقيل.',
    ];
    expect(cleanParagraphs(paragraphs).paragraphs).toEqual(paragraphs);
  });

  it('only at the start of a paragraph', () => {
    const paragraph = `${STORY} طهران - إرنا: نص آخر.`;
    expect(cleanParagraphs([paragraph]).paragraphs).toEqual([paragraph]);
  });
});

describe('cleanParagraphs: the source line', () => {
  it('"المصدر" then the doubled name on the next line', () => {
    const cleaned = cleanParagraphs([STORY, 'المصدر', 'إرناإرنا']);
    expect(cleaned.paragraphs).toEqual([STORY]);
    expect(cleaned.sourceNames).toEqual(['إرنا']);
  });

  it('inside one paragraph, after the follow-us line', () => {
    const cleaned = cleanParagraphs([
      STORY,
      'تابع ميدل ايست نيوز على التلغرام telegram\nالمصدر\nإرناإرنا',
    ]);
    expect(cleaned.paragraphs).toEqual([STORY]);
    expect(cleaned.sourceNames).toEqual(['إرنا']);
    expect(cleaned.followUsNames).toEqual(['ميدل ايست نيوز']);
  });

  it.each([
    ['المصدر: رويترزرويترز', 'رويترز'],
    ['المصدر : وكالة الأنباء الأردنية', 'وكالة الأنباء الأردنية'],
    ['Source: Reuters', 'Reuters'],
  ])('%s → %s', (line, name) => {
    const cleaned = cleanParagraphs([STORY, line]);
    expect(cleaned.paragraphs).toEqual([STORY]);
    expect(cleaned.sourceNames).toEqual([name]);
  });
});

describe('cleanParagraphs: after the end of the story', () => {
  it('drops the headlines listed under a related heading', () => {
    const cleaned = cleanParagraphs([
      STORY,
      'مقالات ذات صلة',
      'العراق يرفع صادرات النفط إلى أعلى مستوى منذ عامين',
      'الأردن يوقع اتفاقا لاستيراد الغاز من مصر',
      STORY_2,
    ]);
    expect(cleaned.paragraphs).toEqual([STORY, STORY_2]);
  });

  it('drops short leftovers between end markers, keeps a last story paragraph', () => {
    const cleaned = cleanParagraphs([
      STORY,
      STORY_2,
      'تابعونا على تلغرام',
      'الأكثر قراءة',
      'جميع الحقوق محفوظة 2024',
      'زر الذهاب إلى الأعلى',
    ]);
    expect(cleaned.paragraphs).toEqual([STORY, STORY_2]);
  });

  it('a story with no end markers keeps its short last line', () => {
    expect(cleanParagraphs([STORY, 'والتحقيق مستمر']).paragraphs).toEqual([
      STORY,
      'والتحقيق مستمر',
    ]);
  });
});

describe('cleanParagraphs: whitespace and structure', () => {
  it('collapses repeated spaces, keeps line breaks inside a paragraph', () => {
    const cleaned = cleanParagraphs([
      '  والهدف من هذا الاجتماع   هو تمتين\u00a0العلاقات. \n  سطر ثان.  ',
    ]);
    expect(cleaned.paragraphs).toEqual(['والهدف من هذا الاجتماع هو تمتين العلاقات.\nسطر ثان.']);
  });

  it('drops empty paragraphs and survives hostile input', () => {
    expect(cleanParagraphs(['', '   ', '\n\n']).paragraphs).toEqual([]);
    const notList: unknown = 'x';
    expect(cleanParagraphs(notList as string[]).paragraphs).toEqual([]);
    const mixed: unknown[] = [STORY, 42, null];
    expect(cleanParagraphs(mixed as string[]).paragraphs).toEqual([STORY]);
  });

  it('is linear on a long hostile line', () => {
    const line = `${'د. '.repeat(20000)}:`;
    expect(cleanParagraphs([line]).paragraphs).toHaveLength(1);
  });
});

describe('dedouble', () => {
  it.each([
    ['إرناإرنا', 'إرنا'],
    ['رويترزرويترز', 'رويترز'],
    ['رويترز رويترز', 'رويترز'],
    ['وكالة الأنباءوكالة الأنباء', 'وكالة الأنباء'],
    ['إرنا', 'إرنا'],
    ['بب', 'ب'],
    ['ميدل ايست نيوز', 'ميدل ايست نيوز'],
  ])('%s → %s', (input, expected) => {
    expect(dedouble(input)).toBe(expected);
  });
});

describe('cleanParagraphs: chrome met in real pages (issue 10)', () => {
  const STORY = 'أعلنت الحكومة اليوم عن خطة جديدة لدعم الفلاحين في المناطق الداخلية.';
  it.each<[string, string[], string[]]>([
    [
      'CNN Arabic timestamp line',
      ['الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)', STORY],
      [STORY],
    ],
    ['a published-at line', ['نشر في: الأحد 22 يناير 2017 - 10:15 ص', STORY], [STORY]],
    ['a time and date line', ['12:30 م الأحد 22 يناير 2017', STORY], [STORY]],
    ['Maghrebi months', ['السبت 21 جانفي 2017 - 16:19', STORY], [STORY]],
    ['CNN dateline with --', [`دمشق، سوريا (CNN) -- ${STORY}`], [STORY]],
    ['city - outlet - dateline', [`عمان - الرأي - ${STORY}`], [STORY]],
    ['Assabah interview byline', ['حوار: آسيا العتروس', STORY], [STORY]],
    ['كتب: byline', ['كتب: محمد بلقاسم', STORY], [STORY]],
    ['بقلم byline without a colon', ['بقلم سامي كليب', STORY], [STORY]],
    ['photo credit', ['تصوير: أحمد علي', STORY], [STORY]],
    [
      'the standfirst before a byline',
      ['- عناوين الحوار -كنا وطنا واحدا', 'حوار: آسيا العتروس', STORY],
      [STORY],
    ],
    ['caption credit', [STORY, '(صورة: أرشيف)', 'مصدر الصورة: رويترز'], [STORY]],
    [
      'اقرأ أيضا inside the story',
      [STORY, 'اقرأ أيضا: الحكومة تعلن خطة جديدة للنقل', STORY],
      [STORY, STORY],
    ],
    ['طالع أيضا', [STORY, 'طالع أيضاً: انطلاق الموسم السياحي', STORY], [STORY, STORY]],
    ['newsletter prompt', [STORY, 'اشترك في النشرة البريدية لتصلك آخر الأخبار'], [STORY]],
    ['email field', [STORY, 'أدخل بريدك الإلكتروني'], [STORY]],
    ['share row', [STORY, 'شارك هذا الخبر على فيسبوك تويتر واتساب'], [STORY]],
    ['follow prompt', [STORY, 'تابعونا على تويتر وفيسبوك'], [STORY]],
    ['copyright footer', [STORY, '© 2017 صحيفة الخليج اليوم. جميع الحقوق محفوظة'], [STORY]],
    ['Arabic copyright line', [STORY, 'حقوق النشر محفوظة لجريدة النهار 2017'], [STORY]],
    [
      'cookie notice',
      [STORY, 'يستخدم هذا الموقع ملفات تعريف الارتباط (كوكيز) لتحسين تجربتك. موافق'],
      [STORY],
    ],
    [
      'embedded tweet',
      [
        STORY,
        'خبر عاجل من القاهرة pic.twitter.com/abc123',
        '— اليوم السابع (@youm7) January 22, 2017',
      ],
      [STORY],
    ],
    [
      'Instagram embed',
      [STORY, 'View this post on Instagram', 'A post shared by Name (@name)'],
      [STORY],
    ],
    ['ad label', [STORY, 'إعلان', STORY], [STORY, STORY]],
    ['WordPress footer', [STORY, 'The post عنوان الخبر appeared first on عنب بلدي.'], [STORY]],
    ['WordPress footer in Arabic', [STORY, 'ظهرت المقالة عنوان الخبر أولاً على عنب بلدي.'], [STORY]],
    [
      'CNN comment rules',
      [STORY, 'ترحب شبكة CNN بالنقاش الحيوي والمفيد، وكي لا نضطر إلى مراجعة التعليقات.'],
      [STORY],
    ],
  ])('%s', (_name, input, expected) => {
    expect(cleanParagraphs(input).paragraphs).toEqual(expected);
  });

  it.each([
    'كتب الوزير في رسالته إلى البرلمان أن الخطة ستبدأ الشهر المقبل في كل الولايات.',
    'قال التقرير إن ملفات تعريف الارتباط تستخدم لتتبع المستخدمين دون علمهم في أوروبا وأمريكا.',
    'وصل الوفد يوم الأحد 22 يناير 2017 إلى العاصمة لبحث الملفات العالقة مع الحكومة.',
    'تصوير الفيلم بدأ في تونس الأسبوع الماضي بمشاركة ممثلين من عدة دول عربية.',
  ])('story text that looks like chrome stays: %s', (line) => {
    expect(cleanParagraphs([line, STORY]).paragraphs).toEqual([line, STORY]);
  });

  // Seen in ANT sports and jobs stories: a score, a fixture-list heading, a dashed list.
  it.each([
    'جندوبة الرياضية - قرمبالية الرياضية 3 - 1',
    '* الأربعاء 15 مارس :',
    'واضع برامج -تقني- تقني أول -تقني رئيس متصرف كتابة محكمة',
  ])('inside the story, not a dateline or a timestamp: %s', (line) => {
    expect(cleanParagraphs([STORY, line, STORY]).paragraphs).toEqual([STORY, line, STORY]);
  });
});
