import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackData } from '../../src/bot/callback-data.ts';
import type { UserSpec } from '../../src/demo/bot-api-fake.ts';
import { parseRoute } from '../../src/jobs/routes.ts';
import { runCliCaptured } from '../support/cli.ts';
import { createTestBot, type TestBot, until } from '../support/newsbot.ts';

// Editors manage routes in the bot and with the CLI, as a person would.

const EDITOR = { id: 7101, first_name: 'Ed', language_code: 'en' };
const READER = { id: 7102, first_name: 'قارئ', language_code: 'ar' };
const SPORT = { id: -1005555555555, username: 'sport_test', title: 'رياضة' };
const NOPOST = { id: -1006666666666, title: 'لا نشر', canPost: false };
const FORUM = { id: -1007777777777, title: 'منتدى', isForum: true, botIsAdmin: true };

describe('route syntax', () => {
  it('parses every option, keeps quoted phrases, and names what is wrong', () => {
    expect(
      parseRoute(
        '@sport_test topic:12 source:a,b section:sport,economy any:"وزير الدفاع",سفير all:x not:إعلان digest:daily@8:05 only-digest',
      ),
    ).toEqual({
      target: { chat: '@sport_test', thread: 12 },
      sources: ['a', 'b'],
      sections: ['sport', 'economy'],
      any: ['"وزير الدفاع"', 'سفير'],
      all: ['x'],
      not: ['إعلان'],
      digest: { every: 'daily', at: '08:05' },
      digestOnly: true,
    });
    expect(parseRoute('@sport_test section:cooking')).toMatchObject({
      error: expect.stringMatching(/unknown section cooking/),
    });
    expect(parseRoute('sport')).toMatchObject({ error: expect.stringMatching(/bad target/) });
    expect(parseRoute('@sport_test only-digest')).toMatchObject({
      error: expect.stringMatching(/needs digest/),
    });
    expect(parseRoute('-100123 digest:weekly@fri-07:30')).toMatchObject({
      digest: { every: 'weekly', at: '07:30', day: 5 },
    });
  });
});

describe('bot and CLI: /route add, /routes buttons, routes add|list|test|remove', () => {
  let t: TestBot;

  beforeAll(async () => {
    t = await createTestBot({
      name: 'routes-manage',
      env: { EDITOR_IDS: String(EDITOR.id), PRIVATE_RATE_PER_MINUTE: '50' },
    });
    t.fake.addChannel(SPORT);
    t.fake.addChannel(NOPOST);
    t.fake.addGroup(FORUM);
    await t.start({ ROLE: 'all' });
  });
  afterAll(async () => {
    await t.close();
  });

  const routeSchedulers = async () =>
    (await t.queues.digests.getJobSchedulers(0, -1)).filter((s) => s.key.startsWith('digest-'));

  async function say(user: UserSpec, text: string) {
    const before = t.fake.messages(user.id).length;
    t.fake.userSends(user, text);
    const messages = await t.fake.waitForMessages(user.id, before + 1);
    return messages[before]!;
  }

  it('adds a route after checking the target, refuses one the bot may not post in', async () => {
    expect((await say(READER, '/routes')).text).not.toMatch(/Route/);
    const refused = await say(EDITOR, `/route add ${NOPOST.id} section:sport`);
    expect(refused.text).toMatch(/Route not added: .*right to post/);
    const noTopic = await say(EDITOR, `/route add ${FORUM.id} topic:999 section:sport`);
    expect(noTopic.text).toMatch(/Route not added: .*message thread not found/);
    const added = await say(EDITOR, '/route add @sport_test section:sport not:إعلان');
    expect(added.text).toMatch(/Route added: r1: @sport_test section:sport not:إعلان/);
    expect(await t.stores.routes.list()).toHaveLength(1);

    const list = await say(EDITOR, '/routes');
    expect(list.text).toContain('r1: @sport_test');
    const pause = callbackData.encode({ kind: 'route', action: 'pause', id: 'r1' });
    t.fake.pressButton(EDITOR, list, pause);
    await until(async () => (await t.stores.routes.get('r1'))?.paused === true, {
      what: 'paused',
    });
  });

  it('the CLI adds, lists, tests and removes routes', async () => {
    const env = t.env;
    const added = await runCliCaptured(
      ['routes', 'add', String(FORUM.id), 'any:وزير', 'digest:hourly@:30'],
      { env },
    );
    expect(added.stderr).toBe('');
    expect(added.stdout).toMatch(/added r2: -1007777777777 any:وزير digest:hourly@:30/);
    const refused = await runCliCaptured(['routes', 'add', String(NOPOST.id)], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/route not added: .*right to post/);
    // Without a token the target cannot be checked, and the CLI says so.
    const { BOT_TOKEN: _, ...noToken } = env;
    const unchecked = await runCliCaptured(['routes', 'add', '@somewhere_x'], { env: noToken });
    expect(unchecked.stdout).toMatch(/not checked: no BOT_TOKEN/);

    const listed = await runCliCaptured(['routes', 'list'], { env });
    expect(listed.stdout.trim().split('\n')).toHaveLength(3);
    // The hourly digest got its scheduler.
    const schedulers = await routeSchedulers();
    expect(schedulers.map((s) => s.pattern)).toEqual(['30 * * * *']);

    const file = join(tmpdir(), `route-test-${process.pid}.txt`);
    writeFileSync(
      file,
      'وزیر الخارجیة یستقبل سفیر الیابان\n\nاستقبل وزیر الخارجیة سفیر الیابان في مکتبه وبحث معه العلاقات الثنائية. وأكد الوزير أهمية التعاون بين البلدين في المجالات كافة.',
    );
    const tested = await runCliCaptured(['routes', 'test', file, '--section', 'sport'], { env });
    expect(tested.stdout).toMatch(/✗ r1 .*paused/);
    expect(tested.stdout).toMatch(/✓ r2 .*any: وزير/);
    expect(tested.stdout).toMatch(/✓ r3 .*takes everything/);
    expect(tested.stdout).toMatch(/target -1007777777777: post \+ digest \(routes r2\)/);
    expect(tested.stdout).toMatch(/target @somewhere_x: post \(routes r3\)/);

    const removed = await runCliCaptured(['routes', 'remove', 'r2'], { env });
    expect(removed.stdout).toMatch(/removed r2/);
    expect(await routeSchedulers()).toHaveLength(0);
    const missing = await runCliCaptured(['routes', 'remove', 'r9'], { env });
    expect(missing.code).toBe(1);
  });
});
