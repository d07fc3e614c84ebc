import type { Article } from '../../src/article/types.ts';

/** A minimal Article for formatter tests; fields not given are empty. */
export function makeArticle(fields: Partial<Article> = {}): Article {
  return {
    id: 'art-test',
    title: '',
    paragraphs: [],
    summary: [],
    hashtags: [],
    receivedAt: '2024-05-01T10:00:00.000Z',
    contentHash: '0'.repeat(64),
    minhash: [],
    ...fields,
  };
}
