import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api, GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPDATE_TYPES } from '../../src/bot/create-bot.ts';
import type { UserSpec } from '../../src/demo/bot-api-fake.ts';
import {
  buttonData,
  Chat,
  EDITOR,
  PASTED_TEXT,
  PASTED_TITLE,
  shown,
} from '../bot/editors-support.ts';
import { CHANNEL, createTestBot, type TestBot } from '../support/newsbot.ts';

// Two bot instances in one process, on one Redis, behind one webhook URL: the Bot API fake
// delivers round-robin to both, as a load balancer would.

const SECRET = 'wh_secret-0123456789';
const URL_PATH = '/tg/updates';
const READER: UserSpec = { id: 7001, first_name: 'قارئ', language_code: 'ar' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let t: TestBot;
let origins: string[];

beforeAll(async () => {
  t = await createTestBot({
    name: 'webhooks',
    fake: { privateRate: { max: 100, windowMs: 1000 } },
    env: {
      EDITOR_IDS: String(EDITOR.id),
      PRIVATE_RATE_PER_MINUTE: '6000',
      BOT_MODE: 'webhook',
      WEBHOOK_URL: `https://newsbot.example${URL_PATH}`,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_MAX_CONNECTIONS: '8',
    },
  });
  const ports = [await freePort(), await freePort()];
  // Instance A also runs the workers (a published post needs one); B only takes updates.
  await t.start({ ROLE: 'all', HTTP_PORT: String(ports[0]) });
  await t.start({ ROLE: 'bot', HTTP_PORT: String(ports[1]) });
  origins = ports.map((p) => `http://127.0.0.1:${p}`);
  t.fake.deliverWebhookTo(origins);
});
afterAll(async () => {
  await t?.close();
});

/** Where the fake delivered each of these updates (the ones it got a 2xx for). */
const targetsOf = (ids: number[]) =>
  t.fake.webhookDeliveries
    .filter((d) => ids.includes(d.update_id) && d.status === 200 && !d.manual)
    .map((d) => d.target);

describe('webhook mode, two instances behind one URL', () => {
  it('each instance sets the webhook with the secret, the handled update types and max_connections', async () => {
    const calls = t.fake.requests.filter((r) => r.method === 'setWebhook');
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.status).toBe(200);
      expect(call.params).toMatchObject({
        url: `https://newsbot.example${URL_PATH}`,
        secret_token: SECRET,
        max_connections: 8,
        allowed_updates: [...UPDATE_TYPES],
        drop_pending_updates: false,
      });
    }
    expect(t.fake.requests.some((r) => r.method === 'getUpdates')).toBe(false);
    // While the webhook is set, Telegram refuses getUpdates.
    const api = new Api(t.fake.token, { apiRoot: t.fake.apiRoot });
    const refused = await api.getUpdates({ timeout: 0 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GrammyError);
    expect((refused as GrammyError).error_code).toBe(409);
  });

  it('a /publish conversation whose steps alternate instances goes through in order, each step answered once', async () => {
    const chat = new Chat(t, EDITOR);
    const first = t.fake.webhookDeliveries.length;
    const [ask] = await chat.send('/publish');
    expect(shown(ask)).toContain('أرسل رابط الخبر أو نصه');

    let before = chat.messages.length;
    chat.say(PASTED_TEXT);
    let preview = await chat.preview(before);
    expect(shown(preview)).toContain(PASTED_TITLE);

    const [askTitle] = await chat.pressAndWait(preview, buttonData(preview, 'hl'));
    expect(shown(askTitle)).toBe('أرسل العنوان الجديد.');
    before = chat.messages.length;
    chat.say('طهران وبغداد توقعان وثيقة دفاعية');
    preview = await chat.preview(before);
    expect(shown(preview)).toContain('طهران وبغداد توقعان وثيقة دفاعية');

    const posted = t.fake.messages(CHANNEL.id).length;
    await chat.pressAndWait(preview, buttonData(preview, 'pub'));
    const [post] = (await t.fake.waitForMessages(CHANNEL.id, posted + 1)).slice(posted);
    expect(shown(post)).toContain('طهران وبغداد توقعان وثيقة دفاعية');

    // Five updates of one chat, delivered A, B, A, B, A: the conversation state lives in Redis.
    const ids = [...new Set(t.fake.webhookDeliveries.slice(first).map((d) => d.update_id))];
    expect(ids).toHaveLength(5);
    const targets = targetsOf(ids);
    expect(targets).toHaveLength(5);
    expect(new Set(targets).size).toBe(2);
    for (let i = 1; i < targets.length; i++) expect(targets[i]).not.toBe(targets[i - 1]);
    // One answer per step: question, preview, title question, preview, notice (+ the link).
    await t.fake.waitForWebhookIdle();
    const texts = chat.messages.map(shown);
    expect(texts.filter((x) => x.includes('أرسل رابط الخبر أو نصه'))).toHaveLength(1);
    expect(texts.filter((x) => x === 'أرسل العنوان الجديد.')).toHaveLength(1);
  });

  it('a burst from one chat is answered once each, in order, across both instances', async () => {
    const words = ['النفط', 'العراق', 'الأردن', 'طهران', 'بغداد', 'وثيقة'];
    const before = t.fake.messages(READER.id).length;
    const sent = words.map((w) => t.fake.userSends(READER, `/search ${w}`));
    const replies = (await t.fake.waitForMessages(READER.id, before + words.length)).slice(before);
    await t.fake.waitForWebhookIdle();
    expect(t.fake.messages(READER.id)).toHaveLength(before + words.length);
    // Each reply answers its own message, in the order they were sent.
    const queries = replies.map((m) =>
      /«(.+?)»/.exec(shown(m))?.[1]?.replace(/[\u2066-\u2069]/g, ''),
    );
    expect(queries).toEqual(words);
    const ids = t.fake.webhookDeliveries
      .filter((d) => d.status === 200 && !d.manual)
      .slice(-words.length)
      .map((d) => d.update_id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(sent).toHaveLength(words.length);
    expect(new Set(targetsOf(ids)).size).toBe(2);
  });

  it('a re-delivery of a handled update, to the other instance, is acknowledged and not handled again', async () => {
    const before = t.fake.messages(READER.id).length;
    t.fake.userSends(READER, '/start');
    await t.fake.waitForMessages(READER.id, before + 1);
    await t.fake.waitForWebhookIdle();
    const delivered = t.fake.webhookDeliveries.at(-1);
    expect(delivered?.status).toBe(200);
    const update = updateOf(delivered!.update_id, READER, '/start');
    const other = origins.find((o) => o !== delivered?.target);
    expect(await t.fake.postWebhook(update, { target: other })).toBe(200);
    expect(await t.fake.postWebhook(update, { target: delivered?.target })).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.fake.messages(READER.id)).toHaveLength(before + 1);
  });

  it('an update claimed by an instance that died is refused (503) until the claim runs out, then handled once', async () => {
    const last = Math.max(...t.fake.webhookDeliveries.map((d) => d.update_id));
    const next = last + 1;
    // An instance took update `next` and died: its claim is 'busy' for a short lease.
    await t.redis.set(t.keys.update(next), 'busy', 'PX', 400);
    const before = t.fake.messages(READER.id).length;
    const sent = t.fake.userSends(READER, '/start');
    await t.fake.waitForMessages(READER.id, before + 1);
    await t.fake.waitForWebhookIdle();
    const tries = t.fake.webhookDeliveries.filter((d) => d.update_id === next);
    expect(tries[0]?.status).toBe(503);
    expect(tries.at(-1)?.status).toBe(200);
    expect(t.fake.messages(READER.id)).toHaveLength(before + 1);
    expect(sent.text).toBe('/start');
  });

  it('a wrong or missing secret is refused with 401 and nothing is handled', async () => {
    const stranger: UserSpec = { id: 7002, first_name: 'Mallory' };
    t.fake.addUser(stranger);
    const forged = updateOf(9_000_001, stranger, '/start');
    for (const target of origins) {
      expect(await t.fake.postWebhook(forged, { target, secret: 'wrong-secret' })).toBe(401);
      expect(await t.fake.postWebhook(forged, { target, secret: null })).toBe(401);
      expect(await t.fake.postWebhook(forged, { target, secret: `${SECRET}x` })).toBe(401);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(t.fake.messages(stranger.id)).toHaveLength(0);
    // Not even claimed: the update never reached the bot's middleware.
    expect(await t.redis.exists(t.keys.update(9_000_001))).toBe(0);
  });
});

function updateOf(updateId: number, user: UserSpec, text: string): Update {
  return {
    update_id: updateId,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: 'private', first_name: user.first_name },
      from: { ...user, is_bot: false },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: text.length }],
    },
  };
}
