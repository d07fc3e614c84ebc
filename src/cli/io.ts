import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ArticleError } from '../article/errors.ts';
import { rawFromInput } from '../article/input.ts';
import type { RawArticle } from '../article/types.ts';
import { parseInterval } from '../jobs/sources.ts';
import { safeLine } from '../text/sanitize.ts';

// Input, output and argument helpers every command shares, and the limits they enforce.

/** The largest input file (or stdin) a command reads. */
export const MAX_INPUT_BYTES = 5 * 1024 * 1024;
/** The most sentences or words `summarize --sentences/--words` takes. */
export const MAX_SUMMARY_UNITS = 1000;

const MB = 1024 * 1024;

/** A mistake in the command line: reported with the usage text and exit code 2. */
export class UsageError extends Error {}

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: (maxBytes: number) => Uint8Array;
  /** Environment for commands that read the config (enqueue, search, reindex); process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** Reads a file or stdin ('-'), refusing anything over the cap before reading it whole. */
export function readInput(path: string, io: CliIo): Uint8Array {
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
        `input is ${(stat.size / MB).toFixed(1)} MB; the limit is ${MAX_INPUT_BYTES / MB} MB`,
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

/** The article a command was given: a file or stdin, with --url and --publisher. */
export function rawFromArgs(
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

export function intOption(
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

export function intervalOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const sec = parseInterval(value);
  if (sec === undefined) throw new UsageError('--every must look like 90s, 15m, 2h or 1d');
  return sec;
}

/** Names, URLs and errors come from outside: no control or bidi characters reach the terminal. */
export function clean(s: string): string {
  return safeLine(s);
}
