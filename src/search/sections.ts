import { SECTIONS, type Section } from '../article/types.ts';
import { normalizeForMatch } from '../text/normalize.ts';

// Sections as readers name them: "/search رياضة: الترجي" or "/search sport: Tunis". The index
// keeps each article's section as one more posting list (sectionTerm), so a filter is one
// list read and one merge.

/** Display names, Arabic and English. */
export const SECTION_NAMES: Readonly<Record<Section, { ar: string; en: string }>> = {
  politics: { ar: 'سياسة', en: 'Politics' },
  economy: { ar: 'اقتصاد', en: 'Economy' },
  sport: { ar: 'رياضة', en: 'Sport' },
  culture: { ar: 'ثقافة', en: 'Culture' },
  technology: { ar: 'تكنولوجيا', en: 'Technology' },
  society: { ar: 'مجتمع', en: 'Society' },
  local: { ar: 'محليات', en: 'Local' },
  international: { ar: 'دولي', en: 'International' },
  misc: { ar: 'منوعات', en: 'Misc' },
};

// Every name a reader may type, in match form (normalizeForMatch), with and without "ال".
const ALIASES: Readonly<Record<Section, readonly string[]>> = {
  politics: ['سياسة', 'سياسه', 'سياسي', 'politics', 'political'],
  economy: ['اقتصاد', 'اقتصادي', 'economy', 'economics', 'business'],
  sport: ['رياضة', 'رياضه', 'رياضي', 'sport', 'sports'],
  culture: ['ثقافة', 'ثقافه', 'ثقافي', 'فن', 'culture', 'arts'],
  technology: ['تكنولوجيا', 'تقنية', 'تقنيه', 'علوم', 'technology', 'tech', 'science'],
  society: ['مجتمع', 'اجتماعي', 'society'],
  local: ['محليات', 'محلي', 'محلية', 'محليه', 'local'],
  international: ['دولي', 'دولية', 'دوليه', 'عالمي', 'عالم', 'international', 'world'],
  misc: ['منوعات', 'متفرقات', 'misc', 'other'],
};

const BY_NAME = new Map<string, Section>();
for (const s of SECTIONS) {
  BY_NAME.set(s, s);
  for (const a of ALIASES[s]) {
    const n = normalizeForMatch(a);
    BY_NAME.set(n, s);
    if (!n.startsWith('ال') && /\p{Script=Arabic}/u.test(n)) BY_NAME.set(`ال${n}`, s);
  }
}

export function isSection(x: unknown): x is Section {
  return typeof x === 'string' && (SECTIONS as readonly string[]).includes(x);
}

/** The section a reader's word names ("الرياضة", "Sports"), or undefined. */
export function sectionByName(name: string): Section | undefined {
  if (typeof name !== 'string' || name.length > 40) return undefined;
  return BY_NAME.get(normalizeForMatch(name.trim()));
}

/**
 * Splits "رياضة: الترجي" into the section and the rest. Only a known section name before the
 * first colon counts, so "سعر: 5" stays a plain query.
 */
export function splitSection(query: string): { section?: Section; rest: string } {
  const m = /^\s*([^:：\s][^:：]{0,39}?)\s*[:：]\s*(.*)$/su.exec(query);
  if (!m) return { rest: query };
  const section = sectionByName(m[1] ?? '');
  return section ? { section, rest: m[2] ?? '' } : { rest: query };
}

/** The posting list holding every doc of `section`. */
export const sectionTerm = (section: Section): string => `c:${section}`;
