import { createHash } from 'node:crypto';
import { cleanParagraphs } from './clean.ts';
import { canonicalUrl, pickCredit } from './credit.ts';
import { ArticleError } from './errors.ts';
import { extractArticle } from './extract.ts';
import { contentHash, minhashSignature } from './fingerprint.ts';
import { guardRawArticle } from './guards.ts';
import { pickHashtags } from './hashtags.ts';
import { pickSection } from './section.ts';
import { storySentences, summarize } from './summarize.ts';
import type { Article, RawArticle } from './types.ts';

export interface BuildOptions {
  /** Summary length in sentences (default 2–3). */
  sentences?: number;
  /** Summary length as a word budget instead. */
  words?: number;
}

/**
 * RawArticle → Article: extract → clean → credit → summarize → section → hashtags → fingerprint.
 * Pure and deterministic for a given input. Throws ArticleError when there is no story to post.
 */
export function buildArticle(raw: RawArticle, opts: BuildOptions = {}): Article {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ArticleError('bad-input', 'The article must be an object.');
  }
  if (typeof raw.receivedAt !== 'string' || Number.isNaN(Date.parse(raw.receivedAt))) {
    throw new ArticleError('bad-input', 'The article has no valid receivedAt date.');
  }
  guardRawArticle(raw);
  const extracted = extractArticle(raw);
  const publisher = typeof raw.publisher === 'string' ? raw.publisher : undefined;
  const cleaned = cleanParagraphs(extracted.paragraphs, {
    knownNames: [publisher, extracted.publisher].filter((n): n is string => n !== undefined),
  });
  // A feed item or a page with a title and a link is a story even without text: it is posted
  // with its title and link (a title-only feed item must never fail its job).
  const linked = extracted.url !== undefined || safeLink(raw.url) || isObject(raw.feedItem);
  if (cleaned.paragraphs.length === 0 && !(linked && extracted.title !== '')) {
    throw new ArticleError('empty', 'The article has no story text.');
  }
  const summary = summarize(cleaned.paragraphs, {
    title: extracted.title || undefined,
    sentences: opts.sentences,
    words: opts.words,
  });
  if (summary.length === 0 && cleaned.paragraphs.length > 0 && extracted.title === '') {
    throw new ArticleError('empty', 'The article has no sentence to summarize.');
  }
  // No headline (pasted text starting with its lead, a page without <title>): the lead gives one.
  const title =
    extracted.title !== '' ? extracted.title : titleFromLead(summary, cleaned.paragraphs);
  if (title === '') {
    throw new ArticleError('no-title', 'The article has no title.');
  }
  const credit = pickCredit({
    rawPublisher: publisher,
    siteName: extracted.publisher,
    sourceNames: cleaned.sourceNames,
    followUsNames: cleaned.followUsNames,
    datelineNames: cleaned.datelineNames,
  });
  const body = cleaned.paragraphs.join('\n');
  const hash = contentHash(`${title}\n${body}`);
  const url = canonicalUrl(extracted.url ?? raw.url ?? '');
  // No ':' in the id: it doubles as a BullMQ job id.
  const id = url ? `a-${sha256(url).slice(0, 20)}` : `h-${hash.slice(0, 20)}`;

  // A publisher tag naming a section decides it; the tags that name none stay hashtag candidates.
  const section = pickSection({ title, paragraphs: cleaned.paragraphs, tags: extracted.tags });

  const article: Article = {
    id,
    title,
    paragraphs: cleaned.paragraphs,
    summary,
    section: section.section,
    hashtags: pickHashtags(title, cleaned.paragraphs, { candidates: section.otherTags }),
    receivedAt: raw.receivedAt,
    contentHash: hash,
    minhash: minhashSignature(body),
  };
  if (credit.source !== undefined) article.source = credit.source;
  if (credit.publisher !== undefined) article.publisher = credit.publisher;
  if (url !== undefined) article.url = url;
  if (extracted.imageUrl !== undefined) article.imageUrl = extracted.imageUrl;
  if (extracted.publishedAt !== undefined) article.publishedAt = extracted.publishedAt;
  if (typeof raw.sourceId === 'string' && raw.sourceId !== '') article.sourceId = raw.sourceId;
  return article;
}

const TITLE_WORDS = 14;

/** The lead's first sentence, cut at a word boundary with "…" when it is long. */
export function titleFromLead(summary: string[], paragraphs: string[]): string {
  const lead = summary[0] ?? storySentences(paragraphs)[0] ?? '';
  const words = lead.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean);
  if (words.length <= TITLE_WORDS) return words.join(' ');
  return `${words
    .slice(0, TITLE_WORDS)
    .join(' ')
    .replace(/[،,؛;:\-–—]+$/u, '')}…`;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function safeLink(url: unknown): boolean {
  return typeof url === 'string' && canonicalUrl(url) !== undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
