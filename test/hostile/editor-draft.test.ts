import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Chat,
  EDITOR,
  type EditorsBot,
  PAGE_TITLE,
  shown,
  startEditorsBot,
} from '../bot/editors-support.ts';
import { deepPage, sentenceBomb } from './inputs.ts';

// The editors' /publish link path (editor-desk draftFromInput) builds in the pool too: a hostile
// link is refused with its reason while the bot keeps answering, and the next link works.

const READER = { id: 7201, first_name: 'قارئ', language_code: 'ar' };

let e: EditorsBot;
let hostile: Server;
let origin: string;

beforeAll(async () => {
  hostile = createServer((req, res) => {
    const body =
      req.url === '/bomb' ? sentenceBomb() : req.url === '/deep' ? deepPage() : undefined;
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
  // Private addresses allowed: both the fixture page server and the hostile one are local.
  e = await startEditorsBot('hostile-editor', {
    BUILD_TIMEOUT_MS: '3000',
    FETCH_ALLOW_PRIVATE: 'true',
  });
});
afterAll(async () => {
  await e.close();
  hostile.closeAllConnections();
  await new Promise((resolve) => hostile.close(resolve));
});

describe('/publish with a hostile link', () => {
  it('refuses it with its reason, answers others meanwhile, then takes the next link', async () => {
    const chat = new Chat(e.t, EDITOR);
    await chat.send('/publish');

    const [slow] = await Promise.all([
      chat.send(`${origin}/bomb`).then((replies) => replies[0]),
      // A reader asks while the editor's page is being read, and is answered first.
      (async () => {
        const reply = await e.t.ask(READER, '/help');
        expect(shown(reply)).toContain('أهلاً بك');
        expect(chat.messages.some((m) => shown(m).includes('too-slow'))).toBe(false);
      })(),
    ]);
    expect(shown(slow)).toContain('لم أجد خبراً في هذا المحتوى (too-slow)');

    const [deep] = await chat.send(`${origin}/deep`);
    expect(shown(deep)).toContain('(too-complex)');

    const before = chat.messages.length;
    chat.say(`${e.pages.origin}/article`);
    const preview = await chat.preview(before);
    expect(shown(preview)).toContain(PAGE_TITLE);
  });
});
