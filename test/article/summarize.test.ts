import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countWords, pageRank, storySentences, summarize } from '../../src/article/summarize.ts';

const S = [
  'اتفق الأردن والعراق يوم الأحد على مد خط أنابيب لنقل النفط الخام من البصرة إلى العقبة.',
  'وقال وزير الطاقة الأردني إن خط الأنابيب سينقل مليون برميل من النفط يوميا عند اكتماله.',
  'وأضاف الوزير أن العمل في خط النفط سيبدأ قبل نهاية العام الحالي بتمويل مشترك.',
  'من جانبه قال وزير النفط العراقي إن بلاده تسعى إلى تنويع طرق تصدير النفط الخام.',
  'ويعتمد العراق على صادرات النفط في أكثر من تسعين بالمئة من إيرادات الدولة.',
  'وكان البلدان قد بحثا مشروع خط الأنابيب أول مرة عام 2013 لكنه تأخر بسبب الحرب.',
];

describe('summarize', () => {
  it('returns whole sentences of the story, in story order, three by default', () => {
    const paragraphs = [S.slice(0, 2).join(' '), S.slice(2, 4).join(' '), S.slice(4).join(' ')];
    const summary = summarize(paragraphs);
    expect(summary).toHaveLength(3);
    const positions = summary.map((sentence) => S.indexOf(sentence));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(summary[0]).toBe(S[0]);
  });

  it('takes two sentences when a third would pass about 60 words', () => {
    // Three distinct sentences of about 30 words (two short ones joined by a comma each).
    const long = [0, 2, 4].map((i) => `${S[i]!.replace(/\.$/, '،')} ${S[i + 1]}`);
    for (const sentence of long) expect(countWords(sentence)).toBeGreaterThan(25);
    const summary = summarize([long.join(' ')]);
    expect(summary).toHaveLength(2);
    expect(summary.reduce((sum, s) => sum + countWords(s), 0)).toBeLessThanOrEqual(60);
    // Short sentences: three fit.
    expect(summarize([S.join(' ')])).toHaveLength(3);
  });

  it('honours a sentence count', () => {
    expect(summarize([S.join(' ')], { sentences: 1 })).toEqual([S[0]]);
    expect(summarize([S.join(' ')], { sentences: 5 })).toHaveLength(5);
    expect(summarize([S.join(' ')], { sentences: 50 })).toHaveLength(S.length);
  });

  it('fills a word budget with whole sentences: reached, and not by more than one sentence', () => {
    for (const budget of [10, 25, 40, 70]) {
      const summary = summarize([S.join(' ')], { words: budget });
      const words = summary.reduce((sum, s) => sum + countWords(s), 0);
      expect(words).toBeGreaterThanOrEqual(budget);
      const shortest = Math.min(...summary.map(countWords));
      expect(words - shortest).toBeLessThan(budget);
    }
  });

  it('does not pick a standfirst and the lead that repeats it', () => {
    const standfirst =
      'استقبل رئيس الأركان العامة للقوات المسلحة الإيرانية وأمين المجلس الأعلى للأمن القومي الإيراني وزير الدفاع العراقي وبحثا معه القضايا الأمنية الإقليمية والدولية.';
    const lead =
      'استقبل رئيس الأركان العامة للقوات المسلحة الإيرانية اللواء محمد باقري وزير الدفاع العراقي جمعة عناد سعدون وبحث الجانبان القضايا الأمنية في المنطقة.';
    const rest = [
      'وأكد باقري أن التعاون الدفاعي بين طهران وبغداد سيساهم في تعزيز الأمن في العراق.',
      'والهدف من هذا الاجتماع هو تمتين العلاقات الدفاعية والعسكرية بين البلدين ومكافحة الإرهاب.',
      'والتقى شمخاني اليوم الأحد وزير الدفاع العراقي الذي يزور طهران وتباحث معه حول القضايا الإقليمية.',
    ];
    const summary = summarize([standfirst, lead, ...rest]);
    expect(summary).toContain(standfirst);
    expect(summary).not.toContain(lead);
  });

  it('leaves out sentences of fewer than six words when there are real ones', () => {
    const summary = summarize(['عاجل جدا.', 'تفاصيل الخبر:', S.join(' ')], { sentences: 3 });
    expect(summary).not.toContain('عاجل جدا.');
    expect(summary).not.toContain('تفاصيل الخبر:');
  });

  it('re-joins hard-wrapped lines, so no sentence is cut in half', () => {
    const wrapped = [
      'تبدأ الغرفة التجارية الصناعية في محافظة الأحساء تنفيذ برامجها التدريبية',
      'النسائية اعتبارا من يوم الأحد المقبل وذلك من خلال برنامجين نسائيين بعنوان',
      'فنون التعامل مع الزوج في الفترة من 7 إلى 8 من الشهر الحالي،',
      'وتقدمهما الدكتورة وداد العيسى في مقر الغرفة بمدينة المبرز.',
      'أخبار محلية',
      'وأوضح مدير التدريب والتطوير بالغرفة أن المحاضرة ستتناول دراسة لأفضل توافق زواجي.',
    ];
    expect(storySentences(wrapped)).toEqual([
      wrapped.slice(0, 4).join(' '),
      'أخبار محلية',
      wrapped[5],
    ]);
    const summary = summarize(wrapped);
    expect(summary[0]).toBe(wrapped.slice(0, 4).join(' '));
  });

  it('returns [] for nothing to summarize, and survives hostile input', () => {
    expect(summarize([])).toEqual([]);
    expect(summarize(['', '   '])).toEqual([]);
    const notList: unknown = 'نص';
    expect(summarize(notList as string[])).toEqual([]);
    expect(summarize(['قصير.'])).toEqual(['قصير.']);
    expect(summarize([S.join(' ')], { sentences: Number.NaN, words: -3 })).toHaveLength(3);
  });

  it('a title does not break the invariants', () => {
    const summary = summarize([S.join(' ')], { title: 'العراق يعتمد على صادرات النفط' });
    expect(summary.length).toBeGreaterThan(0);
    expect(summary.every((s) => S.includes(s))).toBe(true);
  });

  it('property: summary sentences are story sentences, in order, without repeats', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.constantFrom(...S, 'قصير جدا.', 'سطر بلا نقطة'), { maxLength: 4 }), {
          maxLength: 6,
        }),
        fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
        (blocks, sentences) => {
          const paragraphs = blocks.map((b) => b.join(' '));
          const story = storySentences(paragraphs);
          const summary = summarize(paragraphs, { sentences });
          let last = -1;
          for (const sentence of summary) {
            const at = story.indexOf(sentence, last + 1);
            expect(at).toBeGreaterThan(last);
            last = at;
          }
          if (story.length > 0) expect(summary.length).toBeGreaterThan(0);
          expect(summary.length).toBeLessThanOrEqual(sentences ?? 3);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays fast on a huge story', () => {
    const paragraphs = Array.from(
      { length: 5000 },
      (_, i) => `${S[i % S.length]} ${S[(i + 1) % S.length]}`,
    );
    expect(summarize(paragraphs)).toHaveLength(3);
  });
});

describe('pageRank', () => {
  it('a symmetric ring gives equal ranks that sum to 1', () => {
    const ring = [
      [0, 1, 0, 1],
      [1, 0, 1, 0],
      [0, 1, 0, 1],
      [1, 0, 1, 0],
    ];
    const rank = pageRank(ring);
    for (const r of rank) expect(r).toBeCloseTo(0.25, 6);
  });

  it('the centre of a star ranks highest', () => {
    const star = [
      [0, 1, 1, 1],
      [1, 0, 0, 0],
      [1, 0, 0, 0],
      [1, 0, 0, 0],
    ];
    const rank = pageRank(star);
    expect(rank[0]).toBeGreaterThan(rank[1]!);
    expect(rank.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('a prior moves rank towards its favourites; isolated nodes follow the prior', () => {
    const empty = [
      [0, 0],
      [0, 0],
    ];
    const rank = pageRank(empty, 0.85, [3, 1]);
    expect(rank[0]).toBeCloseTo(0.75, 6);
    expect(pageRank([])).toEqual([]);
  });
});

describe('countWords', () => {
  it.each([
    ['', 0],
    ['   ', 0],
    ['كلمة', 1],
    [' كلمتان  هنا \n ثلاث', 3],
  ])('%j → %d', (text, n) => {
    expect(countWords(text)).toBe(n);
  });
});
