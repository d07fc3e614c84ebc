import { describe, expect, it } from 'vitest';
import { postLink, startLink } from '../../src/telegram/links.ts';
import { followPayload, mainTopic, parseFollowPayload } from '../../src/telegram/topic.ts';

describe('follow payloads', () => {
  it('round-trips an article id in at most 64 allowed characters', () => {
    const payload = followPayload('a-0123456789abcdef0123');
    expect(payload).toBe('f_a-0123456789abcdef0123');
    expect(payload!.length).toBeLessThanOrEqual(64);
    expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseFollowPayload(payload)).toBe('a-0123456789abcdef0123');
  });

  it('refuses anything else', () => {
    for (const bad of [
      '',
      'publish',
      'f_',
      'f_a-xyz',
      'f_a-0123456789abcdef0123 /publish',
      'f_h-0123456789ABCDEF0123',
      42,
    ]) {
      expect(parseFollowPayload(bad)).toBeUndefined();
    }
    expect(followPayload('a:b')).toBeUndefined();
  });
});

describe('mainTopic', () => {
  it('takes the first hashtag, else the first two searchable title words', () => {
    expect(mainTopic({ hashtags: ['وزير_الدفاع'], title: 'x' })).toBe('وزير الدفاع');
    expect(mainTopic({ hashtags: [], title: 'في تونس حجز سيارة مهربة' })).toBe('تونس حجز');
    // A dateline before a colon is not the topic.
    expect(mainTopic({ hashtags: [], title: 'قلعة سنان : حجز سيارة مهربة' })).toBe('حجز سيارة');
    expect(mainTopic({ hashtags: [], title: 'في من' })).toBeUndefined();
  });
});

describe('links', () => {
  it('prefers the username Telegram gave, and keeps t.me/c for a private channel', () => {
    expect(postLink('-1001234567890', -1001234567890, 5, 'akhbar')).toBe('https://t.me/akhbar/5');
    expect(postLink('@old_name', -1001234567890, 5, 'new_name')).toBe('https://t.me/new_name/5');
    expect(postLink('-1001234567890', -1001234567890, 5, undefined)).toBe(
      'https://t.me/c/1234567890/5',
    );
    expect(postLink('-1001234567890', -1001234567890, 5, 'bad name!')).toBe(
      'https://t.me/c/1234567890/5',
    );
  });

  it('builds a deep link only for a valid bot and payload', () => {
    expect(startLink('newsbot_test_bot', 'f_a-0')).toBe(
      'https://t.me/newsbot_test_bot?start=f_a-0',
    );
    expect(startLink('newsbot_test_bot', 'a b')).toBeUndefined();
    expect(startLink('x', 'ok')).toBeUndefined();
  });
});
