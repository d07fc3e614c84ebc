import { readFileSync } from 'node:fs';
import { stemLight10 } from '../text/stem.ts';
import { tokenize } from '../text/tokenize.ts';
import { sectionFeatures } from './section-features.ts';
import { SECTIONS, type Section } from './types.ts';

// Each article's one section: the publisher's own category when it names one of ours, else a
// linear classifier trained on ANT (bench/sections/train.ts writes sections-model.json).

/** The committed model: per-term integer weights, one per section, divided by `scale`. */
export interface SectionModel {
  version: 1;
  sections: Section[];
  scale: number;
  bias: number[];
  weights: Record<string, number[]>;
  /** How it was made (free-form, for people). */
  trainedOn?: unknown;
}

export interface SectionClassifier {
  /** Score per section (higher is likelier), in SECTIONS order. */
  scores(title: string, paragraphs: readonly string[]): number[];
  /** The best-scoring section; 'misc' when the text has no term the model knows. */
  classify(title: string, paragraphs: readonly string[]): Section;
}

const MODEL_URL = new URL('./sections-model.json', import.meta.url);

/** Checks a parsed model's shape, so a damaged file fails at start and not per article. */
export function parseSectionModel(value: unknown): SectionModel {
  const bad = (why: string): never => {
    throw new Error(`sections model: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return bad('not an object');
  const m = value as Partial<SectionModel>;
  if (m.version !== 1) bad('unknown version');
  const sections = m.sections;
  if (
    !Array.isArray(sections) ||
    sections.length !== SECTIONS.length ||
    !sections.every((s, i) => s === SECTIONS[i])
  ) {
    return bad('sections differ from SECTIONS');
  }
  const k = SECTIONS.length;
  const isRow = (row: unknown): row is number[] =>
    Array.isArray(row) && row.length === k && row.every((n) => Number.isFinite(n));
  if (typeof m.scale !== 'number' || !(m.scale > 0)) return bad('bad scale');
  if (!isRow(m.bias)) return bad('bad bias');
  if (typeof m.weights !== 'object' || m.weights === null) return bad('no weights');
  for (const [term, row] of Object.entries(m.weights)) {
    if (!isRow(row)) bad(`bad weights for '${term}'`);
  }
  return {
    version: 1,
    sections: [...SECTIONS],
    scale: m.scale,
    bias: m.bias,
    weights: m.weights,
    trainedOn: m.trainedOn,
  };
}

/** Reads the committed model next to this file (no network; read once by the default classifier). */
export function loadSectionModel(url: URL = MODEL_URL): SectionModel {
  return parseSectionModel(JSON.parse(readFileSync(url, 'utf8')));
}

export function createSectionClassifier(model: SectionModel): SectionClassifier {
  const k = SECTIONS.length;
  const weights = new Map<string, Float64Array>();
  for (const [term, row] of Object.entries(model.weights)) {
    weights.set(
      term,
      Float64Array.from(row, (w) => w / model.scale),
    );
  }
  const bias = model.bias.map((b) => b / model.scale);
  const score = (title: string, paragraphs: readonly string[]): { s: number[]; known: number } => {
    const s = [...bias];
    let known = 0;
    for (const [term, x] of sectionFeatures(title, paragraphs.join('\n'))) {
      const row = weights.get(term);
      if (row === undefined) continue;
      known++;
      for (let c = 0; c < k; c++) s[c]! += row[c]! * x;
    }
    return { s, known };
  };
  return {
    scores: (title, paragraphs) => score(title, paragraphs).s,
    classify(title, paragraphs) {
      const { s, known } = score(title, paragraphs);
      if (known === 0) return 'misc';
      let best = 0;
      for (let c = 1; c < k; c++) if (s[c]! > s[best]!) best = c;
      return SECTIONS[best] ?? 'misc';
    },
  };
}

let defaultClassifier: SectionClassifier | undefined;

/** The classifier over the committed model, built on first use (importing this file reads nothing). */
export function sectionClassifier(): SectionClassifier {
  defaultClassifier ??= createSectionClassifier(loadSectionModel());
  return defaultClassifier;
}

// Category names publishers use, per section (Arabic, English, and their common variants).
// Matched word by word on light10 stems, so سياسة / سياسي / السياسية / Politics all match.
const CATEGORY_WORDS: Readonly<Record<Section, string>> = {
  politics: 'سياسة سياسي سياسية سياسيات politics political politic',
  economy:
    'اقتصاد اقتصادي اقتصادية مال أعمال مالية بورصة أسواق economy economic economics business finance markets money',
  sport: 'رياضة رياضي رياضية رياضات كرة القدم ملاعب sport sports football soccer',
  culture: 'ثقافة ثقافي ثقافية فن فنون أدب آداب سينما culture cultural arts art books',
  technology:
    'تكنولوجيا تقنية تقنيات تقني علوم علمي رقمي اتصالات technology tech science sciences digital',
  society: 'مجتمع مجتمعي اجتماعي اجتماعية صحة تعليم society social health education',
  local: 'محلي محلية محليات وطني وطنية جهوي جهويات جهات local national regional regions',
  international:
    'دولي دولية دوليات عالم عالمي عالمية العالم عربي دولي international world global worldwide',
  misc: 'منوعات منوع متفرقات متنوعة طرائف miscellaneous misc various variety diverse lifestyle',
};
// Words that say "news" and nothing about the topic: أخبار وطنية is national, World News is world.
const GENERIC_WORDS = 'أخبار خبر شؤون الشأن قسم ملف أنباء news the and of section';

function categoryKeys(words: string): string[] {
  return tokenize(words).map((t) => stemLight10(t));
}

const GENERIC = new Set(categoryKeys(GENERIC_WORDS));
const SECTION_OF_KEY: ReadonlyMap<string, Section> = (() => {
  const table = new Map<string, Section>();
  for (const section of SECTIONS) {
    for (const key of categoryKeys(CATEGORY_WORDS[section])) table.set(key, section);
  }
  return table;
})();

/**
 * The section a publisher's category names (رياضة، Politics، أخبار وطنية، علوم وتكنولوجيا),
 * or undefined when it names none or names two (سياسة دولية: the classifier decides).
 */
export function sectionOfCategory(category: string): Section | undefined {
  if (typeof category !== 'string' || category.length > 60) return undefined;
  const found = new Set<Section>();
  let unknown = 0;
  for (const raw of categoryKeys(category)) {
    // A joined و (وفنون) is a conjunction here: try the word without it.
    const key = SECTION_OF_KEY.has(raw) || !raw.startsWith('و') ? raw : stemLight10(raw.slice(1));
    if (GENERIC.has(key)) continue;
    const section = SECTION_OF_KEY.get(key);
    if (section === undefined) unknown++;
    else found.add(section);
  }
  // Words we don't know beside ones we do (رياضة عالمية is fine; "Tunisie Football Club" is a name).
  if (found.size !== 1 || unknown > 1) return undefined;
  return [...found][0];
}

export interface SectionChoice {
  section: Section;
  /** Where it came from: the publisher's category, or the classifier. */
  from: 'category' | 'classifier';
  /** The publisher's tags that named no section: still hashtag candidates. */
  otherTags: string[];
}

/**
 * The article's section: the first publisher tag (feed <category>, articleSection) that maps
 * to a section wins; otherwise the classifier reads the title and story.
 */
export function pickSection(
  input: { title: string; paragraphs: readonly string[]; tags?: readonly string[] },
  classifier: SectionClassifier = sectionClassifier(),
): SectionChoice {
  let fromTag: Section | undefined;
  const otherTags: string[] = [];
  for (const tag of input.tags ?? []) {
    const section = typeof tag === 'string' ? sectionOfCategory(tag) : undefined;
    if (section === undefined) otherTags.push(tag);
    else fromTag ??= section;
  }
  if (fromTag !== undefined) return { section: fromTag, from: 'category', otherTags };
  return {
    section: classifier.classify(input.title, input.paragraphs),
    from: 'classifier',
    otherTags,
  };
}
