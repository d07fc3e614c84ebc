import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PATH } from '../support/corpus.ts';
import { CHANNEL, createTestBot, type TestBot, until } from '../support/newsbot.ts';
import { freePort } from '../support/redis-server.ts';

// Attack: lose Telegram's answer to the same post three times. Each retry may post a copy (the
// known limit of at-least-once sending); the metric must count every such retry, not the post.

describe('ambiguous sends are counted per attempt', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await createTestBot({ name: 'hostile-ambiguous' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('three lost responses: four copies, three ambiguous sends, one post concerned, in /metrics', async () => {
    t.fake.injectFault({ method: 'sendMessage', kind: 'lostResponse', times: 3 });
    await t.enqueueText(readFileSync(FIXTURE_PATH, 'utf8'), {});
    const port = await freePort();
    await t.start({ HTTP_PORT: String(port) });
    const copies = await t.fake.waitForMessages(CHANNEL.id, 4, { timeoutMs: 30_000 });
    expect(new Set(copies.map((m) => m.text)).size).toBe(1);
    // The record is written after the fourth answer.
    await until(() => t.posts.postedCount(), { what: 'the post recorded' });
    expect(await t.posts.ambiguousSends()).toBe(3);
    expect(await t.posts.ambiguousCount()).toBe(1);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^newsbot_ambiguous_sends 3$/m);
    expect(metrics).toMatch(/^newsbot_ambiguous_posts 1$/m);
    expect(metrics).toMatch(/^# HELP newsbot_ambiguous_sends .*counted per attempt/m);
  });
});
