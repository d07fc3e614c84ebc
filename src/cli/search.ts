import { parseArgs } from 'node:util';
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, type SearchResult } from '../store/search-index.ts';
import type { Stores } from '../stores.ts';
import { postLink } from '../telegram/links.ts';
import { isEmptyQuery, parseQuery } from '../text/query.ts';
import type { Command } from './context.ts';
import { clean, intOption } from './io.ts';

/** `search`: the subscribers' keyword search, from the terminal. */
export const search: Command = {
  usage: ['search "<query>" [--json] [--limit N] [--offset N]'],
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        limit: { type: 'string' },
        offset: { type: 'string' },
      },
    });
    const limit = intOption(values.limit, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT;
    const offset = intOption(values.offset, 'offset', 0, MAX_OFFSET) ?? 0;
    const query = positionals.join(' ');
    if (isEmptyQuery(parseQuery(query))) {
      throw new Error('the query has no words to search for');
    }
    return ctx.withStores(async (stores) => {
      const result = await stores.search.search(query, { limit, offset });
      const rows = await describeHits(stores, result);
      ctx.io.stdout(
        values.json
          ? `${JSON.stringify({ mode: result.mode, total: result.total, results: rows })}\n`
          : formatHits(result, rows, offset),
      );
      return 0;
    });
  },
};

interface HitRow {
  id: string;
  score: number;
  sentAt: string;
  title: string;
  url: string | null;
  /** Links to the article's channel posts. */
  links: string[];
}

async function describeHits(
  { articles, posts }: Pick<Stores, 'articles' | 'posts'>,
  result: SearchResult,
): Promise<HitRow[]> {
  const ids = result.hits.map((h) => h.id);
  const found = await articles.getMany(ids);
  const postLists = await Promise.all(ids.map((id) => posts.list(id)));
  return result.hits.map((hit, i) => ({
    id: hit.id,
    score: hit.score,
    sentAt: new Date(hit.sentAt).toISOString(),
    title: found[i]?.title ?? '',
    url: found[i]?.url ?? null,
    links: (postLists[i] ?? [])
      .map((p) => postLink(p.chat, p.chatId, p.messageId))
      .filter((link): link is string => link !== undefined),
  }));
}

function formatHits(result: SearchResult, rows: HitRow[], offset: number): string {
  const lines: string[] = [];
  if (result.mode === 'none') return 'no results\n';
  if (result.mode === 'any')
    lines.push('no article has all the words; showing articles with any of them');
  lines.push(`${result.total} result${result.total === 1 ? '' : 's'}`);
  rows.forEach((row, i) => {
    // Titles and URLs come from scraped pages: clean() keeps control and bidi characters out.
    lines.push(`${offset + i + 1}. ${clean(row.title) || '(untitled)'}`);
    lines.push(`   id: ${row.id}  sent: ${row.sentAt}  score: ${row.score}`);
    if (row.url) lines.push(`   url: ${clean(row.url)}`);
    for (const link of row.links) lines.push(`   post: ${link}`);
  });
  return `${lines.join('\n')}\n`;
}
