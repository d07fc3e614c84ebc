import { parseArgs } from 'node:util';
import { buildArticle } from '../article/pipeline.ts';
import { enqueueArticle } from '../jobs/enqueue.ts';
import { createQueues } from '../jobs/queues.ts';
import type { Command } from './context.ts';
import { rawFromArgs } from './io.ts';

/** `enqueue`: hands an article to the workers and prints the id it will be stored under. */
export const enqueue: Command = {
  usage: ['enqueue <file|-> [--url URL] [--publisher NAME] [--review]'],
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        publisher: { type: 'string' },
        // Editors approve it in their chat before it is posted.
        review: { type: 'boolean', default: false },
      },
    });
    const raw = rawFromArgs(positionals[0], values, ctx.io);
    if (values.review) raw.review = true;
    // Built here too, so bad input fails now and the id the worker will use is known.
    const article = buildArticle(raw);
    return ctx.withStores(async ({ redis, keys, articles }) => {
      const queues = createQueues({ connection: redis, keys });
      try {
        await enqueueArticle({ articles, queues }, raw);
      } finally {
        await queues.close();
      }
      ctx.io.stdout(`${article.id}\n`);
      return 0;
    });
  },
};
