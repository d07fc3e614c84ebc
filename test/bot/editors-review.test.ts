import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawFromInput } from '../../src/article/input.ts';
import type { RawArticle } from '../../src/article/types.ts';
import { editorFrom } from '../../src/bot/editors.ts';
import { runCli } from '../../src/cli/main.ts';
import { requireTelegram } from '../../src/config.ts';
import type { FakeMessage, UserSpec } from '../../src/demo/bot-api-fake.ts';
import { createLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import { createAuditLog } from '../../src/store/audit.ts';
import { type AntArticle, antAsText, antSample, FIXTURE_PATH } from '../support/corpus.ts';
import { CHANNEL, until } from '../support/newsbot.ts';
import {
  buttonData,
  buttonsOf,
  Chat,
  EDITOR,
  EDITOR_B,
  EDITORS_GROUP,
  type EditorsBot,
  shown,
  startEditorsBot,
} from './editors-support.ts';

const EDITOR_C: UserSpec = { id: 503, first_name: 'ليلى', language_code: 'ar' };

let e: EditorsBot;
const ant = antSample(8);
const channelPosts = () => e.t.fake.messages(CHANNEL.id);

const reviewRaw = (a: AntArticle): RawArticle => ({
  ...rawFromInput(antAsText(a), { url: a.url, publisher: a.source, sourceId: 'test' }),
  review: true,
});

/** Waits for the review preview of an article (by title) in the editors' group. */
async function reviewMessage(title: string): Promise<FakeMessage> {
  const find = () =>
    e.t.fake
      .messages(EDITORS_GROUP.id)
      .find((m) => shown(m).includes(title.slice(0, 30)) && m.reply_markup);
  await e.t.fake.waitFor(() => find() !== undefined, { message: `review of ${title}` });
  return find()!;
}

/** Presses a button as `user` and returns the answer's text. */
async function press(user: UserSpec, m: FakeMessage, data: string): Promise<string | undefined> {
  const id = e.t.fake.pressButton(user, { chat_id: m.chat_id, message_id: m.message_id }, data);
  await e.t.fake.waitFor(() => e.t.fake.callbackAnswers.has(id));
  return e.t.fake.callbackAnswers.get(id)?.text;
}

const current = (m: FakeMessage) =>
  e.t.fake.messages(m.chat_id).find((x) => x.message_id === m.message_id)!;

/** Lets every queued job finish, then a little more, so a stray second post would show. */
async function settle() {
  await until(async () => {
    const counts = await e.t.queues.posts.getJobCounts('waiting', 'active', 'delayed');
    const articles = await e.t.queues.articles.getJobCounts('waiting', 'active');
    return Object.values({ ...counts, ...articles }).every((n) => n === 0);
  });
  await new Promise((r) => setTimeout(r, 400));
}

beforeAll(async () => {
  e = await startEditorsBot('ed-review', { EDITOR_IDS: `${EDITOR.id},${EDITOR_B.id},503` });
  // Editors who opened a private chat with the bot.
  for (const user of [EDITOR, EDITOR_B]) await new Chat(e.t, user).send('/audit');
});
afterAll(async () => {
  await e.close();
});

describe('review mode', () => {
  it('sends the exact preview to the editors; two simultaneous Approves post it once', async () => {
    const a = ant[0]!;
    await e.t.enqueue(reviewRaw(a));
    const review = await reviewMessage(a.title);
    const [ok, edit, no] = buttonsOf(review);
    const id = ok!.data.slice('rv:ok:'.length);
    expect(ok?.data).toMatch(/^rv:ok:a-[0-9a-f]{20}$/);
    expect(edit?.data).toBe(`rv:ed:${id}`);
    expect(no?.data).toBe(`rv:no:${id}`);
    await settle();
    const before = channelPosts().length;
    expect(await e.t.posts.list(id)).toEqual([]);

    // Both presses are waiting before the bot takes either.
    const pressA = e.t.fake.pressButton(EDITOR, review, ok!.data);
    const pressB = e.t.fake.pressButton(EDITOR_B, review, ok!.data);
    await e.t.fake.waitFor(
      () => e.t.fake.callbackAnswers.has(pressA) && e.t.fake.callbackAnswers.has(pressB),
    );
    const answers = [pressA, pressB].map((q) => e.t.fake.callbackAnswers.get(q)?.text ?? '');
    const won = answers.filter((x) => x === 'اعتُمد، يُنشر الآن.' || x === 'Approved; posting now.');
    expect(won).toHaveLength(1);
    expect(answers.some((x) => /^(Already approved by|سبق أن اعتمده)/.test(x))).toBe(true);

    await e.t.fake.waitForMessages(CHANNEL.id, before + 1);
    await settle();
    expect(channelPosts()).toHaveLength(before + 1);
    const post = channelPosts()[before]!;
    expect(post.html).toBe(review.html);
    // The preview now shows who approved it and when; the link is posted under it.
    const status = buttonsOf(current(review));
    expect(status).toHaveLength(1);
    expect(status[0]?.text).toMatch(/^✅ اعتمده (هدى|Sam) · /);
    await e.t.fake.waitFor(() =>
      e.t.fake
        .messages(EDITORS_GROUP.id)
        .some((m) => shown(m) === `نُشر الخبر: https://t.me/${CHANNEL.username}/${post.message_id}`),
    );
    const audit = await createAuditLog(e.t).recent(50);
    expect(audit.filter((x) => x.articleId === id && x.action === 'approve')).toHaveLength(1);
    // The status button tells who decided.
    expect(await press(EDITOR, current(review), `rv:st:${id}`)).toBe(status[0]?.text);
  });

  it('decides once when two bot processes take Approve at the same instant (Redis SET NX)', async () => {
    const a = ant[1]!;
    await e.t.enqueue(reviewRaw(a));
    const review = await reviewMessage(a.title);
    const id = buttonsOf(review)[0]!.data.split(':')[2]!;
    const logger = createLogger({ level: 'silent' });
    const services = [0, 1].map(() => createServices(requireTelegram(e.t.config), logger));
    try {
      const desks = services.map((s) => s.editorial);
      const where = { chat: review.chat_id, messageId: review.message_id };
      const before = channelPosts().length;
      const results = await Promise.all([
        desks[0]!.decide(id, 'approve', editorFrom(EDITOR), where),
        desks[1]!.decide(id, 'approve', editorFrom(EDITOR_B), where),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'decided')).toHaveLength(1);
      await e.t.fake.waitForMessages(CHANNEL.id, before + 1);
      await settle();
      expect(channelPosts()).toHaveLength(before + 1);
    } finally {
      for (const s of services) await s.close();
    }
  });

  it('Reject posts nothing and shows who rejected and when', async () => {
    const a = ant[2]!;
    await e.t.enqueue(reviewRaw(a));
    const review = await reviewMessage(a.title);
    const id = buttonsOf(review)[0]!.data.split(':')[2]!;
    expect(await press(EDITOR_B, review, `rv:no:${id}`)).toBe('Rejected.');
    const status = buttonsOf(current(review));
    expect(status.map((b) => b.text)).toEqual([expect.stringMatching(/^🗑 رفضه Sam · /)]);
    expect(await e.t.redis.get(e.t.keys.reviewDecision(id))).toContain('"reject"');
    await settle();
    expect(await e.t.posts.list(id)).toEqual([]);
    const audit = await createAuditLog(e.t).recent(50);
    expect(audit.find((x) => x.articleId === id)?.action).toBe('reject');
  });

  it('Edit opens the draft in the private chat; after an edit the approval posts the edited article', async () => {
    const a = ant[3]!;
    await e.t.enqueue(reviewRaw(a));
    const review = await reviewMessage(a.title);
    const id = buttonsOf(review)[0]!.data.split(':')[2]!;
    const chat = new Chat(e.t, EDITOR);
    const before = chat.messages.length;
    expect(await press(EDITOR, review, `rv:ed:${id}`)).toBe('أرسلت لك المسودة في المحادثة الخاصة.');
    let preview = await chat.preview(before);
    expect(preview.html).toBe(review.html);
    expect(buttonsOf(preview)[0]?.text).toBe('✅ اعتمد وانشر الآن');

    await chat.pressAndWait(preview, buttonData(preview, 'hl'));
    const next = chat.messages.length;
    chat.say('عنوان عدّلته المحررة قبل الاعتماد');
    preview = await chat.preview(next);
    const posted = channelPosts().length;
    const [reply] = await chat.pressAndWait(preview, buttonData(preview, 'pub'));
    expect(shown(reply)).toContain('اعتُمد الخبر');
    const [post] = (await e.t.fake.waitForMessages(CHANNEL.id, posted + 1)).slice(posted);
    expect(shown(post)).toContain('عنوان عدّلته المحررة قبل الاعتماد');
    expect(post?.html).toBe(preview.html);
    expect(buttonsOf(current(review))[0]?.text).toMatch(/^✅ اعتمده هدى · /);
    expect((await e.t.articles.get(id))?.title).toBe('عنوان عدّلته المحررة قبل الاعتماد');
  });

  it('an editor who approves while another edits wins; the editor is told, nothing posts twice', async () => {
    const a = ant[4]!;
    await e.t.enqueue(reviewRaw(a));
    const review = await reviewMessage(a.title);
    const id = buttonsOf(review)[0]!.data.split(':')[2]!;
    const chat = new Chat(e.t, EDITOR);
    const before = chat.messages.length;
    await press(EDITOR, review, `rv:ed:${id}`);
    const preview = await chat.preview(before);
    const posted = channelPosts().length;
    expect(await press(EDITOR_B, review, `rv:ok:${id}`)).toBe('Approved; posting now.');
    const [reply] = await chat.pressAndWait(preview, buttonData(preview, 'pub'));
    expect(shown(reply)).toMatch(/^سبق أن اعتمده Sam \(/);
    await e.t.fake.waitForMessages(CHANNEL.id, posted + 1);
    await settle();
    expect(channelPosts()).toHaveLength(posted + 1);
  });

  it('Edit by an editor who never opened a private chat says how to, and keeps the review open', async () => {
    const a = ant[5]!;
    await e.t.enqueue(reviewRaw(a));
    const review = await reviewMessage(a.title);
    const id = buttonsOf(review)[0]!.data.split(':')[2]!;
    expect(await press(EDITOR_C, review, `rv:ed:${id}`)).toBe(
      'افتح محادثة خاصة معي واضغط «ابدأ»، ثم اضغط «تعديل» مجدداً.',
    );
    expect(await e.t.redis.get(e.t.keys.reviewDecision(id))).toBe(null);
    expect(buttonsOf(current(review))).toHaveLength(3);
    // Deleted once the update is handled, just after the reply went out.
    await until(async () => (await e.t.redis.exists(e.t.keys.conversation(EDITOR_C.id))) === 0);
  });

  it('`cli enqueue --review` sends the article to review instead of the channel', async () => {
    let out = '';
    const io = {
      stdout: (x: string) => {
        out += x;
      },
      stderr: () => {},
      readStdin: () => new Uint8Array(),
      env: e.t.env,
    };
    const code = await runCli(
      ['enqueue', FIXTURE_PATH, '--url', 'https://review.example/story', '--review'],
      io,
    );
    expect(code).toBe(0);
    const id = out.trim();
    const review = await reviewMessage('إيران والعراق يعتزمان');
    expect(buttonsOf(review)[0]?.data).toBe(`rv:ok:${id}`);
    await settle();
    expect(await e.t.posts.list(id)).toEqual([]);
  });
});
