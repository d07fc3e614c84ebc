import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../src/logger.ts';

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
