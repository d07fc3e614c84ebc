import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { antAsText, antSample, prng } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('crash safety: workers SIGKILLed mid-run', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await createTestBot({ name: 'crash' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('posts every article after random kills and restarts; only interrupted sends may repeat', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const random = prng(seed);
    const articles = antSample(200);
    for (const a of articles)
      await t.enqueueText(antAsText(a), { url: a.url, publisher: a.source });

    const workers: ChildProcess[] = [t.spawn(), t.spawn()];
    const posted = () => new Set(t.fake.messages(CHANNEL.id).map((m) => m.text)).size;
    let kills = 0;
    // Kill one of the two workers every 0.3–1.5 s while posts flow, and start a new one.
    while (kills < 8 && posted() < articles.length * 0.8) {
      await sleep(300 + random() * 1200);
      const i = Math.floor(random() * workers.length);
      workers[i]?.kill('SIGKILL');
      kills++;
      workers[i] = t.spawn();
    }
    await until(() => posted() >= articles.length, {
      timeoutMs: 90_000,
      what: 'all articles posted',
    });
    // Let stalled jobs (lock 2 s) come back: a job that was going to post twice would do it now.
    await sleep(5000);

    const messages = t.fake.messages(CHANNEL.id);
    // Messages with a Post record, by article; the rest are copies whose record was never written.
    const recorded = new Map<string, string>();
    const orphans: string[] = [];
    for (const m of messages) {
      const id = await t.posts.findByMessage(String(CHANNEL.id), m.message_id);
      if (id) recorded.set(id, m.text ?? '');
      else orphans.push(m.text ?? '');
    }
    const ambiguous = new Set((await t.posts.ambiguous()).map((e) => e.split(' ')[0]));
    console.info(
      `crash seed=${seed} kills=${kills} messages=${messages.length} articles=${articles.length} ` +
        `ambiguous=${ambiguous.size} duplicates=${orphans.length}`,
    );
    // Every article is in the channel, recorded once.
    expect(recorded.size).toBe(articles.length);
    // A second copy can exist only when a worker died between Telegram taking the message and
    // our Post record: the retry found the in-flight mark, flagged the send ambiguous, and sent
    // again. Each copy must be such a case, and each kill makes at most one.
    const byText = new Map([...recorded].map(([id, text]) => [text, id]));
    for (const text of orphans) {
      const id = byText.get(text);
      expect(id, 'a duplicate copy of a recorded post').toBeDefined();
      expect(ambiguous.has(id ?? '')).toBe(true);
    }
    expect(orphans.length).toBeLessThanOrEqual(kills);
    expect(t.fake.earlyRetries).toBe(0);
  }, 180_000);
});
