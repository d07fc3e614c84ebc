import { parseArgs } from 'node:util';
import { buildArticle } from '../article/pipeline.ts';
import type { Command } from './context.ts';
import { intOption, MAX_SUMMARY_UNITS, rawFromArgs, UsageError } from './io.ts';

/** `summarize`: the summary sentences alone, one a line. */
export const summarize: Command = {
  usage: ['summarize <file|-> [--sentences N | --words N]'],
  async run(args, { io }) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { sentences: { type: 'string' }, words: { type: 'string' } },
    });
    const sentences = intOption(values.sentences, 'sentences', 1, MAX_SUMMARY_UNITS);
    const words = intOption(values.words, 'words', 1, MAX_SUMMARY_UNITS);
    if (sentences && words) throw new UsageError('give --sentences or --words, not both');
    const article = buildArticle(rawFromArgs(positionals[0], {}, io), { sentences, words });
    io.stdout(`${article.summary.join('\n')}\n`);
    return 0;
  },
};
