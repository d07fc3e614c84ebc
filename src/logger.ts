import { formatWithOptions } from 'node:util';
import { type Logger, pino } from 'pino';

export type { Logger };

// Anything that looks like a bot token (also inside a /bot<token>/ URL) is masked in every line,
// whatever object or error carried it into the log. The masking runs on the finished line, so
// messages, stacks, nested errors (grammY's HttpError.error) and causes are all covered.
const TOKEN_RE = /\d{5,20}:[A-Za-z0-9_-]{30,100}/g;
// The same with the colon percent-encoded, as it appears in an encoded URL.
const ENCODED_TOKEN_RE = /\d{5,20}%3A[A-Za-z0-9_-]{30,100}/gi;

/**
 * The forms a secret can take in a log line: as is, its part after the bot id (a token's
 * secret half), JSON-escaped (pino writes JSON) and percent-encoded (inside a URL).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>();
  const add = (s: string) => {
    if (s.length < 8) return;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
    forms.add(encodeURIComponent(s));
  };
  add(secret);
  const colon = secret.indexOf(':');
  if (colon !== -1) add(secret.slice(colon + 1));
  // Longest first, so a secret's whole form is masked before a part of it.
  return [...forms].sort((a, b) => b.length - a.length);
}

/** The configured secrets a line must never show: the token, Redis's password, the metrics token. */
export function configSecrets(config: {
  BOT_TOKEN?: string | undefined;
  REDIS_URL?: string | undefined;
  METRICS_TOKEN?: string | undefined;
  WEBHOOK_SECRET?: string | undefined;
}): string[] {
  const out: string[] = [];
  if (config.BOT_TOKEN) out.push(config.BOT_TOKEN);
  if (config.METRICS_TOKEN) out.push(config.METRICS_TOKEN);
  if (config.WEBHOOK_SECRET) out.push(config.WEBHOOK_SECRET);
  if (config.REDIS_URL) {
    try {
      const password = new URL(config.REDIS_URL).password;
      if (password) out.push(decodeURIComponent(password), password);
    } catch {
      // An unparsable URL is refused by the config schema before it gets here.
    }
  }
  return out;
}

export function redactSecrets(line: string, secrets: readonly string[] = []): string {
  let out = line.replace(TOKEN_RE, '[bot-token]').replace(ENCODED_TOKEN_RE, '[bot-token]');
  for (const secret of secrets) {
    for (const form of secretForms(secret)) out = out.split(form).join('[secret]');
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
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      // An error under `error` gets the err treatment too (message, stack, causes, nested
      // errors) instead of JSON.stringify's `{}`; the masking below then sees all of it.
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    { write: (line: string) => out(redactSecrets(line, secrets)) },
  );
}

/**
 * Sends console.* (libraries that print: BullMQ's Redis warnings, grammY's runner when not
 * silenced) through the logger, so those lines are JSON and masked like every other. For the
 * process entry point only; returns a function that puts console back.
 */
export function routeConsole(logger: Logger): () => void {
  const saved = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
  };
  const text = (args: unknown[]) => formatWithOptions({ colors: false, depth: 4 }, ...args);
  console.log = (...args: unknown[]) => logger.info({ source: 'console' }, text(args));
  console.info = console.log;
  console.debug = (...args: unknown[]) => logger.debug({ source: 'console' }, text(args));
  console.warn = (...args: unknown[]) => logger.warn({ source: 'console' }, text(args));
  console.error = (...args: unknown[]) => logger.error({ source: 'console' }, text(args));
  return () => Object.assign(console, saved);
}
