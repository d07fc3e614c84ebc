import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pickHashtags } from '../../src/article/hashtags.ts';

const FIXTURE = readFileSync(
  new URL('../../../shared/fixtures/scraped-article-iran-iraq.txt', import.meta.url),
  'utf8',
);
const [TITLE = '', ...BODY] = FIXTURE.split('\n').filter((line) => line.trim() !== '');

describe('pickHashtags', () => {
  it('the fixture: the two countries of the title, display form, clitic و removed', () => {
    expect(pickHashtags(TITLE, BODY)).toEqual(['العراق', 'إيران']);
  });

  it('a two-word name that always appears together becomes one tag', () => {
    const tags = pickHashtags('محمد باقري يستقبل وزير الدفاع العراقي', [
      'استقبل اللواء محمد باقري وزير الدفاع.',
      'وقال محمد باقري إن التعاون مستمر.',
      'وأضاف محمد باقري أن الزيارة مهمة.',
      'وبحث وزير الدفاع العراقي مع نظيره ملفات عدة.',
    ]);
    expect(tags[0]).toBe('محمد_باقري');
    expect(tags).not.toContain('محمد');
  });

  it('never a stopword, a word missing from the story, or an all-digit word', () => {
    const tags = pickHashtags('في 2024 على ترامب أن يقرر بشأن الرسوم', [
      'قال ترامب في 2024 إن الرسوم باقية.',
      'وأكد ترامب في 2024 أن الرسوم على الصلب ستبقى على حالها.',
      'الرسوم على الواردات ارتفعت.',
    ]);
    expect(tags).toEqual(['الرسوم', 'ترامب']);
  });

  it('at most three, the most mentioned first', () => {
    const tags = pickHashtags('مصر والسودان وإثيوبيا وليبيا تبحث أزمة سد النهضة', [
      'مصر مصر مصر مصر السودان السودان السودان إثيوبيا إثيوبيا ليبيا ليبيا سد النهضة سد النهضة',
    ]);
    expect(tags).toHaveLength(3);
    expect(tags[0]).toBe('مصر');
    expect(tags[1]).toBe('السودان');
  });

  it('a word that merely starts with a clitic letter keeps it (وثيقة, بغداد)', () => {
    const tags = pickHashtags('وثيقة بغداد', [
      'وقعت وثيقة في بغداد.',
      'وثيقة بغداد نصت على التعاون.',
    ]);
    expect(tags).toEqual(['وثيقة', 'بغداد']);
  });

  it('matches Persian letter forms in the story', () => {
    expect(
      pickHashtags('شمخاني في بغداد', ['التقى شمخانی الوزير.', 'وأکد شمخاني التعاون.']),
    ).toEqual(['شمخاني']);
  });

  it('hostile input gives no tags, never a crash', () => {
    const notText: unknown = 42;
    expect(pickHashtags(notText as string, ['x'])).toEqual([]);
    expect(pickHashtags('', [])).toEqual([]);
    expect(pickHashtags('إيران', [])).toEqual([]);
    const tags = pickHashtags('إيران\u200c#تست <b>', ['إيران إيران تست تست']);
    for (const tag of tags) expect(tag).toMatch(/^[\p{L}\p{M}\p{Nd}_]+$/u);
  });
});

describe('pickHashtags on real headlines (issue 10)', () => {
  it('a three-word name is one tag, never overlapping pieces (Assabah: خالد عبد الكريم)', () => {
    const tags = pickHashtags(
      'الناشط الحقوقي السوداني خالد عبد الكريم ماسا لـ«الصباح»: كل الشروط متوفرة لثورة سودانية',
      [
        'قال خالد عبد الكريم ماسا إن السودان يعيش أزمة.',
        'وأضاف خالد عبد الكريم أن الشباب في السودان يطالبون بالتغيير.',
        'وختم خالد عبد الكريم حديثه عن مستقبل السودان.',
      ],
    );
    expect(tags).not.toContain('خالد_عبد');
    expect(tags).not.toContain('عبد_الكريم');
    expect(tags.some((t) => t.startsWith('خالد_عبد_الكريم'))).toBe(true);
    for (const tag of tags) expect(tag.split('_').at(-1)).not.toBe('عبد');
  });

  it('no clitic preposition glued on (CNN Arabic: بريف دمشق)', () => {
    const tags = pickHashtags('معارضون يسيطرون على مخازن للصواريخ بريف دمشق', [
      'سيطر مقاتلون على مستودعات للأسلحة بريف دمشق تضم صواريخ.',
      'وتجددت الاشتباكات بريف دمشق في منطقة القلمون.',
      'وقال المرصد إن الاشتباكات في دمشق مستمرة.',
    ]);
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(tag).not.toMatch(/^[بلكوف]ريف/);
    expect(tags).toContain('ريف_دمشق');
  });

  it('never a stopword or a news filler word (اليوم، قال، عام)', () => {
    const tags = pickHashtags('قال الوزير اليوم إن عام الانتخابات بدأ في تونس', [
      'قال الوزير اليوم إن الانتخابات في تونس ستجري هذا العام.',
      'وقال إن اليوم يوم مهم لتونس، وإن عام الانتخابات بدأ اليوم.',
      'وقال الوزير إن تونس مستعدة.',
    ]);
    for (const word of ['قال', 'اليوم', 'عام', 'الوزير']) expect(tags).not.toContain(word);
    expect(tags).toContain('تونس');
  });

  it('feed categories and articleSection are candidates', () => {
    const tags = pickHashtags(
      'ارتفاع أسعار الخبز في الأسواق',
      ['ارتفعت أسعار الخبز في صفاقس هذا الأسبوع.', 'وقال تجار في صفاقس إن الطلب تراجع.'],
      { candidates: ['صفاقس', 'اقتصاد وطني'] },
    );
    expect(tags).toContain('صفاقس');
  });
});
