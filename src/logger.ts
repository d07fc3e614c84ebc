import { type Logger, pino } from 'pino';

export type { Logger };

// Anything that looks like a bot token (also inside a /bot<token>/ URL) is masked in every line,
// whatever object or error carried it into the log.
const TOKEN_RE = /\d{5,20}:[A-Za-z0-9_-]{30,100}/g;

export function redactSecrets(line: string, secrets: readonly string[] = []): string {
  let out = line.replace(TOKEN_RE, '[bot-token]');
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join('[secret]');
  }
  return out;
}

export interface LoggerOptions {
  level: string;
  secrets?: readonly string[];
  /** Where lines go; stdout by default. Tests pass a collector. */
  write?: (line: string) => void;
}

export function createLogger({ level, secrets = [], write }: LoggerOptions): Logger {
  const out = write ?? ((line: string) => process.stdout.write(line));
  return pino(
    { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
    { write: (line: string) => out(redactSecrets(line, secrets)) },
  );
}
