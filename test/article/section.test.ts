import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildArticle } from '../../src/article/pipeline.ts';
import {
  createSectionClassifier,
  loadSectionModel,
  parseSectionModel,
  pickSection,
  type SectionClassifier,
  sectionClassifier,
  sectionOfCategory,
} from '../../src/article/section.ts';
import { SECTIONS, type Section } from '../../src/article/types.ts';

const SPORT_TITLE = 'الترجي يفوز على النجم الساحلي في الجولة العاشرة من البطولة';
const SPORT_STORY = [
  'فاز الترجي الرياضي التونسي على النجم الساحلي بهدفين مقابل هدف في مباراة الجولة العاشرة من بطولة الرابطة المحترفة الأولى لكرة القدم.',
  'وسجل اللاعب هدف الفوز في الدقيقة الأخيرة من المقابلة على ملعب رادس، ليعزز الفريق صدارته للترتيب.',
];
const ECONOMY_TITLE = 'البنك المركزي يرفع نسبة الفائدة المديرية لمواجهة التضخم';
const ECONOMY_STORY = [
  'قرر مجلس إدارة البنك المركزي التونسي الترفيع في نسبة الفائدة المديرية بخمسين نقطة أساسية لمواجهة ارتفاع نسبة التضخم.',
  'وأشار البنك إلى تراجع قيمة الدينار وعجز الميزان التجاري وتباطؤ نسق النمو الاقتصادي والاستثمار.',
];

/** A classifier that always answers the same, to see who decided. */
function always(section: Section): SectionClassifier {
  return { scores: () => SECTIONS.map((s) => (s === section ? 1 : 0)), classify: () => section };
}

describe('sectionOfCategory', () => {
  it.each([
    ['سياسة', 'politics'],
    ['السياسة', 'politics'],
    ['الشأن السياسي', 'politics'],
    ['Politics', 'politics'],
    ['اقتصاد', 'economy'],
    ['مال وأعمال', 'economy'],
    ['Business', 'economy'],
    ['رياضة', 'sport'],
    ['الرياضة', 'sport'],
    ['كرة القدم', 'sport'],
    ['Sports', 'sport'],
    ['ثقافة وفنون', 'culture'],
    ['ثقافة', 'culture'],
    ['تكنولوجيا', 'technology'],
    ['تقنية', 'technology'],
    ['علوم وتكنولوجيا', 'technology'],
    ['Tech', 'technology'],
    ['مجتمع', 'society'],
    ['محلي', 'local'],
    ['أخبار وطنية', 'local'],
    ['وطني', 'local'],
    ['دولي', 'international'],
    ['العالم', 'international'],
    ['عربي ودولي', 'international'],
    ['World News', 'international'],
    ['منوعات', 'misc'],
    ['متفرقات', 'misc'],
  ])('%s → %s', (category, section) => {
    expect(sectionOfCategory(category)).toBe(section);
  });

  it.each(['الترجي', 'تونس', 'كورونا', 'سياسة دولية', 'Tunisie Football Club Sfax', ''])(
    '%s names no section',
    (category) => {
      expect(sectionOfCategory(category)).toBeUndefined();
    },
  );
});

describe('pickSection', () => {
  it('a publisher category that maps to a section wins over the classifier', () => {
    const choice = pickSection(
      { title: SPORT_TITLE, paragraphs: SPORT_STORY, tags: ['الترجي', 'اقتصاد', 'رياضة'] },
      always('sport'),
    );
    expect(choice).toEqual({ section: 'economy', from: 'category', otherTags: ['الترجي'] });
  });

  it('without such a category the classifier decides, and unknown tags stay candidates', () => {
    const choice = pickSection(
      { title: SPORT_TITLE, paragraphs: SPORT_STORY, tags: ['الترجي', 'تونس'] },
      always('culture'),
    );
    expect(choice).toEqual({
      section: 'culture',
      from: 'classifier',
      otherTags: ['الترجي', 'تونس'],
    });
  });

  it('the committed model reads a sports story as sport and an economy story as economy', () => {
    expect(pickSection({ title: SPORT_TITLE, paragraphs: SPORT_STORY }).section).toBe('sport');
    expect(pickSection({ title: ECONOMY_TITLE, paragraphs: ECONOMY_STORY }).section).toBe(
      'economy',
    );
  });

  it('is misc when no word is known to the model', () => {
    expect(sectionClassifier().classify('', [])).toBe('misc');
    expect(sectionClassifier().classify('zzqx', ['qqzx wwxz'])).toBe('misc');
  });
});

describe('the pipeline', () => {
  const receivedAt = '2024-05-01T10:00:00.000Z';

  it('gives every article a section from the classifier', () => {
    const article = buildArticle({
      text: `${SPORT_TITLE}\n\n${SPORT_STORY.join('\n')}`,
      receivedAt,
    });
    expect(article.section).toBe('sport');
  });

  it("takes a feed item's <category> over the classifier; other categories stay hashtag candidates", () => {
    const article = buildArticle({
      feedItem: {
        title: SPORT_TITLE,
        link: 'https://example.com/sport/1',
        description: SPORT_STORY.join('\n'),
        categories: ['Politics', 'النجم الساحلي'],
      },
      receivedAt,
    });
    expect(article.section).toBe('politics');
    expect(article.hashtags).toContain('النجم_الساحلي');
    expect(article.hashtags).not.toContain('Politics');
  });
});

describe('the model file', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('loads from disk with no network at all', () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockImplementation(() => {
      throw new Error('no network');
    });
    const connectSpy = vi.spyOn(net.Socket.prototype, 'connect');
    const model = loadSectionModel();
    const classifier = createSectionClassifier(model);
    expect(classifier.classify(SPORT_TITLE, SPORT_STORY)).toBe('sport');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(connectSpy).not.toHaveBeenCalled();
    expect(model.sections).toEqual([...SECTIONS]);
    expect(Object.keys(model.weights).length).toBeGreaterThan(1000);
  });

  it('rejects a damaged model', () => {
    const good = loadSectionModel();
    expect(() => parseSectionModel({ ...good, version: 2 })).toThrow(/version/);
    expect(() => parseSectionModel({ ...good, sections: ['sport'] })).toThrow(/sections/);
    expect(() => parseSectionModel({ ...good, bias: [1, 2] })).toThrow(/bias/);
    expect(() => parseSectionModel({ ...good, weights: { x: [1, 'a'] } })).toThrow(/'x'/);
    expect(() => parseSectionModel(null)).toThrow(/object/);
  });
});
