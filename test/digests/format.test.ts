import { describe, expect, it } from 'vitest';
import type { Section } from '../../src/article/types.ts';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { type DigestStory, formatDigest, rankStories } from '../../src/jobs/digests.ts';
import type { StoredArticle } from '../../src/store/articles.ts';

const article = (id: string, title: string, section?: Section): StoredArticle => ({
  id,
  title,
  paragraphs: [],
  summary: [],
  hashtags: [],
  receivedAt: '2026-01-01T00:00:00Z',
  contentHash: id,
  minhash: [],
  seq: 1,
  ...(section ? { section } : {}),
});

describe('digest format', () => {
  it('splits a long digest between lines, each part valid HTML under 4096, every story once', () => {
    const sections: Section[] = ['politics', 'economy', 'sport'];
    const stories: DigestStory[] = Array.from({ length: 120 }, (_, i) => ({
      article: article(
        `a${i}`,
        `خبر رقم ${i} ${'عن موضوع طويل جدا '.repeat(8)}<&>`,
        sections[i % 3],
      ),
      pick: i % 10 === 0,
      carriers: 1 + (i % 4),
      link: `https://news.example/${i}?a=1&b=2`,
    }));
    const at = new Map(stories.map((s, i) => [s.article.id, i]));
    const ranked = rankStories(stories, at);
    expect(ranked.slice(0, 12).every((s) => s.pick)).toBe(true);
    const parts = formatDigest(ranked, 'موجز');
    expect(parts.length).toBeGreaterThan(1);
    let seen = 0;
    for (const part of parts) {
      const parsed = parseTelegramHtml(part);
      expect(parsed.text.length).toBeLessThanOrEqual(4096);
      // Every part starts with a heading (the digest's, or its section's again).
      expect(parsed.text.trimStart()).toMatch(/^\u200f?(موجز|#)/);
      seen += (parsed.text.match(/خبر رقم/g) ?? []).length;
    }
    expect(seen).toBe(120);
  });
});
