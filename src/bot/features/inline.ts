import { Composer } from 'grammy';
import type { InlineQueryResultArticle } from 'grammy/types';
import { makeSnippet } from '../../search/snippet.ts';
import type { Services } from '../../services.ts';
import type { StoredArticle } from '../../store/articles.ts';
import { MAX_OFFSET } from '../../store/search-index.ts';
import { formatPost } from '../../telegram/format.ts';
import { safeHref } from '../../telegram/html.ts';
import type { BotContext } from '../context.ts';
import type { Lang } from '../i18n.ts';
import { latestArticles } from './latest.ts';
import {
  checkQuery,
  createUserLimiter,
  cutText,
  formatDate,
  queryWords,
  storyText,
  type UserLimiter,
} from './search.ts';

// Inline mode: "@bot words" in any chat lists matching articles; the chosen one is sent as the
// formatted post (the same HTML as in the channel). An empty query lists the latest posts.

/** Telegram takes at most 50 results per answer. */
export const INLINE_PAGE = 50;
/** Seconds Telegram may serve an answer from its cache; short, so new posts show up soon. */
export const INLINE_CACHE_SECONDS = 30;

/** An inline result id: the article id when it fits Telegram's 64 bytes (ours always do). */
const resultId = (id: string): string | undefined =>
  Buffer.byteLength(id, 'utf8') <= 64 && id !== '' ? id : undefined;

function toResult(
  article: StoredArticle,
  sentAt: number,
  timeZone: string,
  lang: Lang,
  words: readonly string[],
) {
  const id = resultId(article.id);
  if (!id) return undefined;
  const post = formatPost(article);
  const date = formatDate(sentAt, lang, timeZone);
  const source = cutText(article.publisher ?? article.source ?? '', 40);
  // A description is plain text: the line around the matched words, without bold.
  const line = makeSnippet(storyText(article), words, 120)
    .map((p) => p.text)
    .join('');
  const thumb = article.imageUrl ? safeHref(article.imageUrl) : undefined;
  const result: InlineQueryResultArticle = {
    type: 'article',
    id,
    title: cutText(article.title, 120) || '…',
    description: [[source, date].filter(Boolean).join(' · '), line].filter(Boolean).join('\n'),
    ...(thumb ? { thumbnail_url: thumb } : {}),
    input_message_content: {
      message_text: post.html,
      parse_mode: 'HTML',
      link_preview_options: article.url
        ? { url: article.url, prefer_small_media: true }
        : { is_disabled: true },
    },
  };
  return result;
}

export function createInlineFeature(
  s: Pick<Services, 'search' | 'articles' | 'posts' | 'redis' | 'keys' | 'config' | 'logger'>,
  deps: { limit?: UserLimiter } = {},
): Composer<BotContext> {
  const limit = deps.limit ?? createUserLimiter(s);
  const c = new Composer<BotContext>();

  c.on('inline_query', async (ctx) => {
    const lang = ctx.lang;
    const t = ctx.t.inline;
    const { query, offset: offsetText } = ctx.inlineQuery;
    // Our own next_offset is a plain number; anything else starts from the top.
    const offset = /^\d{1,4}$/.test(offsetText) ? Math.min(Number(offsetText), MAX_OFFSET) : 0;
    const refuse = (text: string) =>
      ctx.answerInlineQuery([], {
        cache_time: 0,
        is_personal: true,
        button: { text, start_parameter: 'help' },
      });

    const taken = await limit('inline', ctx.from.id);
    if (!taken.ok) {
      await refuse(t.limited(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))));
      return;
    }

    let items: { id: string; sentAt: number }[];
    let more: boolean;
    let words: string[] = [];
    if (query.trim() === '') {
      items = await latestArticles(s, INLINE_PAGE + 1, offset);
      more = items.length > INLINE_PAGE;
    } else {
      const checked = checkQuery(query);
      if (!checked.ok) {
        await refuse(checked.reason === 'empty' ? t.none : t.refused);
        return;
      }
      words = queryWords(checked.query);
      const result = await s.search.search(checked.query, { offset, limit: INLINE_PAGE + 1 });
      items = result.hits;
      more = result.hits.length > INLINE_PAGE;
    }
    items = items.slice(0, INLINE_PAGE);
    const articles = await s.articles.getMany(items.map((i) => i.id));
    const results: InlineQueryResultArticle[] = [];
    items.forEach((item, i) => {
      const article = articles[i];
      const r = article
        ? toResult(article, item.sentAt, s.config.TIME_ZONE, lang, words)
        : undefined;
      if (r) results.push(r);
    });
    const next = offset + INLINE_PAGE;
    await ctx.answerInlineQuery(results, {
      cache_time: INLINE_CACHE_SECONDS,
      is_personal: false,
      next_offset: more && next <= MAX_OFFSET ? String(next) : '',
      ...(results.length === 0 && offset === 0
        ? { button: { text: t.none, start_parameter: 'help' } }
        : {}),
    });
  });

  // Telegram sends the chosen result itself; the update only arrives when inline feedback is
  // on in @BotFather, and is logged for statistics.
  c.on('chosen_inline_result', (ctx) => {
    s.logger.debug({ resultId: ctx.chosenInlineResult.result_id }, 'inline result chosen');
  });

  return c;
}
