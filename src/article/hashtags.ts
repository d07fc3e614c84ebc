import { isHashtagStopword, isStopword } from '../text/stopwords.ts';
import { tokenize } from '../text/tokenize.ts';
import type { Section } from './types.ts';

/** The hashtag each section shows as a post's first tag (without '#'). */
export const SECTION_HASHTAGS: Readonly<Record<Section, string>> = {
  politics: 'سياسة',
  economy: 'اقتصاد',
  sport: 'رياضة',
  culture: 'ثقافة',
  technology: 'تكنولوجيا',
  society: 'مجتمع',
  local: 'محلي',
  international: 'دولي',
  misc: 'منوعات',
};

/** The section's hashtag, or undefined for anything that is not a section (stored data may be old). */
export function sectionHashtag(section: unknown): string | undefined {
  return typeof section === 'string' ? SECTION_TAG_OF.get(section) : undefined;
}
const SECTION_TAG_OF: ReadonlyMap<string, string> = new Map(Object.entries(SECTION_HASHTAGS));

const MAX_TAGS = 3;
const MIN_MENTIONS = 2;
// Clitics glued to the front of a word: و ف ب ك ل and their pairs ("والعراق", "بالعراق").
const PROCLITICS = ['وب', 'ول', 'وك', 'فب', 'فل', 'و', 'ف', 'ب', 'ك', 'ل'];

interface Candidate extends TitleWord {
  mentions: number;
  position: number;
}

export interface HashtagOptions {
  /** The publisher's own tags (feed <category>, JSON-LD articleSection/keywords): candidates too. */
  candidates?: string[];
}

const MAX_NAME_WORDS = 4;
const MAX_CANDIDATES = 20;
// The first word of a compound name: never a tag, nor the end of one (خالد عبد | الكريم).
const NAME_PARTICLES = new Set([
  'عبد',
  'ابو',
  'ابي',
  'بن',
  'ابن',
  'بنت',
  'ال',
  'ذو',
  'ذي',
  'دي',
  'دو',
  'فان',
  'فون',
]);
// Heads of place names that a preposition is glued to in headlines (بريف دمشق, بمدينة حلب).
const PLACE_HEADS = new Set([
  'ريف',
  'مدينه',
  'منطقه',
  'محافظه',
  'بلده',
  'قريه',
  'ولايه',
  'اقليم',
  'مخيم',
  'حي',
  'شمال',
  'جنوب',
  'شرق',
  'غرب',
  'وسط',
  'جزيره',
  'قطاع',
  'ضاحيه',
]);

/**
 * Up to three hashtags: title words, whole names of up to four title words that the story
 * repeats side by side (خالد عبد الكريم), and the publisher's own tags when the story mentions
 * them. Never a stopword, never a piece of a longer name, never a word with a preposition glued
 * on. The most mentioned first. Display form, without '#'; the words of a name joined with '_'.
 */
export function pickHashtags(
  title: string,
  paragraphs: string[],
  opts: HashtagOptions = {},
): string[] {
  if (typeof title !== 'string' || !Array.isArray(paragraphs)) return [];
  const body = paragraphs.filter((p): p is string => typeof p === 'string').join('\n');
  const bodyTokens = tokenize(body);
  const counts = new Map<string, number>();
  for (const token of bodyTokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  const mentions = (key: string): number => {
    let total = 0;
    for (const [token, count] of counts) if (mentionOf(token, key)) total += count;
    return total;
  };
  /** How often the story has these words in a row (a clitic allowed on the first only). */
  const runMentions = (keys: string[], tokens: string[]): number => {
    let together = 0;
    for (let j = 0; j + keys.length <= tokens.length; j++) {
      if (!mentionOf(tokens[j]!, keys[0]!)) continue;
      if (keys.every((key, k) => k === 0 || tokens[j + k] === key)) together++;
    }
    return together;
  };

  const singles: Candidate[] = titleWords(title, counts).map((word, position) => ({
    ...word,
    mentions: isTagWord(word.key) ? mentions(word.key) : 0,
    position,
  }));

  // Title words the story keeps writing side by side are one name: the longest such run wins.
  const names: Candidate[] = [];
  const inNames = new Set<number>();
  for (let i = 0; i < singles.length; i++) {
    const first = singles[i]!;
    if (counts.size === 0 || (first.mentions < MIN_MENTIONS && !isParticle(first.key))) continue;
    let best: { end: number; together: number } | undefined;
    for (let end = i + 1; end < Math.min(singles.length, i + MAX_NAME_WORDS); end++) {
      const words = singles.slice(i, end + 1);
      const added = words[words.length - 1]!;
      if (added.clitic || (!isParticle(added.key) && !isTagWord(added.key))) break;
      const together = runMentions(
        words.map((w) => w.key),
        bodyTokens,
      );
      const least = Math.min(...words.map((w) => (isParticle(w.key) ? together : w.mentions)));
      if (together < MIN_MENTIONS || together < 0.7 * least) break;
      best = { end, together };
    }
    if (best === undefined) continue;
    let words = singles.slice(i, best.end + 1);
    // A name never ends on its particle (خالد عبد): drop the dangling word.
    while (words.length > 1 && isParticle(words[words.length - 1]!.key)) words = words.slice(0, -1);
    if (words.length < 2) continue;
    names.push({
      display: words.map((w) => w.display).join('_'),
      key: words.map((w) => w.key).join(' '),
      clitic: first.clitic,
      mentions: best.together,
      position: i,
    });
    for (let k = i; k <= best.end; k++) inNames.add(k);
    i = best.end;
  }

  const extra: Candidate[] = [];
  const candidates = Array.isArray(opts.candidates) ? opts.candidates.slice(0, MAX_CANDIDATES) : [];
  const titleTokens = tokenize(title);
  for (const [index, candidate] of candidates.entries()) {
    if (typeof candidate !== 'string') continue;
    const words = candidate.match(/[\p{L}\p{M}\p{Nd}]+/gu) ?? [];
    const keys = words.map((w) => tokenize(w).join(''));
    if (words.length === 0 || words.length > MAX_NAME_WORDS || keys.some((k) => k === '')) continue;
    if (words.length === 1 && !isTagWord(keys[0]!)) continue;
    if (keys.every((k) => isStopword(k) || isHashtagStopword(k))) continue;
    const seen = runMentions(keys, bodyTokens) + runMentions(keys, titleTokens);
    if (seen === 0) continue;
    extra.push({
      display: words.map((w) => w.replace(/[\u200c\u200d]/g, '')).join('_'),
      key: keys.join(' '),
      clitic: false,
      // The publisher chose it: it counts as one mention more than the story gives it.
      mentions: Math.max(seen + 1, MIN_MENTIONS),
      position: singles.length + index,
    });
  }

  // Two title words next to each other that the story writes side by side nearly every time the
  // rarer one appears are pieces of one name (سفيان طوبال), even when that is only once.
  for (let i = 0; i + 1 < singles.length; i++) {
    const a = singles[i]!;
    const b = singles[i + 1]!;
    if (inNames.has(i) || inNames.has(i + 1) || b.clitic) continue;
    if (a.mentions < MIN_MENTIONS || b.mentions < MIN_MENTIONS) continue;
    const together = runMentions([a.key, b.key], bodyTokens);
    if (together < 1 || together < 0.7 * Math.min(a.mentions, b.mentions)) continue;
    names.push({
      display: `${a.display}_${b.display}`,
      key: `${a.key} ${b.key}`,
      clitic: a.clitic,
      mentions: Math.max(a.mentions, b.mentions),
      position: i,
    });
    inNames.add(i);
    inNames.add(i + 1);
  }

  const ranked = [...names, ...singles.filter((_, i) => !inNames.has(i)), ...extra]
    .filter((c) => c.mentions >= MIN_MENTIONS && !isParticle(c.key))
    .sort((x, y) => y.mentions - x.mentions || x.position - y.position);
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const candidate of ranked) {
    // A word of a name already tagged is a piece of it, not a tag of its own.
    const pieces = candidate.key.split(' ');
    if (seen.has(candidate.key) || pieces.every((p) => seen.has(p))) continue;
    seen.add(candidate.key);
    for (const piece of pieces) seen.add(piece);
    tags.push(candidate.display);
    if (tags.length === MAX_TAGS) break;
  }
  return tags;
}

function isParticle(key: string): boolean {
  return NAME_PARTICLES.has(key);
}

/** A story token mentions a title word bare, after a clitic ("والعراق"), or as لل ("للعراق"). */
function mentionOf(token: string, key: string): boolean {
  if (token === key) return true;
  if (key.startsWith('ال') && token === `ل${key.slice(1)}`) return true;
  return token.endsWith(key) && PROCLITICS.includes(token.slice(0, token.length - key.length));
}

/**
 * Title words in display form. A leading clitic is dropped only when what remains is clearly
 * a word of its own (starts with ال, or stands alone in the story): وثيقة keeps its و.
 */
function titleWords(title: string, counts: Map<string, number>): TitleWord[] {
  const out: TitleWord[] = [];
  for (const match of title.matchAll(/[\p{L}\p{M}\p{Nd}]+/gu)) {
    const display = match[0].replace(/[\u200c\u200d]/g, '');
    const key = tokenize(display).join('');
    if (key === '') continue;
    // لل is ل + ال with the alef dropped (للأطفال = ل + الأطفال): the tag is the ال form.
    if (key.startsWith('لل') && key.length >= 5) {
      const letters = Array.from(display);
      const cut = letters.findIndex((ch, i) => i > 0 && /\p{L}/u.test(ch));
      out.push({
        display: `ا${letters.slice(cut).join('')}`,
        key: `ا${key.slice(1)}`,
        clitic: true,
      });
      continue;
    }
    const clitic = PROCLITICS.find((c) => {
      const rest = key.slice(c.length);
      return (
        key.startsWith(c) &&
        rest.length >= 2 &&
        (rest.startsWith('ال') || counts.has(rest) || PLACE_HEADS.has(rest)) &&
        (rest.length >= 3 || PLACE_HEADS.has(rest))
      );
    });
    if (clitic === undefined) {
      out.push({ display, key, clitic: false });
    } else {
      // Clitic letters have no marks in practice: drop as many leading letters as the key lost.
      const letters = Array.from(display);
      let cut = 0;
      for (let seen = 0; cut < letters.length && seen < clitic.length; cut++) {
        if (/\p{L}/u.test(letters[cut]!)) seen++;
      }
      out.push({
        display: letters.slice(cut).join(''),
        key: key.slice(clitic.length),
        clitic: true,
      });
    }
  }
  return out;
}

interface TitleWord {
  display: string;
  key: string;
  clitic: boolean;
}

function isTagWord(key: string): boolean {
  return key.length >= 3 && !/^\p{Nd}+$/u.test(key) && !isStopword(key) && !isHashtagStopword(key);
}
