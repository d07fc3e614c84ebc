import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireTelegram } from '../../src/config.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const BASE = { BOT_TOKEN: TOKEN, CHANNEL_ID: '@akhbar', HTTP_PORT: '8080' };
const WEBHOOK = {
  ...BASE,
  BOT_MODE: 'webhook',
  WEBHOOK_URL: 'https://bot.example.com/telegram/hook',
  WEBHOOK_SECRET: 'abc_DEF-123',
};

describe('BOT_MODE', () => {
  it('is polling by default, and the WEBHOOK_* variables are not required then', () => {
    expect(loadConfig(BASE).botMode).toEqual({ mode: 'polling' });
    expect(loadConfig({}).botMode).toEqual({ mode: 'polling' });
  });

  it('webhook: the path defaults to the URL’s path, max connections to 40', () => {
    expect(requireTelegram(loadConfig(WEBHOOK)).botMode).toEqual({
      mode: 'webhook',
      url: 'https://bot.example.com/telegram/hook',
      secret: 'abc_DEF-123',
      path: '/telegram/hook',
      maxConnections: 40,
    });
    const c = loadConfig({ ...WEBHOOK, WEBHOOK_PATH: '/hook', WEBHOOK_MAX_CONNECTIONS: '100' });
    expect(c.botMode).toMatchObject({ path: '/hook', maxConnections: 100 });
  });

  it('webhook: names each missing variable', () => {
    const err = (() => {
      try {
        loadConfig({ ...BASE, HTTP_PORT: '0', BOT_MODE: 'webhook' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).toMatch(/WEBHOOK_URL: required/);
    expect(message).toMatch(/WEBHOOK_SECRET: required/);
    expect(message).toMatch(/HTTP_PORT: required/);
    // A worker serves no webhook: no port needed.
    expect(() => loadConfig({ ...WEBHOOK, HTTP_PORT: '0', ROLE: 'worker' })).not.toThrow();
  });

  it.each([
    ['BOT_MODE', 'hooks'],
    ['WEBHOOK_URL', 'http://bot.example.com/hook'],
    ['WEBHOOK_URL', 'not a url'],
    ['WEBHOOK_SECRET', 'has space'],
    ['WEBHOOK_SECRET', 'x'.repeat(257)],
    ['WEBHOOK_SECRET', 'ümlaut'],
    ['WEBHOOK_PATH', 'no-slash'],
    ['WEBHOOK_MAX_CONNECTIONS', '0'],
    ['WEBHOOK_MAX_CONNECTIONS', '101'],
  ])('rejects %s=%s, naming it and not echoing the value', (name, value) => {
    expect(() => loadConfig({ ...WEBHOOK, [name]: value })).toThrow(new RegExp(`\\b${name}\\b`));
    try {
      loadConfig({ ...WEBHOOK, [name]: value });
    } catch (e) {
      if (value.length > 3) expect((e as Error).message).not.toContain(value);
    }
  });

  it('refuses a URL or path that holds the bot token', () => {
    const secretPart = TOKEN.split(':')[1];
    expect(() =>
      loadConfig({ ...WEBHOOK, WEBHOOK_URL: `https://bot.example.com/${secretPart}` }),
    ).toThrow(/must not contain the bot token/);
    expect(() => loadConfig({ ...WEBHOOK, WEBHOOK_PATH: `/${secretPart}` })).toThrow(
      /must not contain the bot token/,
    );
  });
});
