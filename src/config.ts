import { z } from 'zod';

// One schema over process.env. Every variable is documented in .env.example.

const BOT_TOKEN_RE = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;
const CHAT_RE = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;

const list = (item: z.ZodString) =>
  z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));

const int = (def: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(def);

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  BOT_TOKEN: z
    .string()
    .regex(BOT_TOKEN_RE, 'must look like 123456:ABC… as given by @BotFather')
    .optional(),
  CHANNEL_ID: list(z.string().regex(CHAT_RE, 'each entry must be @channelname or a numeric id')),
  EDITORS_CHAT_ID: z.string().regex(CHAT_RE, 'must be @name or a numeric chat id').optional(),
  EDITOR_IDS: list(z.string().regex(/^\d{1,20}$/, 'each entry must be a numeric Telegram user id')),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ or - only')
    .default('nb'),
  // Redis Cluster (issue 13): the startup nodes; when set, they replace REDIS_URL.
  REDIS_CLUSTER_NODES: list(
    z
      .string()
      .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'each entry must be host:port'),
  ).transform((entries) =>
    entries.map((entry) => {
      const at = entry.lastIndexOf(':');
      return {
        host: entry.slice(0, at).replace(/^\[|\]$/g, ''),
        port: Number(entry.slice(at + 1)),
      };
    }),
  ),
  TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ROLE: z.enum(['bot', 'worker', 'all']).default('all'),
  SEND_RATE_PER_SECOND: int(30, 1, 1000),
  CHANNEL_RATE_PER_MINUTE: int(20, 1, 10_000),
  DEDUPE_WINDOW_HOURS: int(72, 1, 24 * 365),
  PRIVATE_RATE_PER_MINUTE: int(50, 1, 10_000),
  WORKER_CONCURRENCY: int(4, 1, 64),
  JOB_LOCK_MS: int(30_000, 1000, 600_000),
  TIME_ZONE: z
    .string()
    .default('UTC')
    .refine((tz) => isTimeZone(tz), 'must be an IANA time zone such as Asia/Riyadh'),
  CONVERSATION_TIMEOUT_MINUTES: int(30, 1, 24 * 60),
  FETCH_ALLOW_PRIVATE: bool(false),
  FETCH_ALLOW_HOSTS: list(z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, 'host or host:port')),
  HTTP_PORT: int(0, 0, 65535),
  USER_AGENT: z
    .string()
    .regex(/^[\x20-\x7e]{1,200}$/, 'printable ASCII, at most 200 characters')
    .default('newsbot/0.1 (+https://github.com/newsbot)'),
  FETCH_TIMEOUT_MS: int(15_000, 100, 120_000),
  SOURCE_MAX_FAILURES: int(10, 1, 1000),
  SOURCE_MIN_INTERVAL_SECONDS: int(60, 1, 86_400),
  // Article builds run in worker threads with a budget (workers/build-pool.ts).
  BUILD_THREADS: int(1, 1, 16),
  BUILD_TIMEOUT_MS: int(15_000, 100, 600_000),
  BUILD_MEMORY_MB: int(256, 16, 8192),
  // Hardening (issue 11): start-up time limit, where the probes listen, who may read /metrics.
  STARTUP_TIMEOUT_SECONDS: int(120, 1, 86_400),
  HTTP_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:[\]-]{1,255}$/, 'an address or host name such as 127.0.0.1 or ::')
    .default('127.0.0.1'),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, 'at least 16 printable ASCII characters, no spaces')
    .optional(),
  // Webhooks (issue 13 §2): how updates arrive. The WEBHOOK_* variables are checked here for
  // shape and required only when BOT_MODE=webhook (botModeOf below turns them into BotMode).
  BOT_MODE: z.enum(['polling', 'webhook']).default('polling'),
  WEBHOOK_URL: z.url({ protocol: /^https$/ }).optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "1 to 256 of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    .optional(),
  WEBHOOK_PATH: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]{0,200}$/, 'a path such as /telegram/webhook')
    .optional(),
  WEBHOOK_MAX_CONNECTIONS: int(40, 1, 100),
  // Routes and digests (issue 12 §2–3): keyword alerts one subscriber gets per clock hour; the
  // rest wait for their digest (or the hourly catch-up).
  ALERTS_PER_HOUR: int(10, 1, 1000),
  // Readers (issue 14): the follow button under channel posts; how often channel usernames
  // are asked of Telegram again (getChat), so links follow a renamed or newly public channel.
  POST_FOLLOW_BUTTON: bool(false),
  CHANNEL_REFRESH_MINUTES: int(360, 0, 7 * 24 * 60),
  // Operations (issue 13): the queue dashboard and status page, and paid broadcasts for alerts.
  DASHBOARD_USER: z
    .string()
    .regex(/^[\x21-\x39\x3b-\x7e]{1,64}$/, 'printable ASCII, no colon')
    .optional(),
  DASHBOARD_PASSWORD: z.string().min(12, 'at least 12 characters').max(256).optional(),
  PAID_BROADCAST_PER_SECOND: int(0, 0, 1000),
});

/** Every variable, as the schema reads it: the token and the channels may be missing. */
type Variables = z.infer<typeof schema> & { botMode: BotMode };

/**
 * How updates arrive (BOT_MODE), as a union on `mode`: webhook-only settings exist only in
 * webhook mode. WEBHOOK_PATH defaults to WEBHOOK_URL's path (the same route behind a plain
 * reverse proxy); neither may hold the bot token: the secret header authenticates Telegram.
 */
export type BotMode =
  | { mode: 'polling' }
  | { mode: 'webhook'; url: string; secret: string; path: string; maxConnections: number };

function botModeOf(vars: z.infer<typeof schema>): BotMode {
  if (vars.BOT_MODE === 'polling') return { mode: 'polling' };
  const problems: string[] = [];
  const { WEBHOOK_URL: url, WEBHOOK_SECRET: secret, BOT_TOKEN: token } = vars;
  if (!url) problems.push('WEBHOOK_URL: required when BOT_MODE=webhook (the public https URL)');
  if (!secret) problems.push('WEBHOOK_SECRET: required when BOT_MODE=webhook');
  if (vars.HTTP_PORT === 0 && vars.ROLE !== 'worker') {
    problems.push('HTTP_PORT: required when BOT_MODE=webhook (the webhook is served there)');
  }
  const path = vars.WEBHOOK_PATH ?? (url ? new URL(url).pathname : '/');
  const secretPart = token?.split(':')[1];
  if (secretPart && `${url}${path}`.includes(secretPart)) {
    problems.push('WEBHOOK_URL/WEBHOOK_PATH: must not contain the bot token');
  }
  if (!url || !secret || problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return { mode: 'webhook', url, secret, path, maxConnections: vars.WEBHOOK_MAX_CONNECTIONS };
}

/**
 * Config by role, as a union on `kind` (in the spirit of bot-base/telegram-bot-template's
 * polling | webhook config): every process can build Redis and the stores from either variant;
 * only code that talks to Telegram asks for a TelegramConfig, where the token and at least one
 * channel are there. requireTelegram() narrows one to the other with an error naming what is missing.
 */
export type StoresOnlyConfig = Variables & { kind: 'stores' };
export type TelegramConfig = Omit<Variables, 'BOT_TOKEN' | 'CHANNEL_ID'> & {
  kind: 'telegram';
  BOT_TOKEN: string;
  CHANNEL_ID: [string, ...string[]];
};
export type Config = StoresOnlyConfig | TelegramConfig;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the configuration from the environment. Throws one ConfigError naming every bad
 * variable; values are never echoed, so a mistyped token cannot leak into a log.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  return byRole({ ...parsed.data, botMode: botModeOf(parsed.data) });
}

function byRole(vars: Variables): Config {
  const { BOT_TOKEN, CHANNEL_ID } = vars;
  const [first, ...rest] = CHANNEL_ID;
  if (BOT_TOKEN === undefined || first === undefined) return { ...vars, kind: 'stores' };
  return { ...vars, kind: 'telegram', BOT_TOKEN, CHANNEL_ID: [first, ...rest] };
}

/** The variables a process that talks to Telegram cannot run without. */
export function requireTelegram(config: Config): TelegramConfig {
  if (config.kind === 'telegram') return config;
  const missing = [];
  if (!config.BOT_TOKEN) missing.push('BOT_TOKEN: required to talk to Telegram');
  if (config.CHANNEL_ID.length === 0) missing.push('CHANNEL_ID: required (the channel to post to)');
  throw new ConfigError(`Invalid configuration: ${missing.join('; ')}`);
}
