import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotContext } from '../../src/bot/context.ts';
import { acrossInstances } from '../../src/bot/create-bot.ts';
import { createWebhookRoute, type WebhookRoute } from '../../src/http/webhook.ts';
import { createLogger } from '../../src/logger.ts';
import { createUpdateStore, type UpdateStore } from '../../src/store/updates.ts';
import { useRedis } from '../support/redis.ts';

// The webhook route on its own: a grammY bot with the once-and-in-order middleware, whose
// handlers a test can slow down or break, behind createWebhookRoute with a short timeout.

const r = useRedis('wh-route');
const SECRET = 'route-secret_1';
const lines: string[] = [];
const handled: number[] = [];
let server: Server;
let route: WebhookRoute;
let updates: UpdateStore;
let url = '';

beforeAll(async () => {
  const bot = new Bot<BotContext>('123:abc', {
    botInfo: {
      id: 123,
      is_bot: true,
      first_name: 'b',
      username: 'b_bot',
      can_join_groups: false,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    },
  });
  updates = createUpdateStore({ redis: r.redis, keys: r.keys, options: { leaseMs: 1000 } });
  bot.use(acrossInstances(updates));
  bot.on('message:text', async (ctx) => {
    const text = ctx.message.text;
    if (text.startsWith('slow')) await new Promise((resolve) => setTimeout(resolve, 400));
    if (text === 'boom') throw new Error('handler broke');
    handled.push(ctx.update.update_id);
  });
  const logger = createLogger({ level: 'info', write: (line) => void lines.push(line) });
  route = createWebhookRoute(
    bot,
    {
      mode: 'webhook',
      url: 'https://x.example/hook',
      secret: SECRET,
      path: '/hook',
      maxConnections: 40,
    },
    logger,
    { timeoutMs: 150 },
  );
  server = createServer((req, res) => {
    if (req.url === route.path) return route.handle(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const update = (id: number, text: string): Update => ({
  update_id: id,
  message: {
    message_id: id,
    date: 0,
    chat: { id: 42, type: 'private', first_name: 'a' },
    from: { id: 42, is_bot: false, first_name: 'a' },
    text,
  },
});

async function post(body: unknown, secret: string | null = SECRET): Promise<number> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('webhook route', () => {
  it('handles an update once: 200, then 200 for its re-delivery without handling it again', async () => {
    expect(await post(update(1, 'hi'))).toBe(200);
    expect(await post(update(1, 'hi'))).toBe(200);
    expect(handled.filter((id) => id === 1)).toEqual([1]);
  });

  it('a handler past the timeout answers 503, runs on, and the retry is acknowledged without a second run', async () => {
    expect(await post(update(2, 'slow'))).toBe(503);
    // Still running: its re-delivery is refused too, so Telegram keeps the chat's later updates.
    expect(await post(update(2, 'slow'))).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await post(update(2, 'slow'))).toBe(200);
    expect(handled.filter((id) => id === 2)).toEqual([2]);
  });

  it('a handler error is logged and answered 200 (a retry would fail the same way)', async () => {
    expect(await post(update(3, 'boom'))).toBe(200);
    expect(lines.some((l) => l.includes('handler broke') && l.includes('"updateId":3'))).toBe(true);
    expect(await post(update(3, 'boom'))).toBe(200);
    expect(lines.filter((l) => l.includes('handler broke'))).toHaveLength(1);
  });

  it('refuses a wrong or missing secret (401), GET (405) and a body that is not JSON (400)', async () => {
    expect(await post(update(4, 'hi'), 'nope')).toBe(401);
    expect(await post(update(4, 'hi'), null)).toBe(401);
    expect((await fetch(url)).status).toBe(405);
    expect(await post('{not json')).toBe(400);
    expect(handled).not.toContain(4);
    expect(await r.redis.exists(r.keys.update(4))).toBe(0);
  });

  it('on stop, refuses new updates with 503 and then waits for the handlers still running', async () => {
    const slow = post(update(5, 'slow, past the timeout'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = route.stop();
    expect(await post(update(6, 'hi'))).toBe(503);
    await stopped;
    expect(handled).not.toContain(5);
    await updates.drain();
    expect(handled).toContain(5);
    expect(handled).not.toContain(6);
    expect([200, 503]).toContain(await slow);
  });
});
