import { parseArgs } from 'node:util';
import type { NewSource, SourceStatus } from '../jobs/sources.ts';
import { fetchPolicy } from '../sources/http.ts';
import { probeSource } from '../sources/poll.ts';
import { type CliContext, type Command, withSources } from './context.ts';
import { clean, intervalOption, UsageError } from './io.ts';
import { exportOpml, importOpml, OPML_USAGE } from './sources-opml.ts';

// `sources`: feeds and sites polled on schedules (jobs/sources.ts).

export const sources: Command = {
  usage: [
    'sources add <url> [--name NAME] [--id ID] [--every 10m] [--review] [--full-text] [--chat C]... [--no-probe]',
    'sources list [--json]',
    'sources remove|pause|resume <id>',
    ...OPML_USAGE,
  ],
  async run(args, ctx) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'add':
        return add(rest, ctx);
      case 'list':
        return list(rest, ctx);
      case 'remove':
      case 'pause':
      case 'resume':
        return setState(sub, rest, ctx);
      case 'import':
        return importOpml(rest, ctx);
      case 'export':
        return exportOpml(rest, ctx);
      default:
        throw new UsageError(
          sub === undefined ? 'sources needs a subcommand' : `unknown sources command '${sub}'`,
        );
    }
  },
};

async function add(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      id: { type: 'string' },
      every: { type: 'string' },
      review: { type: 'boolean', default: false },
      'full-text': { type: 'boolean', default: false },
      chat: { type: 'string', multiple: true },
      'no-probe': { type: 'boolean', default: false },
    },
  });
  const [url, ...extra] = positionals;
  if (url === undefined || extra.length > 0) throw new UsageError('sources add takes one URL');
  const intervalSec = intervalOption(values.every);
  return withSources(ctx, async (sources, config) => {
    // Fetched first: a page's <link rel="alternate"> names the feed, the feed names itself.
    const probe = values['no-probe']
      ? { kind: 'feed' as const, url, title: undefined }
      : await probeSource(url, fetchPolicy(config));
    const input: NewSource = { url: probe.url, kind: probe.kind };
    const publisher = values.name ?? probe.title;
    if (publisher !== undefined) input.publisher = publisher;
    if (values.id !== undefined) input.id = values.id;
    if (intervalSec !== undefined) input.intervalSec = intervalSec;
    if (values.review) input.mode = 'review';
    if (values['full-text']) input.fullText = true;
    if (values.chat) input.chats = values.chat;
    const source = await sources.add(input);
    ctx.io.stdout(`${source.id}\t${source.kind}\t${source.url}\t${clean(source.publisher)}\n`);
    return 0;
  });
}

async function list(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { json: { type: 'boolean', default: false } },
  });
  return withSources(ctx, async (sources) => {
    const all = await sources.list();
    ctx.io.stdout(values.json ? `${JSON.stringify(all)}\n` : formatSources(all));
    return 0;
  });
}

async function setState(
  sub: 'remove' | 'pause' | 'resume',
  args: string[],
  ctx: CliContext,
): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0) throw new UsageError(`sources ${sub} takes one id`);
  return withSources(ctx, async (sources) => {
    const done =
      sub === 'remove'
        ? await sources.remove(id)
        : sub === 'pause'
          ? await sources.pause(id, 'paused from the command line')
          : await sources.resume(id);
    if (!done) throw new Error(`no source with id ${clean(id)}`);
    ctx.io.stdout(
      `${sub === 'remove' ? 'removed' : sub === 'pause' ? 'paused' : 'resumed'} ${done.id}\n`,
    );
    return 0;
  });
}

function formatSources(all: SourceStatus[]): string {
  if (all.length === 0) return 'no sources\n';
  const lines = all.map(({ source, health }) => {
    const state = source.paused ? `paused (${clean(source.pausedReason ?? '')})` : 'active';
    const facts = [
      `${source.kind}, every ${source.intervalSec}s, ${source.mode}${source.fullText ? ', full text' : ''}`,
      state,
      `items ${health.items}`,
      `last success ${health.lastSuccessAt ?? 'never'}`,
    ];
    if (health.lastError)
      facts.push(`last error ${health.lastErrorAt}: ${clean(health.lastError)}`);
    return `${source.id}\t${clean(source.publisher)}\n  ${clean(source.url)}\n  ${facts.join('; ')}`;
  });
  return `${lines.join('\n')}\n`;
}
