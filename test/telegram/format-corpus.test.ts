import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../src/demo/telegram-html.ts';
import { RLM } from '../../src/telegram/bidi.ts';
import { formatPost, LIMITS } from '../../src/telegram/format.ts';
import { antSample } from '../support/corpus.ts';
import { makeArticle } from './article.ts';

// Real Arabic news from the ANT corpus, with the story's first sentences as a stand-in summary.
describe('formatPost on real articles', () => {
  const sample = antSample(200);

  it('has a sample to work with', () => {
    expect(sample.length).toBeGreaterThan(150);
  });

  it('gives valid HTML within both limits, with the credit linked', () => {
    for (const ant of sample) {
      const sentences = ant.text.split(/(?<=[.؟!])\s+/).slice(0, 6);
      const article = makeArticle({
        title: ant.title,
        summary: sentences,
        publisher: 'جوهرة أف أم',
        source: ant.source,
        url: ant.url,
        hashtags: [ant.category],
      });
      for (const caption of [false, true]) {
        const post = formatPost(article, { caption });
        const parsed = parseTelegramHtml(post.html);
        expect(parsed.text.length).toBe(post.length);
        expect(post.length).toBeLessThanOrEqual(caption ? LIMITS.caption : LIMITS.text);
        expect(post.plain.length).toBeLessThanOrEqual(caption ? LIMITS.caption : LIMITS.text);
        expect(parsed.text.startsWith(`${RLM}\u2068`)).toBe(true);
        expect(parsed.entities[0]?.type).toBe('bold');
        if (post.html.includes('<a href=')) {
          expect(parsed.entities.some((e) => e.type === 'text_link')).toBe(true);
        }
      }
    }
  });
});
