import { pathToFileURL } from 'node:url';
import { type Command, createCliContext } from './context.ts';
import { enqueue } from './enqueue.ts';
import { type CliIo, readFd, UsageError } from './io.ts';
import { preview } from './preview.ts';
import { reindex } from './reindex.ts';
import { routes } from './routes.ts';
import { search } from './search.ts';
import { sources } from './sources.ts';
import { summarize } from './summarize.ts';

// `npm run --silent cli -- <command>`: every failure is one line on stderr and a non-zero exit
// (2 for a mistake in the command line, with the usage text; 1 for everything else).

export { type CliIo, readFd, UsageError } from './io.ts';

/** Every command, in the order the usage text lists them; a new command is one file and one line here. */
const COMMANDS = new Map<string, Command>([
  ['preview', preview],
  ['summarize', summarize],
  ['enqueue', enqueue],
  ['search', search],
  ['reindex', reindex],
  ['sources', sources],
  ['routes', routes],
]);

const USAGE = ['usage: newsbot <command>', ...[...COMMANDS.values()].flatMap((c) => c.usage)].join(
  '\n  ',
);

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help') {
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    const found = COMMANDS.get(command);
    if (!found) throw new UsageError(`unknown command '${command}'`);
    return await found.run(rest, createCliContext(io));
  } catch (err) {
    return reportError(err, io);
  }
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
