import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import type { UserSpec } from '../../src/demo/bot-api-fake.ts';
import {
  buttonData,
  buttonsOf,
  Chat,
  EDITORS_GROUP,
  type EditorsBot,
  previewOf,
  shown,
  startEditorsBot,
} from '../bot/editors-support.ts';
import { antAsText, antSample } from '../support/corpus.ts';
import { CHANNEL, until } from '../support/newsbot.ts';

// Attack: a channel admin opens a draft (or a review), is demoted to a plain member, and then
// acts. The menus' cache still says "editor"; the action itself must ask Telegram again and
// refuse, and nothing may reach the channel.

const ADMIN: UserSpec = { id: 7001, first_name: 'مشرف سابق', language_code: 'ar' };
const REFUSAL = 'عذراً، هذا الأمر للمحررين فقط.';
const BUTTON_REFUSAL = 'هذا الأمر للمحررين فقط.';

let e: EditorsBot;
const promote = () =>
  e.t.fake.addChannel({
    ...CHANNEL,
    admins: [{ userId: ADMIN.id, status: 'administrator', canPostMessages: true }],
  });
// Telegram's answer changes at once; our one-minute cache for menus does not.
const demote = () => e.t.fake.addChannel({ ...CHANNEL, admins: [] });
const cached = () => e.t.redis.get(e.t.keys.editor(ADMIN.id));
const channelPosts = () => e.t.fake.messages(CHANNEL.id).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  e = await startEditorsBot('hostile-rights');
});
afterAll(async () => {
  await e.close();
});

describe('rights are checked when an action takes effect', () => {
  it('an admin demoted between /publish and Publish is refused; nothing is posted', async () => {
    promote();
    await e.t.redis.del(e.t.keys.editor(ADMIN.id));
    const chat = new Chat(e.t, ADMIN);
    const preview = await previewOf(chat, `${e.pages.origin}/article-rights`);
    expect(await cached()).toBe('1');
    const before = channelPosts();

    demote();
    const replies = await chat.pressAndWait(preview, buttonData(preview, 'pub'));
    expect(replies.map(shown)).toEqual([REFUSAL]);
    await sleep(1500);
    expect(channelPosts()).toBe(before);
    expect(await e.t.queues.articles.getJobCounts('waiting', 'prioritized', 'delayed')).toEqual({
      waiting: 0,
      prioritized: 0,
      delayed: 0,
    });
    const audit = await e.app.services.editorial.audit.recent(5);
    expect(audit.filter((x) => x.by === ADMIN.id)).toEqual([]);
    // Telegram's answer replaced the cached one.
    expect(await cached()).toBe('0');
  });

  it('an admin demoted after a review preview came cannot Approve it; nothing is posted', async () => {
    promote();
    await e.t.redis.del(e.t.keys.editor(ADMIN.id));
    const chat = new Chat(e.t, ADMIN);
    // Any editor command fills the cache with "editor".
    await chat.send('/audit');
    expect(await cached()).toBe('1');

    const [a] = antSample(1);
    const article = a!;
    await e.t.enqueue({
      ...rawFromInput(antAsText(article), { url: article.url, publisher: article.source }),
      review: true,
    });
    await e.t.fake.waitFor(() =>
      e.t.fake
        .messages(EDITORS_GROUP.id)
        .some((m) => shown(m).includes(article.title.slice(0, 30)) && m.reply_markup),
    );
    const review = e.t.fake
      .messages(EDITORS_GROUP.id)
      .find((m) => shown(m).includes(article.title.slice(0, 30)) && m.reply_markup)!;
    const before = channelPosts();
    // Approve is the first button under a review preview.
    const approve = buttonsOf(review)[0]?.data ?? '';
    const articleId = /[ah]-[0-9a-f]{20}/.exec(approve)?.[0] ?? '';

    demote();
    const id = e.t.fake.pressButton(
      ADMIN,
      { chat_id: review.chat_id, message_id: review.message_id },
      approve,
    );
    await e.t.fake.waitFor(() => e.t.fake.callbackAnswers.has(id));
    expect(e.t.fake.callbackAnswers.get(id)).toMatchObject({
      text: BUTTON_REFUSAL,
      show_alert: true,
    });
    await sleep(1500);
    expect(channelPosts()).toBe(before);
    // The review is still open for a real editor.
    expect(await e.app.services.editorial.reviewDecision(articleId)).toBeUndefined();
  });

  it('a demoted admin cannot /unpublish or change sources, whatever the cache says', async () => {
    // A post to take down, published by an EDITOR_IDS editor (always allowed).
    const [a] = antSample(2).slice(1);
    const before = channelPosts();
    await e.t.enqueueText(antAsText(a!), { url: a!.url, publisher: a!.source });
    await until(() => channelPosts() > before, { what: 'the post' });
    const post = e.t.fake.messages(CHANNEL.id).at(-1)!;
    await e.app.services.sources.add({ url: `${e.pages.origin}/feed`, kind: 'feed', id: 'kept' });

    demote();
    // The cache still says "editor", as it would for a minute after a demotion.
    await e.t.redis.set(e.t.keys.editor(ADMIN.id), '1', 'EX', 60);
    const chat = new Chat(e.t, ADMIN);
    const link = `https://t.me/${CHANNEL.username}/${post.message_id}`;
    expect((await chat.send(`/unpublish ${link}`)).map(shown)).toEqual([REFUSAL]);
    expect(e.t.fake.messages(CHANNEL.id).at(-1)?.deleted).toBe(false);

    for (const command of [
      '/removesource kept',
      '/pausesource kept',
      '/addsource https://x.example/feed',
    ]) {
      await e.t.redis.set(e.t.keys.editor(ADMIN.id), '1', 'EX', 60);
      expect((await chat.send(command)).map(shown), command).toEqual([REFUSAL]);
    }
    const kept = await e.app.services.sources.get('kept');
    expect(kept?.paused).toBe(false);
    expect(e.pages.requests.filter((r) => r.includes('x.example'))).toEqual([]);
  });
});
