import { isStopword } from '../text/stopwords.ts';
import { tokenize } from '../text/tokenize.ts';

const MAX_TAGS = 3;
const MIN_MENTIONS = 2;
// Clitics glued to the front of a word: و ف ب ك ل and their pairs ("والعراق", "بالعراق").
const PROCLITICS = ['وب', 'ول', 'وك', 'فب', 'فل', 'و', 'ف', 'ب', 'ك', 'ل'];

interface Candidate extends TitleWord {
  mentions: number;
  position: number;
}

/**
 * Up to three hashtags from the title: words (or two-word names) that are not stopwords and
 * come back in the story, the most mentioned first (those are the names: إيران, العراق).
 * Display form, without '#'; the words of a name are joined with '_'.
 */
export function pickHashtags(title: string, paragraphs: string[]): string[] {
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

  const singles: Candidate[] = titleWords(title, counts).map((word, position) => ({
    ...word,
    mentions: isTagWord(word.key) ? mentions(word.key) : 0,
    position,
  }));

  // Two title words that occur side by side in the story nearly every time are one name.
  const names: Candidate[] = [];
  for (let i = 0; i + 1 < singles.length; i++) {
    const a = singles[i]!;
    const b = singles[i + 1]!;
    if (a.mentions < MIN_MENTIONS || b.mentions < MIN_MENTIONS || b.clitic) continue;
    let together = 0;
    for (let j = 0; j + 1 < bodyTokens.length; j++) {
      if (mentionOf(bodyTokens[j]!, a.key) && bodyTokens[j + 1] === b.key) together++;
    }
    if (together >= MIN_MENTIONS && together >= 0.7 * Math.min(a.mentions, b.mentions)) {
      const key = `${a.key} ${b.key}`;
      names.push({
        display: `${a.display}_${b.display}`,
        key,
        clitic: a.clitic,
        mentions: together,
        position: i,
      });
    }
  }
  const inNames = new Set(names.flatMap((n) => [n.position, n.position + 1]));

  const ranked = [...names, ...singles.filter((_, i) => !inNames.has(i))]
    .filter((c) => c.mentions >= MIN_MENTIONS)
    .sort((x, y) => y.mentions - x.mentions || x.position - y.position);
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const candidate of ranked) {
    if (seen.has(candidate.key)) continue;
    seen.add(candidate.key);
    tags.push(candidate.display);
    if (tags.length === MAX_TAGS) break;
  }
  return tags;
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
    const clitic = PROCLITICS.find((c) => {
      const rest = key.slice(c.length);
      return key.startsWith(c) && rest.length >= 3 && (rest.startsWith('ال') || counts.has(rest));
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
  return key.length >= 3 && !/^\p{Nd}+$/u.test(key) && !isStopword(key);
}
