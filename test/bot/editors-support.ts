import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { FakeMessage, UserSpec } from '../../src/demo/bot-api-fake.ts';
import type { Newsbot } from '../../src/main.ts';
import { createSearchIndex, type SearchIndex } from '../../src/store/search-index.ts';
import { createTestBot, type TestBot } from '../support/newsbot.ts';

// Shared by the editors*.test.ts files: editors, an editors' group, a local page server, and
// small helpers to act as an editor would through the Bot API fake.

export const EDITOR: UserSpec = { id: 501, first_name: 'هدى', language_code: 'ar' };
export const EDITOR_B: UserSpec = { id: 502, first_name: 'Sam', language_code: 'en' };
export const OUTSIDER: UserSpec = { id: 900, first_name: 'زائر', language_code: 'ar' };
export const EDITORS_GROUP = { id: -1005550001, title: 'غرفة التحرير' };

export const PAGE_HTML = readFileSync(
  new URL('../fixtures/arabic-news-page.html', import.meta.url),
  'utf8',
);
export const PAGE_TITLE = 'الأردن والعراق يتفقان على مد خط لنقل النفط';
export const PASTED_TEXT = readFileSync(
  new URL('../../../shared/fixtures/scraped-article-iran-iraq.txt', import.meta.url),
  'utf8',
);
export const PASTED_TITLE = 'إيران والعراق يعتزمان التوقيع على وثيقة دفاعية مشتركة';

export interface PageServer {
  /** http://127.0.0.1:<port> */
  origin: string;
  host: string;
  requests: string[];
  close(): Promise<void>;
}

/** A local web server with the fixture article at /article (and /article2, /article3, ...). */
export async function startPageServer(): Promise<PageServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url?.startsWith('/article')) {
      // Without og:url the page's own URL is the article's: each path is another article id.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE_HTML.replace(/<meta property="og:url"[^>]*>/, ''));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface EditorsBot {
  t: TestBot;
  /** The running app (bot and workers); t.close() stops it. */
  app: Newsbot;
  pages: PageServer;
  search: SearchIndex;
  close(): Promise<void>;
}

/** A running bot (ROLE all) with two editors, an editors' group and the page server allowed. */
export async function startEditorsBot(
  name: string,
  env: Record<string, string> = {},
): Promise<EditorsBot> {
  const pages = await startPageServer();
  const t = await createTestBot({
    name,
    // A person at a keyboard is slower than a test: let private chats take the test's tempo.
    fake: { privateRate: { max: 100, windowMs: 1000 } },
    env: {
      ROLE: 'all',
      EDITOR_IDS: `${EDITOR.id},${EDITOR_B.id}`,
      EDITORS_CHAT_ID: String(EDITORS_GROUP.id),
      FETCH_ALLOW_HOSTS: pages.host,
      TIME_ZONE: 'Asia/Riyadh',
      PRIVATE_RATE_PER_MINUTE: '6000',
      ...env,
    },
  });
  t.fake.addGroup({ ...EDITORS_GROUP });
  const app = await t.start();
  return {
    t,
    app,
    pages,
    search: createSearchIndex({ redis: t.redis, keys: t.keys }),
    async close() {
      await t.close();
      await pages.close();
    },
  };
}

export function buttonsOf(m: FakeMessage): { text: string; data: string }[] {
  return (m.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ({
    text: b.text,
    data: 'callback_data' in b ? (b.callback_data ?? '') : '',
  }));
}

/** The callback data of the button whose data ends with `:<action>`. */
export function buttonData(m: FakeMessage, action: string): string {
  const b = buttonsOf(m).find((x) => x.data.endsWith(`:${action}`));
  if (!b) throw new Error(`no ${action} button; have ${JSON.stringify(buttonsOf(m))}`);
  return b.data;
}

/** What a message shows: its text or caption. */
export const shown = (m: FakeMessage | undefined): string => m?.text ?? m?.caption ?? '';

export class Chat {
  constructor(
    private readonly t: TestBot,
    readonly user: UserSpec,
  ) {}

  get messages(): FakeMessage[] {
    return this.t.fake.messages(this.user.id);
  }

  /** Sends text without waiting for a reply. */
  say(text: string): void {
    this.t.fake.userSends(this.user, text);
  }

  /** Sends text and waits until the bot has sent `replies` more messages to this chat. */
  async send(text: string, replies = 1): Promise<FakeMessage[]> {
    const before = this.messages.length;
    this.t.fake.userSends(this.user, text);
    const all = await this.t.fake.waitForMessages(this.user.id, before + replies, {
      timeoutMs: 20_000,
    });
    return all.slice(before);
  }

  /** Waits until a message with buttons arrives after `index`, and returns it. */
  async preview(after: number): Promise<FakeMessage> {
    await this.t.fake.waitFor(
      () => this.messages.slice(after).some((m) => m.reply_markup !== undefined),
      { timeoutMs: 20_000, message: 'a preview with buttons' },
    );
    return this.messages.slice(after).find((m) => m.reply_markup !== undefined)!;
  }

  /** Presses a button and waits until the bot answered the press. */
  async press(message: FakeMessage, data: string): Promise<string | undefined> {
    const id = this.t.fake.pressButton(
      this.user,
      { chat_id: message.chat_id, message_id: message.message_id },
      data,
    );
    await this.t.fake.waitFor(() => this.t.fake.callbackAnswers.has(id), {
      timeoutMs: 20_000,
      message: `an answer to the press of ${data}`,
    });
    return this.t.fake.callbackAnswers.get(id)?.text;
  }

  /** Presses and waits for `replies` more messages in this chat. */
  async pressAndWait(message: FakeMessage, data: string, replies = 1): Promise<FakeMessage[]> {
    const before = this.messages.length;
    await this.press(message, data);
    const all = await this.t.fake.waitForMessages(this.user.id, before + replies, {
      timeoutMs: 20_000,
    });
    return all.slice(before);
  }
}

/** Runs /publish with `input` and returns the preview message. */
export async function previewOf(chat: Chat, input: string): Promise<FakeMessage> {
  const before = chat.messages.length;
  chat.say(`/publish ${input}`);
  const preview = await chat.preview(before);
  expect(preview.reply_markup).toBeDefined();
  return preview;
}
