import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import type { UserSpec } from '../../src/demo/bot-api-fake.ts';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL, until } from '../support/newsbot.ts';
import {
  buttonData,
  buttonsOf,
  Chat,
  EDITOR,
  EDITORS_GROUP,
  type EditorsBot,
  OUTSIDER,
  previewOf,
  shown,
  startEditorsBot,
} from './editors-support.ts';

// Only editors (EDITOR_IDS, or channel admins who may post) run the channel. Everyone else gets
// a short refusal for every command and button, and nothing is queued or stored for them.

const REFUSAL = 'عذراً، هذا الأمر للمحررين فقط.';
const BUTTON_REFUSAL = 'هذا الأمر للمحررين فقط.';
const ADMIN: UserSpec = { id: 777, first_name: 'مشرف', language_code: 'ar' };
const MUTED_ADMIN: UserSpec = { id: 778, first_name: 'مشرف بلا نشر', language_code: 'ar' };

let e: EditorsBot;

beforeAll(async () => {
  e = await startEditorsBot('ed-access');
  e.t.fake.addChannel({
    ...CHANNEL,
    admins: [
      { userId: ADMIN.id, status: 'administrator', canPostMessages: true },
      { userId: MUTED_ADMIN.id, status: 'administrator', canPostMessages: false },
    ],
  });
});
afterAll(async () => {
  await e.close();
});

async function queued(): Promise<number> {
  const a = await e.t.queues.articles.getJobCounts('waiting', 'active', 'delayed', 'completed');
  const p = await e.t.queues.posts.getJobCounts('waiting', 'active', 'delayed', 'completed');
  return (
    Object.values({ ...a }).reduce((x, y) => x + y, 0) + Object.values(p).reduce((x, y) => x + y, 0)
  );
}

describe('a non-editor', () => {
  it('is refused every editor command, in private and in the editors group', async () => {
    const chat = new Chat(e.t, OUTSIDER);
    const before = await queued();
    const commands = [
      '/publish',
      `/publish ${e.pages.origin}/article`,
      '/queue',
      '/audit',
      '/unpublish https://t.me/akhbar_test/1',
      '/edit https://t.me/akhbar_test/1',
      '/unpublish',
      '/edit',
    ];
    for (const command of commands) {
      const replies = await chat.send(command);
      expect(replies.map(shown), command).toEqual([REFUSAL]);
    }
    // Their text after /publish is not taken as an article (no conversation was entered).
    expect(await e.t.redis.exists(e.t.keys.conversation(OUTSIDER.id))).toBe(0);
    expect(e.pages.requests).toEqual([]);
    expect(await e.t.redis.keys(`{${e.t.config.REDIS_PREFIX}}:draft:*`)).toEqual([]);
    expect(await queued()).toBe(before);
    // A channel admin without the right to post is no editor either.
    expect((await new Chat(e.t, MUTED_ADMIN).send('/queue')).map(shown)).toEqual([REFUSAL]);
  });

  it('is refused every editor button: review, preview and Retry', async () => {
    const a = antSample(1)[0]!;
    await e.t.enqueue({
      ...rawFromInput(antAsText(a), { url: a.url, publisher: a.source, sourceId: 'test' }),
      review: true,
    });
    await e.t.fake.waitFor(() => e.t.fake.messages(EDITORS_GROUP.id).some((m) => m.reply_markup));
    const review = e.t.fake.messages(EDITORS_GROUP.id).find((m) => m.reply_markup)!;
    const id = buttonsOf(review)[0]!.data.split(':')[2]!;
    const outsider = new Chat(e.t, OUTSIDER);
    for (const data of [`rv:ok:${id}`, `rv:ed:${id}`, `rv:no:${id}`]) {
      expect(await outsider.press(review, data), data).toBe(BUTTON_REFUSAL);
    }
    expect(await e.t.redis.get(e.t.keys.reviewDecision(id))).toBe(null);
    expect(buttonsOf(review)).toHaveLength(3);

    // An editor's preview: the outsider presses Publish on it.
    const editor = new Chat(e.t, EDITOR);
    const preview = await previewOf(editor, `${e.pages.origin}/article`);
    expect(await outsider.press(preview, buttonData(preview, 'pub'))).toBe(BUTTON_REFUSAL);

    await editor.pressAndWait(preview, buttonData(preview, 'cx'));

    // The Retry button of a failed post, under an editor's /queue.
    e.t.fake.injectFault({
      method: 'sendMessage',
      chatId: CHANNEL.id,
      kind: 'apiError',
      errorCode: 400,
      description: 'Bad Request: need administrator rights in the channel chat',
    });
    const b = antSample(2)[1]!;
    await e.t.enqueueText(antAsText(b), { url: b.url, publisher: b.source });
    await until(async () => (await e.t.queues.posts.getFailedCount()) === 1);
    const queue = (await editor.send('/queue'))[0]!;
    const retry = buttonsOf(queue)[0]!;
    expect(retry.data).toMatch(/^q:rt:p:/);
    expect(await outsider.press(queue, retry.data)).toBe(BUTTON_REFUSAL);
    expect(await e.t.queues.posts.getFailedCount()).toBe(1);

    await new Promise((r) => setTimeout(r, 300));
    expect(await e.t.posts.list(id)).toEqual([]);
    expect(e.t.fake.messages(CHANNEL.id)).toHaveLength(0);
  });
});

describe('a channel admin who may post', () => {
  it('is an editor (getChatMember), without being in EDITOR_IDS', async () => {
    const [reply] = await new Chat(e.t, ADMIN).send('/queue');
    expect(shown(reply)).toMatch(/^الطابور: /);
    await until(async () => (await e.t.redis.get(e.t.keys.editor(ADMIN.id))) === '1');
  });
});
