import type { Message, Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserSpec } from '../../src/demo/bot-api-fake.ts';
import { Chat, type EditorsBot, shown, startEditorsBot } from '../bot/editors-support.ts';
import { CHANNEL } from '../support/newsbot.ts';

// Attack: make the bot publish its own refusal. An editor command posted in the channel (a
// channel_post, with no sender) or sent in some other group must not put a word there; the
// person hears it privately, in their language.

const ENGLISH: UserSpec = { id: 7101, first_name: 'Sam', language_code: 'en' };
const ARABIC: UserSpec = { id: 7102, first_name: 'سامي', language_code: 'ar' };
const OTHER_GROUP = { id: -1005557777, title: 'Some group' };
const EN_REFUSAL = 'Sorry, this command is for editors only.';
const AR_REFUSAL = 'عذراً، هذا الأمر للمحررين فقط.';

let e: EditorsBot;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const command = (text: string) => ({
  entities: [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]?.length ?? 0 }],
});

beforeAll(async () => {
  e = await startEditorsBot('hostile-refusals');
  e.t.fake.addGroup({ ...OTHER_GROUP });
});
afterAll(async () => {
  await e.close();
});

/** Sends a message as `user` in a group (the fake's userSends speaks only in private chats). */
function groupSends(user: UserSpec, text: string): void {
  const message: Message & Update.NonChannel = {
    message_id: Math.floor(Math.random() * 1e6),
    from: { ...user, is_bot: false },
    chat: { id: OTHER_GROUP.id, type: 'supergroup', title: OTHER_GROUP.title },
    date: Math.floor(Date.now() / 1000),
    text,
    ...command(text),
  };
  e.t.fake.pushUpdate({ message });
}

describe('refusals never go into a channel, and speak the person’s language', () => {
  it('/unpublish posted in the channel gets no answer in the channel', async () => {
    const before = e.t.fake.messages(CHANNEL.id).length;
    const sent = e.t.fake.requests.length;
    for (const text of [
      `/unpublish https://t.me/${CHANNEL.username}/1`,
      '/queue',
      '/addsource x',
    ]) {
      e.t.fake.channelPost(CHANNEL.id, text, command(text));
    }
    // A private question afterwards: when it is answered, the channel posts were handled.
    await new Chat(e.t, ARABIC).send('/unpublish');
    await sleep(500);
    expect(e.t.fake.messages(CHANNEL.id)).toHaveLength(before);
    const toChannel = e.t.fake.requests
      .slice(sent)
      .filter((r) => /^(send|copy|forward)/.test(r.method))
      .filter((r) =>
        [String(CHANNEL.id), `@${CHANNEL.username}`].includes(String(r.params.chat_id)),
      );
    expect(toChannel).toEqual([]);
  });

  it('an English user is refused in English, an Arabic user in Arabic, in private', async () => {
    expect((await new Chat(e.t, ENGLISH).send('/unpublish https://t.me/x/1')).map(shown)).toEqual([
      EN_REFUSAL,
    ]);
    expect((await new Chat(e.t, ARABIC).send('/unpublish https://t.me/x/1')).map(shown)).toEqual([
      AR_REFUSAL,
    ]);
  });

  it('an editor command in another group: nothing in the group, the refusal comes privately', async () => {
    const chat = new Chat(e.t, ENGLISH);
    const before = chat.messages.length;
    groupSends(ENGLISH, '/unpublish https://t.me/x/1');
    const [reply] = await e.t.fake.waitForMessages(ENGLISH.id, before + 1);
    expect(shown(chat.messages[before] ?? reply)).toBe(EN_REFUSAL);
    await sleep(300);
    expect(e.t.fake.messages(OTHER_GROUP.id)).toEqual([]);
  });
});
