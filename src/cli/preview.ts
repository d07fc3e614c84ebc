import { parseArgs } from 'node:util';
import { buildArticle } from '../article/pipeline.ts';
import { formatPost } from '../telegram/format.ts';
import type { Command } from './context.ts';
import { rawFromArgs } from './io.ts';

/** `preview`: the channel post an article would become, as HTML (or JSON with --json). */
export const preview: Command = {
  usage: ['preview <file|-> [--url URL] [--publisher NAME] [--caption] [--json]'],
  async run(args, { io }) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        publisher: { type: 'string' },
        caption: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    const article = buildArticle(rawFromArgs(positionals[0], values, io));
    const post = formatPost(article, { caption: values.caption });
    if (values.json) {
      const { title, summary, source, publisher, url, hashtags } = article;
      const out = {
        title,
        summary,
        source: source ?? null,
        publisher: publisher ?? null,
        url: url ?? null,
        hashtags,
      };
      io.stdout(`${JSON.stringify({ ...out, html: post.html, length: post.length })}\n`);
    } else {
      io.stdout(`${post.html}\n`);
    }
    return 0;
  },
};
