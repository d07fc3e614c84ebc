import type { Article } from '../article/types.ts';
import { isIndexable } from '../text/query.ts';
import { stripUnsafeChars } from '../text/sanitize.ts';
import { tokenize } from '../text/tokenize.ts';

// The follow button under channel posts: a deep link t.me/<bot>?start=f_<article id>. The
// payload names the article only (Telegram allows 64 characters of [A-Za-z0-9_-]); the bot
// reads the topic from the stored article, so nothing in a payload is ever run or trusted.

const PAYLOAD_RE = /^f_([ah]-[0-9a-f]{20})$/;
const MAX_TOPIC = 40;

/** The /start payload for an article's follow button. */
export function followPayload(articleId: string): string | undefined {
  const payload = `f_${articleId}`;
  return PAYLOAD_RE.test(payload) ? payload : undefined;
}

/** The article id of a follow payload, or undefined for anything else. */
export function parseFollowPayload(payload: unknown): string | undefined {
  if (typeof payload !== 'string' || payload.length > 64) return undefined;
  return PAYLOAD_RE.exec(payload)?.[1];
}

/**
 * A post's main topic, as words a reader can follow: its first hashtag ("وزير_الدفاع" →
 * "وزير الدفاع"), else the first two searchable words of its title. Undefined when neither.
 */
export function mainTopic(article: Pick<Article, 'hashtags' | 'title'>): string | undefined {
  const tag = Array.isArray(article.hashtags) ? article.hashtags[0] : undefined;
  const clean = (s: string) =>
    stripUnsafeChars(s)
      .replace(/[_\s]+/g, ' ')
      .trim();
  if (typeof tag === 'string' && tokenize(tag).some(isIndexable)) {
    const t = clean(tag);
    if (t !== '' && t.length <= MAX_TOPIC) return t;
  }
  // A short lead before a colon is a dateline ("القصرين : حجز …"): the topic is what follows.
  const title = clean(typeof article.title === 'string' ? article.title : '');
  const colon = title.search(/[:：]/);
  const lead = colon > 0 ? title.slice(0, colon).trim().split(' ').length : 0;
  const words = (lead > 0 && lead <= 3 ? title.slice(colon + 1) : title)
    .split(' ')
    .filter((w) => tokenize(w).some((t) => isIndexable(t) && !/^\d/.test(t)))
    .slice(0, 2)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean);
  const topic = words.join(' ').slice(0, MAX_TOPIC).trim();
  return topic === '' ? undefined : topic;
}
