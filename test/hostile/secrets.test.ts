import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues } from '../../src/jobs/queues.ts';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot } from '../support/newsbot.ts';
import { freePort } from '../support/redis-server.ts';
import { type NewsbotChild, startNewsbotChild, tokenForms } from './newsbot-child.ts';

// Attack: make the bot print its token. Every getUpdates URL holds it (/bot<token>/getUpdates),
// and so does the nested error of every failed request. The real process runs with an
// unreachable Bot API, a crashing job, a failed send and a failing reply; all it writes to
// stdout and stderr is grepped for the token, its secret half and its encoded form.

const USER = { id: 4242, first_name: 'Sam', language_code: 'en' };

function expectNoToken(child: NewsbotChild, token: string): void {
  const output = child.output();
  for (const form of tokenForms(token)) expect(output).not.toContain(form);
}

describe('the bot token never reaches the output', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await createTestBot({ name: 'hostile-secrets' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('Telegram unreachable at start: clear waiting lines, then exit 1 at the time limit, no token', async () => {
    const closed = await freePort();
    const child = startNewsbotChild({
      ...t.env,
      ROLE: 'all',
      LOG_LEVEL: 'info',
      TELEGRAM_API_ROOT: `http://127.0.0.1:${closed}`,
      STARTUP_TIMEOUT_SECONDS: '3',
    });
    expect(await child.exited).toBe(1);
    const waiting = child.lines().filter((l) => l.msg === 'waiting for Telegram');
    expect(waiting.length).toBeGreaterThanOrEqual(2);
    expect(waiting[0]?.err).toMatch(/ECONNREFUSED|failed/);
    const fatal = child.lines().find((l) => l.level === 60);
    expect(String(fatal?.msg)).toMatch(/^start-up failed: Telegram did not answer/);
    expectNoToken(child, t.fake.token);
  }, 60_000);

  it('a crashing job, a failed send, a failing reply and lost polls: logged, masked', async () => {
    const child = startNewsbotChild({ ...t.env, ROLE: 'all', LOG_LEVEL: 'info' });
    try {
      await child.waitForLog('bot polling for updates');
      await child.waitForLog('workers started');

      // A failed send: the channel refuses the post for good.
      t.fake.injectFault({
        method: 'sendMessage',
        chatId: `@${CHANNEL.username}`,
        kind: 'apiError',
        description: 'Bad Request: chat not found',
      });
      const [a] = antSample(1);
      await t.enqueueText(antAsText(a!), { url: a!.url, publisher: a!.source });
      await child.waitForLog('post failed for good');

      // A crashing job: a post of an article that does not exist.
      const queues = createQueues({ connection: t.redis, keys: t.keys });
      await queues.posts.add('post', { articleId: 'a-00000000000000000000', chat: '@nowhere' });
      await queues.close();
      await child.waitForLog('job failed');

      // A failing reply: the connection drops under the bot's answer (grammY's HttpError, whose
      // nested error holds the request URL).
      t.fake.injectFault({ method: 'sendMessage', chatId: USER.id, kind: 'networkReset' });
      t.fake.userSends(USER, '/start');
      await child.waitForLog('update failed');

      // Telegram goes away: every long poll fails with ECONNREFUSED on /bot<token>/getUpdates.
      await t.fake.close();
      const lost = await child.waitForLog('cannot fetch updates from Telegram');
      // The failed request's URL is in the line, its token masked.
      expect(String(lost.err)).toContain('/bot[bot-token]/getUpdates');
      // Let the runner retry a few times (once a second).
      await new Promise((r) => setTimeout(r, 3000));
      child.kill('SIGTERM');
      expect(await child.exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expectNoToken(child, t.fake.token);
    // Everything the process wrote is a JSON log line: no raw console output, no stack dump.
    const raw = child
      .output()
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('{'));
    expect(raw).toEqual([]);
  }, 90_000);

  it('an uncaught exception and an unhandled rejection are logged masked and exit 1', async () => {
    const token = t.fake.token;
    const script = (how: 'throw' | 'reject') => `
      import { installProcessHandlers } from './src/main.ts';
      import { createLogger } from './src/logger.ts';
      installProcessHandlers(createLogger({ level: 'info', secrets: [process.env.BOT_TOKEN] }));
      const inner = new Error('request to http://127.0.0.1:9/bot' + process.env.BOT_TOKEN + '/getMe failed');
      const err = new Error('Network request for getMe failed', { cause: inner });
      ${how === 'throw' ? 'setTimeout(() => { throw err; }, 10);' : 'Promise.reject(err);'}
    `;
    for (const how of ['throw', 'reject'] as const) {
      const child = startNewsbotChild({ BOT_TOKEN: token }, [
        '--input-type=module',
        '-e',
        script(how),
      ]);
      expect(await child.exited, how).toBe(1);
      const fatal = child.lines().find((l) => l.level === 60);
      expect(fatal?.msg, how).toBe(
        how === 'throw' ? 'uncaught exception' : 'unhandled promise rejection',
      );
      // The message and the cause survive; the token does not.
      expect(JSON.stringify(fatal?.err)).toContain('/getMe failed');
      expect(JSON.stringify(fatal?.err)).toMatch(/\[bot-token\]|\[secret\]/);
      expectNoToken(child, token);
    }
  }, 60_000);
});
