import { parseArgs } from 'node:util';
import { postedIndexDocs } from '../store/search-index.ts';
import type { Command } from './context.ts';

/** `reindex`: rebuilds the search index from every posted article. */
export const reindex: Command = {
  usage: ['reindex'],
  async run(args, ctx) {
    parseArgs({ args, allowPositionals: false, options: {} });
    return ctx.withStores(async ({ redis, keys, search }) => {
      const { indexed } = await search.rebuild(postedIndexDocs({ redis, keys }));
      ctx.io.stdout(`indexed ${indexed} articles\n`);
      return 0;
    });
  },
};
