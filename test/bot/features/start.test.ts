import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../../src/demo/telegram-html.ts';
import { CHANNEL, createTestBot, type TestBot } from '../../support/newsbot.ts';

const RLM = '\u200F';
const LRM = '\u200E';

describe('/start and /help', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await createTestBot({ name: 'start' });
    await t.start({ ROLE: 'all' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /start in Arabic by default, every line led by RLM, valid HTML', async () => {
    const user = { id: 5001, first_name: 'سارة', language_code: 'ar' };
    t.fake.userSends(user, '/start');
    const [reply] = await t.fake.waitForMessages(user.id, 1);
    expect(reply?.parse_mode).toBe('HTML');
    expect(() => parseTelegramHtml(reply?.html ?? '')).not.toThrow();
    expect(reply?.text).toContain('أهلاً بك');
    expect(reply?.text).toContain(`@${CHANNEL.username}`);
    expect(reply?.text).toContain('/search');
    expect(reply?.text).toContain(`@${t.fake.botInfo.username}`);
    for (const line of (reply?.text ?? '').split('\n').filter(Boolean)) {
      expect(line.startsWith(RLM)).toBe(true);
    }
  });

  it('answers in Arabic when the user has no language, and in English for en-*', async () => {
    const nobody = { id: 5002, first_name: 'X' };
    t.fake.userSends(nobody, '/help');
    const [ar] = await t.fake.waitForMessages(nobody.id, 1);
    expect(ar?.text).toContain('أهلاً بك');

    const english = { id: 5003, first_name: 'Sam', language_code: 'en-GB' };
    t.fake.userSends(english, '/help');
    const [en] = await t.fake.waitForMessages(english.id, 1);
    expect(en?.text).toContain('Welcome');
    expect(en?.text).toContain('/follow');
    expect(en?.text?.startsWith(LRM)).toBe(true);
  });

  it('registers the commands in Arabic (default) and English at start-up', async () => {
    const api = new Api(t.fake.token, { apiRoot: t.fake.apiRoot });
    const ar = await api.getMyCommands();
    const en = await api.getMyCommands({ language_code: 'en' });
    const names = ['search', 'latest', 'follow', 'following', 'unfollow', 'help'];
    expect(ar.map((c) => c.command)).toEqual(names);
    expect(en.map((c) => c.command)).toEqual(names);
    expect(ar[0]?.description).toBe('البحث في الأخبار');
    expect(en[0]?.description).toBe('Search the news');
  });

  it('points an unknown command to /help', async () => {
    const user = { id: 5004, first_name: 'U', language_code: 'ar' };
    t.fake.userSends(user, '/nosuchcommand');
    const [reply] = await t.fake.waitForMessages(user.id, 1);
    expect(reply?.text).toContain('/help');
  });
});
