import { describe, expect, it } from 'vitest';
import { configSecrets, createLogger, redactSecrets, routeConsole } from '../src/logger.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('logger', () => {
  it('masks the bot token wherever it appears: message, object, error, URL', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', secrets: [TOKEN], write: (l) => lines.push(l) });
    log.info(`calling https://api.telegram.org/bot${TOKEN}/sendMessage`);
    log.info({ token: TOKEN, nested: { url: `/bot${TOKEN}/getMe` } }, 'object');
    log.error({ err: new Error(`failed for ${TOKEN}`) }, 'error');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
    }
    expect(lines[0]).toContain('[bot-token]');
  });

  it('masks any token-shaped string even when it was not configured', () => {
    expect(redactSecrets(`x 987654:${'A'.repeat(35)} y`)).toBe('x [bot-token] y');
  });
});

describe('logger: every form and every nesting of a secret', () => {
  const collect = (secrets: string[]) => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', secrets, write: (l) => lines.push(l) });
    return { log, lines };
  };
  const secretHalf = TOKEN.slice(TOKEN.indexOf(':') + 1);

  it("masks nested errors, causes and stacks as pino's err serializer writes them", () => {
    const { log, lines } = collect([TOKEN]);
    // grammY's HttpError keeps the failed request (URL and token) in `error`.
    const inner = new Error(`request to https://api.telegram.org/bot${TOKEN}/getUpdates failed`);
    const http = Object.assign(new Error("Network request for 'getUpdates' failed!"), {
      error: inner,
    });
    const caused = new Error('outer', { cause: new Error(`deep ${TOKEN}`, { cause: inner }) });
    log.error({ err: http }, 'http');
    log.error({ err: caused }, 'cause');
    log.error({ error: inner }, 'under error');
    log.warn({ list: [{ url: `https://x/bot${TOKEN}/m` }] }, `msg ${TOKEN}`);
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(secretHalf);
    }
    const http0 = JSON.parse(lines[0]!) as { err: { error: { message: string; stack: string } } };
    expect(http0.err.error.message).toBe(
      'request to https://api.telegram.org/bot[bot-token]/getUpdates failed',
    );
    expect(http0.err.error.stack).toContain('bot[bot-token]/getUpdates');
    const cause = JSON.parse(lines[1]!) as { err: { message: string; stack: string } };
    expect(cause.err.message).toContain('deep [bot-token]');
    expect(cause.err.stack).toContain('caused by');
    // An error under `error` is serialized like `err`, not as `{}`.
    expect(JSON.parse(lines[2]!).error.message).toContain('bot[bot-token]/getUpdates');
  });

  it('masks the token percent-encoded and its secret half alone', () => {
    const { log, lines } = collect([TOKEN]);
    log.info(`encoded ${encodeURIComponent(TOKEN)} half ${secretHalf}`);
    expect(lines[0]).not.toContain(secretHalf);
    expect(lines[0]).toContain('encoded [bot-token]');
  });

  it("masks Redis's password and the metrics token, JSON-escaped too", () => {
    const secrets = configSecrets({
      BOT_TOKEN: TOKEN,
      REDIS_URL: 'redis://:p%40ss%22word-long@redis:6379',
      METRICS_TOKEN: 'metrics-secret-0123456789',
    });
    expect(secrets).toEqual(
      expect.arrayContaining([TOKEN, 'metrics-secret-0123456789', 'p@ss"word-long']),
    );
    const { log, lines } = collect(secrets);
    log.info({ url: 'redis://:p@ss"word-long@redis' }, 'metrics-secret-0123456789');
    expect(lines[0]).not.toContain('p@ss');
    expect(lines[0]).not.toContain('metrics-secret');
    expect(lines[0]).toContain('[secret]');
  });

  it('routes console output through the masking logger', () => {
    const { log, lines } = collect([TOKEN]);
    const restore = routeConsole(log);
    try {
      console.error('[grammY runner]', new Error(`GET /bot${TOKEN}/getUpdates`));
      console.warn('IMPORTANT! Eviction policy is allkeys-lru.');
    } finally {
      restore();
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).not.toContain(TOKEN);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, source: 'console' });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      level: 40,
      msg: 'IMPORTANT! Eviction policy is allkeys-lru.',
    });
  });
});
