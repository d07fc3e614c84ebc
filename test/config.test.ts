import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requireTelegram } from '../src/config.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('config', () => {
  it('gives defaults for everything optional', () => {
    const c = loadConfig({});
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(c.ROLE).toBe('all');
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.SEND_RATE_PER_SECOND).toBe(30);
    expect(c.CHANNEL_RATE_PER_MINUTE).toBe(20);
    expect(c.EDITOR_IDS).toEqual([]);
    expect(c.CHANNEL_ID).toEqual([]);
    expect(c.FETCH_ALLOW_PRIVATE).toBe(false);
  });

  it('parses lists, numbers and booleans', () => {
    const c = loadConfig({
      BOT_TOKEN: TOKEN,
      CHANNEL_ID: '@akhbar, -1001234567890',
      EDITOR_IDS: '42,  7',
      SEND_RATE_PER_SECOND: '25',
      FETCH_ALLOW_PRIVATE: 'true',
      TIME_ZONE: 'Asia/Riyadh',
    });
    expect(c.CHANNEL_ID).toEqual(['@akhbar', '-1001234567890']);
    expect(c.EDITOR_IDS).toEqual(['42', '7']);
    expect(c.SEND_RATE_PER_SECOND).toBe(25);
    expect(c.FETCH_ALLOW_PRIVATE).toBe(true);
    expect(requireTelegram(c).BOT_TOKEN).toBe(TOKEN);
  });

  it.each([
    ['REDIS_URL', 'http://x'],
    ['TELEGRAM_API_ROOT', 'ftp://x'],
    ['CHANNEL_ID', 'not a channel'],
    ['EDITOR_IDS', 'alice'],
    ['LOG_LEVEL', 'loud'],
    ['ROLE', 'both'],
    ['SEND_RATE_PER_SECOND', '0'],
    ['TIME_ZONE', 'Mars/Olympus'],
    ['FETCH_ALLOW_PRIVATE', 'maybe'],
  ])('names %s when it is malformed', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`\\b${name}\\b`));
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ ROLE: 'x', LOG_LEVEL: 'y' })).toThrow(
      /ROLE.*LOG_LEVEL|LOG_LEVEL.*ROLE/,
    );
  });

  it('never echoes a malformed token', () => {
    const secret = '123:this-is-a-secret-but-malformed!!';
    let message = '';
    try {
      loadConfig({ BOT_TOKEN: secret });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/BOT_TOKEN/);
    expect(message).not.toContain('this-is-a-secret');
  });

  it('requires the token and a channel to talk to Telegram', () => {
    expect(() => requireTelegram(loadConfig({}))).toThrow(/BOT_TOKEN.*CHANNEL_ID/);
    expect(() => requireTelegram(loadConfig({ BOT_TOKEN: TOKEN }))).toThrow(/CHANNEL_ID/);
  });
});
