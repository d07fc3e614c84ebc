import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { generateOpml, type Opml, parseOpml } from 'feedsmith';
import type { Redis } from 'ioredis';
import { decodeBytes } from './article/decode.ts';
import { ArticleError } from './article/errors.ts';
import { rawFromInput } from './article/input.ts';
import { buildArticle } from './article/pipeline.ts';
import type { RawArticle } from './article/types.ts';
import { type Config, loadConfig } from './config.ts';
import { enqueueArticle } from './jobs/enqueue.ts';
import { createQueues } from './jobs/queues.ts';
import {
  createSources,
  type NewSource,
  parseInterval,
  type SourceStatus,
  type Sources,
} from './jobs/sources.ts';
import { createRedis } from './redis.ts';
import { fetchPolicy, probeSource } from './sources/poll.ts';
import { createArticleStore } from './store/articles.ts';
import { createKeys, type Keys } from './store/keys.ts';
import { createPostStore } from './store/posts.ts';
import {
  createSearchIndex,
  MAX_LIMIT,
  MAX_OFFSET,
  postedIndexDocs,
  type SearchResult,
} from './store/search-index.ts';
import { formatPost } from './telegram/format.ts';
import { postLink } from './telegram/links.ts';
import { isEmptyQuery, parseQuery } from './text/query.ts';
import { stripUnsafeChars } from './text/sanitize.ts';

// `npm run --silent cli -- <command>`: every failure is one line on stderr and a non-zero exit.

const MAX_INPUT_BYTES = 5 * 1024 * 1024;

const USAGE = `usage: newsbot <command>
  preview <file|-> [--url URL] [--publisher NAME] [--caption] [--json]
  summarize <file|-> [--sentences N | --words N]
  enqueue <file|-> [--url URL] [--publisher NAME] [--review]
  search "<query>" [--json] [--limit N] [--offset N]
  reindex
  sources add <url> [--name NAME] [--id ID] [--every 10m] [--review] [--full-text] [--chat C]... [--no-probe]
  sources list [--json]
  sources remove|pause|resume <id>
  sources import <opml|-> [--every 10m] [--review] [--full-text]
  sources export`;

export class UsageError extends Error {}

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: (maxBytes: number) => Uint8Array;
  /** Environment for commands that read the config (enqueue, search, reindex); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** Reads a file or stdin ('-'), refusing anything over the cap before reading it whole. */
function readInput(path: string, io: CliIo): Uint8Array {
  if (path === '-') return io.readStdin(MAX_INPUT_BYTES + 1);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path} (${code ?? 'error'})`,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new UsageError(`${path} is a directory`);
    if (stat.size > MAX_INPUT_BYTES) {
      throw new ArticleError(
        'too-large',
        `input is ${(stat.size / 1048576).toFixed(1)} MB; the limit is ${MAX_INPUT_BYTES / 1048576} MB`,
      );
    }
    return readFd(fd, MAX_INPUT_BYTES + 1);
  } finally {
    closeSync(fd);
  }
}

export function readFd(fd: number, maxBytes: number): Uint8Array {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(65536);
  while (total < maxBytes) {
    let n: number;
    try {
      n = readSync(fd, buf, 0, Math.min(buf.length, maxBytes - total), null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((err as NodeJS.ErrnoException).code === 'EOF') break;
      throw err;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
  }
  return Buffer.concat(chunks);
}

function rawFromArgs(
  file: string | undefined,
  values: { url?: string; publisher?: string },
  io: CliIo,
): RawArticle {
  if (!file) throw new UsageError('missing input: give a file path or - for stdin');
  return rawFromInput(readInput(file, io), {
    url: values.url,
    publisher: values.publisher,
    sourceId: 'cli',
  });
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'preview': {
        const { values, positionals } = parseArgs({
          args: rest,
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
      }
      case 'summarize': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { sentences: { type: 'string' }, words: { type: 'string' } },
        });
        const sentences = intOption(values.sentences, 'sentences', 1, 1000);
        const words = intOption(values.words, 'words', 1, 1000);
        if (sentences && words) throw new UsageError('give --sentences or --words, not both');
        const article = buildArticle(rawFromArgs(positionals[0], {}, io), { sentences, words });
        io.stdout(`${article.summary.join('\n')}\n`);
        return 0;
      }
      case 'enqueue': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            url: { type: 'string' },
            publisher: { type: 'string' },
            // Editors approve it in their chat before it is posted.
            review: { type: 'boolean', default: false },
          },
        });
        const raw = rawFromArgs(positionals[0], values, io);
        if (values.review) raw.review = true;
        // Built here too, so bad input fails now and the id the worker will use is known.
        const article = buildArticle(raw);
        return await withRedis(io, async (redis, keys) => {
          const queues = createQueues({ connection: redis, keys });
          try {
            await enqueueArticle({ articles: createArticleStore({ redis, keys }), queues }, raw);
          } finally {
            await queues.close();
          }
          io.stdout(`${article.id}\n`);
          return 0;
        });
      }
      case 'search': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            json: { type: 'boolean', default: false },
            limit: { type: 'string' },
            offset: { type: 'string' },
          },
        });
        const limit = intOption(values.limit, 'limit', 1, MAX_LIMIT) ?? 10;
        const offset = intOption(values.offset, 'offset', 0, MAX_OFFSET) ?? 0;
        const query = positionals.join(' ');
        if (isEmptyQuery(parseQuery(query))) {
          throw new Error('the query has no words to search for');
        }
        return await withRedis(io, async (redis, keys) => {
          const index = createSearchIndex({ redis, keys });
          const result = await index.search(query, { limit, offset });
          const rows = await describeHits(redis, keys, result);
          io.stdout(
            values.json
              ? `${JSON.stringify({ mode: result.mode, total: result.total, results: rows })}\n`
              : formatHits(result, rows, offset),
          );
          return 0;
        });
      }
      case 'reindex': {
        parseArgs({ args: rest, allowPositionals: false, options: {} });
        return await withRedis(io, async (redis, keys) => {
          const index = createSearchIndex({ redis, keys });
          const { indexed } = await index.rebuild(postedIndexDocs({ redis, keys }));
          io.stdout(`indexed ${indexed} articles\n`);
          return 0;
        });
      }
      case 'sources':
        return await runSources(rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (err) {
    return reportError(err, io);
  }
}

function intOption(
  value: string | undefined,
  name: string,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** Runs `fn` with a fail-fast (producer) connection; Redis down is one clear error. */
async function withRedis(
  io: CliIo,
  fn: (redis: Redis, keys: Keys) => Promise<number>,
): Promise<number> {
  const config = loadConfig(io.env ?? process.env);
  // Name the server without any password the URL may carry.
  const where = new URL(config.REDIS_URL).host;
  const redis = createRedis(config.REDIS_URL, 'producer', {
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: 5000,
  });
  redis.on('error', () => {});
  try {
    try {
      await redis.connect();
    } catch (err) {
      throw new Error(
        `cannot reach Redis at ${where}: ${err instanceof Error ? err.message : err}`,
      );
    }
    return await fn(redis, createKeys(config.REDIS_PREFIX));
  } finally {
    redis.disconnect();
  }
}

interface HitRow {
  id: string;
  score: number;
  sentAt: string;
  title: string;
  url: string | null;
  /** Links to the article's channel posts. */
  links: string[];
}

async function describeHits(redis: Redis, keys: Keys, result: SearchResult): Promise<HitRow[]> {
  const ids = result.hits.map((h) => h.id);
  const articles = await createArticleStore({ redis, keys }).getMany(ids);
  const posts = createPostStore({ redis, keys });
  const postLists = await Promise.all(ids.map((id) => posts.list(id)));
  return result.hits.map((hit, i) => ({
    id: hit.id,
    score: hit.score,
    sentAt: new Date(hit.sentAt).toISOString(),
    title: articles[i]?.title ?? '',
    url: articles[i]?.url ?? null,
    links: (postLists[i] ?? [])
      .map((p) => postLink(p.chat, p.chatId, p.messageId))
      .filter((link): link is string => link !== undefined),
  }));
}

function formatHits(result: SearchResult, rows: HitRow[], offset: number): string {
  // Titles and URLs come from scraped pages: no control or bidi characters reach the terminal.
  const clean = (s: string): string => stripUnsafeChars(s).replace(/\s+/g, ' ').trim();
  const lines: string[] = [];
  if (result.mode === 'none') return 'no results\n';
  if (result.mode === 'any')
    lines.push('no article has all the words; showing articles with any of them');
  lines.push(`${result.total} result${result.total === 1 ? '' : 's'}`);
  rows.forEach((row, i) => {
    lines.push(`${offset + i + 1}. ${clean(row.title) || '(untitled)'}`);
    lines.push(`   id: ${row.id}  sent: ${row.sentAt}  score: ${row.score}`);
    if (row.url) lines.push(`   url: ${clean(row.url)}`);
    for (const link of row.links) lines.push(`   post: ${link}`);
  });
  return `${lines.join('\n')}\n`;
}

// ---- sources: feeds and sites polled on schedules (jobs/sources.ts) -------------------------

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

function intervalOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const sec = parseInterval(value);
  if (sec === undefined) throw new UsageError('--every must look like 90s, 15m, 2h or 1d');
  return sec;
}

async function withSources(
  io: CliIo,
  fn: (sources: Sources, config: Config) => Promise<number>,
): Promise<number> {
  const config = loadConfig(io.env ?? process.env);
  return withRedis(io, async (redis, keys) => {
    const queues = createQueues({ connection: redis, keys });
    try {
      return await fn(createSources({ redis, keys, config, queue: queues.sources }), config);
    } finally {
      await queues.close();
    }
  });
}

async function runSources(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parseArgs({
        args: rest,
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
      return withSources(io, async (sources, config) => {
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
        io.stdout(`${source.id}\t${source.kind}\t${source.url}\t${clean(source.publisher)}\n`);
        return 0;
      });
    }
    case 'list': {
      const { values } = parseArgs({
        args: rest,
        options: { json: { type: 'boolean', default: false } },
      });
      return withSources(io, async (sources) => {
        const all = await sources.list();
        io.stdout(values.json ? `${JSON.stringify(all)}\n` : formatSources(all));
        return 0;
      });
    }
    case 'remove':
    case 'pause':
    case 'resume': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      const [id, ...extra] = positionals;
      if (id === undefined || extra.length > 0) throw new UsageError(`sources ${sub} takes one id`);
      return withSources(io, async (sources) => {
        const done =
          sub === 'remove'
            ? await sources.remove(id)
            : sub === 'pause'
              ? await sources.pause(id, 'paused from the command line')
              : await sources.resume(id);
        if (!done) throw new Error(`no source with id ${clean(id)}`);
        io.stdout(
          `${sub === 'remove' ? 'removed' : sub === 'pause' ? 'paused' : 'resumed'} ${done.id}\n`,
        );
        return 0;
      });
    }
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
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
        opml = parseOpml(decodeBytes(readInput(file, io)).text, {
          extraOutlineAttributes: OPML_EXTRAS,
        });
      } catch (err) {
        if (err instanceof UsageError || err instanceof ArticleError) throw err;
        throw new Error('the file is not a valid OPML document');
      }
      const outlines = flattenOutlines(opml.body?.outlines ?? []);
      return withSources(io, async (sources) => {
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
            io.stdout(`added ${source.id}\t${source.url}\n`);
            added++;
          } catch (err) {
            failed++;
            const why = err instanceof Error ? err.message : String(err);
            io.stderr(`newsbot: skipped ${clean(input.url)}: ${clean(why)}\n`);
          }
        }
        io.stdout(`imported ${added} of ${added + failed} sources\n`);
        return failed === 0 ? 0 : 1;
      });
    }
    case 'export': {
      parseArgs({ args: rest, options: {} });
      return withSources(io, async (sources) => {
        const all = await sources.list();
        const outlines: SourceOutline[] = all.map(({ source }) => ({
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
        }));
        io.stdout(
          `${generateOpml(
            { head: { title: 'newsbot sources' }, body: { outlines } },
            { extraOutlineAttributes: OPML_EXTRAS },
          )}\n`,
        );
        return 0;
      });
    }
    default:
      throw new UsageError(
        sub === undefined ? 'sources needs a subcommand' : `unknown sources command '${sub}'`,
      );
  }
}

function flattenOutlines(outlines: SourceOutline[], depth = 0): SourceOutline[] {
  // OPML folders nest outlines; a hostile file may nest them without end.
  if (depth > 10) return [];
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

/** Names, URLs and errors come from outside: no control or bidi characters reach the terminal. */
function clean(s: string): string {
  return stripUnsafeChars(s).replace(/\s+/g, ' ').trim();
}

function reportError(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    io.stderr(`newsbot: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  // parseArgs throws TypeErrors with a code for unknown or malformed options.
  if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`newsbot: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr(`newsbot: ${message.split('\n')[0]}\n`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const io: CliIo = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: (max) => readFd(0, max),
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`newsbot: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
