import { parseArgs } from 'node:util';
import { generateOpml, type Opml, parseOpml } from 'feedsmith';
import { decodeBytes } from '../article/decode.ts';
import { ArticleError } from '../article/errors.ts';
import type { NewSource, SourceStatus } from '../jobs/sources.ts';
import { type CliContext, withSources } from './context.ts';
import { clean, intervalOption, readInput, UsageError } from './io.ts';

// `sources import` and `sources export`: the source list as OPML, the feed readers' format.

export const OPML_USAGE = [
  'sources import <opml|-> [--every 10m] [--review] [--full-text]',
  'sources export',
] as const;

// Our settings ride along in OPML as extra outline attributes, so export → import round-trips.
const OPML_EXTRAS = [
  'newsbotId',
  'newsbotKind',
  'newsbotEvery',
  'newsbotMode',
  'newsbotFullText',
  'newsbotChats',
] as const;
type SourceOutline = Opml.Outline<string, typeof OPML_EXTRAS>;
/** OPML folders nest outlines; a hostile file may nest them without end. */
const MAX_OUTLINE_DEPTH = 10;

export async function importOpml(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      every: { type: 'string' },
      review: { type: 'boolean', default: false },
      'full-text': { type: 'boolean', default: false },
    },
  });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) {
    throw new UsageError('sources import takes one OPML file (or - for stdin)');
  }
  const intervalSec = intervalOption(values.every);
  let opml: Opml.Document<string, typeof OPML_EXTRAS>;
  try {
    opml = parseOpml(decodeBytes(readInput(file, ctx.io)).text, {
      extraOutlineAttributes: OPML_EXTRAS,
    });
  } catch (err) {
    if (err instanceof UsageError || err instanceof ArticleError) throw err;
    throw new Error('the file is not a valid OPML document');
  }
  const outlines = flattenOutlines(opml.body?.outlines ?? []);
  return withSources(ctx, async (sources) => {
    let added = 0;
    let failed = 0;
    for (const outline of outlines) {
      const input = sourceFromOutline(outline, {
        intervalSec,
        review: values.review,
        fullText: values['full-text'],
      });
      if (!input) continue;
      try {
        const source = await sources.add(input);
        ctx.io.stdout(`added ${source.id}\t${source.url}\n`);
        added++;
      } catch (err) {
        failed++;
        const why = err instanceof Error ? err.message : String(err);
        ctx.io.stderr(`newsbot: skipped ${clean(input.url)}: ${clean(why)}\n`);
      }
    }
    ctx.io.stdout(`imported ${added} of ${added + failed} sources\n`);
    return failed === 0 ? 0 : 1;
  });
}

export async function exportOpml(args: string[], ctx: CliContext): Promise<number> {
  parseArgs({ args, options: {} });
  return withSources(ctx, async (sources) => {
    const outlines = (await sources.list()).map(outlineFromSource);
    ctx.io.stdout(
      `${generateOpml(
        { head: { title: 'newsbot sources' }, body: { outlines } },
        { extraOutlineAttributes: OPML_EXTRAS },
      )}\n`,
    );
    return 0;
  });
}

function outlineFromSource({ source }: SourceStatus): SourceOutline {
  return {
    text: source.publisher,
    title: source.publisher,
    ...(source.kind === 'feed'
      ? { type: 'rss', xmlUrl: source.url }
      : { type: 'link', htmlUrl: source.url }),
    newsbotId: source.id,
    newsbotKind: source.kind,
    newsbotEvery: String(source.intervalSec),
    newsbotMode: source.mode,
    newsbotFullText: String(source.fullText),
    ...(source.chats.length > 0 ? { newsbotChats: source.chats.join(',') } : {}),
  };
}

function flattenOutlines(outlines: SourceOutline[], depth = 0): SourceOutline[] {
  if (depth > MAX_OUTLINE_DEPTH) return [];
  return outlines.flatMap((o) => [o, ...flattenOutlines(o.outlines ?? [], depth + 1)]);
}

function sourceFromOutline(
  o: SourceOutline,
  defaults: { intervalSec?: number; review: boolean; fullText: boolean },
): NewSource | undefined {
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  const page = text(o.newsbotKind) === 'page';
  const url = page ? text(o.htmlUrl) : text(o.xmlUrl);
  if (url === undefined) return undefined;
  const input: NewSource = { url, kind: page ? 'page' : 'feed' };
  const publisher = text(o.title) ?? text(o.text);
  if (publisher !== undefined) input.publisher = publisher;
  const id = text(o.newsbotId);
  if (id !== undefined) input.id = id;
  const every = Number(text(o.newsbotEvery));
  const intervalSec = Number.isInteger(every) && every > 0 ? every : defaults.intervalSec;
  if (intervalSec !== undefined) input.intervalSec = intervalSec;
  const mode = text(o.newsbotMode);
  if (mode === 'review' || (mode === undefined && defaults.review)) input.mode = 'review';
  const fullText = text(o.newsbotFullText);
  if (fullText === 'true' || (fullText === undefined && defaults.fullText)) input.fullText = true;
  const chats = text(o.newsbotChats)?.split(',').filter(Boolean);
  if (chats && chats.length > 0) input.chats = chats;
  return input;
}
