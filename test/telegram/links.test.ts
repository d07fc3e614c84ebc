import { describe, expect, it } from 'vitest';
import { postLink } from '../../src/telegram/links.ts';

describe('postLink', () => {
  it('links a public channel by its username', () => {
    expect(postLink('@arab_news', -1001234567890, 42)).toBe('https://t.me/arab_news/42');
  });

  it('links a channel or supergroup by its internal id (the chat id without -100)', () => {
    expect(postLink('-1001234567890', -1001234567890, 7)).toBe('https://t.me/c/1234567890/7');
    // The numeric id Telegram answered with wins over a configured name that is not a username.
    expect(postLink('not a username', -1009876543210, 7)).toBe('https://t.me/c/9876543210/7');
  });

  it('has no link for basic groups, private chats or bad message ids', () => {
    expect(postLink('-123456', -123456, 7)).toBeUndefined();
    expect(postLink('123456', 123456, 7)).toBeUndefined();
    expect(postLink('@arab_news', -1001234567890, 0)).toBeUndefined();
    expect(postLink('@arab_news', -1001234567890, 1.5)).toBeUndefined();
    expect(postLink('@ab', Number.NaN, 3)).toBeUndefined();
  });
});
