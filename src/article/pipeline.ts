import { createHash } from 'node:crypto';
import { cleanParagraphs } from './clean.ts';
import { canonicalUrl, pickCredit } from './credit.ts';
import { ArticleError } from './errors.ts';
import { extractArticle } from './extract.ts';
import { contentHash, minhashSignature } from './fingerprint.ts';
import { guardRawArticle } from './guards.ts';
import { pickHashtags } from './hashtags.ts';
import { summarize } from './summarize.ts';
import type { Article, RawArticle } from './types.ts';

export interface BuildOptions {
  /** Summary length in sentences (default 2–3). */
  sentences?: number;
  /** Summary length as a word budget instead. */
  words?: number;
}

/**
 * RawArticle → Article: extract → clean → credit → summarize → hashtags → fingerprint.
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
  if (cleaned.paragraphs.length === 0) {
    throw new ArticleError('empty', 'The article has no story text.');
  }
  if (extracted.title === '') {
    throw new ArticleError('no-title', 'The article has no title.');
  }
  const summary = summarize(cleaned.paragraphs, {
    title: extracted.title,
    sentences: opts.sentences,
    words: opts.words,
  });
  if (summary.length === 0) {
    throw new ArticleError('empty', 'The article has no sentence to summarize.');
  }
  const credit = pickCredit({
    rawPublisher: publisher,
    siteName: extracted.publisher,
    sourceNames: cleaned.sourceNames,
    followUsNames: cleaned.followUsNames,
    datelineNames: cleaned.datelineNames,
  });
  const body = cleaned.paragraphs.join('\n');
  const hash = contentHash(`${extracted.title}\n${body}`);
  const url = canonicalUrl(extracted.url ?? raw.url ?? '');
  // No ':' in the id: it doubles as a BullMQ job id.
  const id = url ? `a-${sha256(url).slice(0, 20)}` : `h-${hash.slice(0, 20)}`;

  const article: Article = {
    id,
    title: extracted.title,
    paragraphs: cleaned.paragraphs,
    summary,
    hashtags: pickHashtags(extracted.title, cleaned.paragraphs),
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

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
