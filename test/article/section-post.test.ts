import { describe, expect, it } from 'vitest';
import { SECTION_HASHTAGS } from '../../src/article/hashtags.ts';
import { buildArticle } from '../../src/article/pipeline.ts';
import { SECTIONS } from '../../src/article/types.ts';
import { RLM } from '../../src/telegram/bidi.ts';
import { formatPost } from '../../src/telegram/format.ts';
import { makeArticle } from '../telegram/article.ts';

const tagLine = (html: string) => html.split('\n\n').at(-1) ?? '';

describe("the section is the post's first hashtag", () => {
  it.each(SECTIONS.map((s) => [s, SECTION_HASHTAGS[s]] as const))('%s → #%s', (section, tag) => {
    const post = formatPost(makeArticle({ title: 'ع', section, hashtags: ['إيران', 'العراق'] }));
    expect(tagLine(post.html)).toBe(`${RLM}#${tag} #إيران #العراق`);
    expect(tagLine(post.plain)).toBe(`${RLM}#${tag} #إيران #العراق`);
  });

  it('keeps three story tags after it, and does not repeat it', () => {
    const post = formatPost(
      makeArticle({ title: 'ع', section: 'sport', hashtags: ['رياضة', 'الترجي', 'النجم', 'رادس'] }),
    );
    expect(tagLine(post.html)).toBe(`${RLM}#رياضة #الترجي #النجم #رادس`);
  });

  it('is left out for an article without a section or with an unknown one (old stored data)', () => {
    expect(tagLine(formatPost(makeArticle({ title: 'ع', hashtags: ['إيران'] })).html)).toBe(
      `${RLM}#إيران`,
    );
    const old = { ...makeArticle({ title: 'ع', hashtags: ['إيران'] }), section: 'weather' };
    // @ts-expect-error: a stored article from another version may carry any string
    expect(tagLine(formatPost(old).html)).toBe(`${RLM}#إيران`);
  });

  it('from a built article: a feed category naming a section gives the first tag', () => {
    const article = buildArticle({
      feedItem: {
        title: 'مهرجان قرطاج الدولي يفتتح دورته بعرض موسيقي',
        link: 'https://example.com/culture/7',
        description:
          'افتتح مهرجان قرطاج الدولي دورته الجديدة بعرض موسيقي على المسرح الأثري. وحضر العرض جمهور غفير من محبي الموسيقى.',
        categories: ['ثقافة'],
      },
      receivedAt: '2024-05-01T10:00:00.000Z',
    });
    expect(article.section).toBe('culture');
    expect(tagLine(formatPost(article).html).startsWith(`${RLM}#ثقافة`)).toBe(true);
  });
});
