// Links to a channel post. A public channel (@name) has t.me/<name>/<id>; any supergroup or
// channel, public or private, has t.me/c/<id without -100>/<id>, which opens only for members.
// Basic groups and private chats have no message links. A channel configured by numeric id may
// still be public: its username comes from getChat (bot/features/start.ts keeps it fresh).

const USERNAME_RE = /^@?([A-Za-z][A-Za-z0-9_]{3,31})$/;

/** A valid public username without '@', or undefined. */
export function cleanUsername(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const m = USERNAME_RE.exec(name);
  return m?.[1];
}

/**
 * The t.me link of message `messageId` in `chat` (the configured '@name' or numeric id) whose
 * numeric id is `chatId`; `username` is the channel's public name when Telegram gave one (it
 * wins: a renamed channel's old '@name' no longer opens). Undefined when there is no link.
 */
export function postLink(
  chat: string,
  chatId: number,
  messageId: number,
  username?: string,
): string | undefined {
  if (!Number.isSafeInteger(messageId) || messageId <= 0) return undefined;
  const fresh = cleanUsername(username);
  if (fresh) return `https://t.me/${fresh}/${messageId}`;
  const configured =
    typeof chat === 'string' && chat.startsWith('@') ? cleanUsername(chat) : undefined;
  if (configured) return `https://t.me/${configured}/${messageId}`;
  const id = Number.isSafeInteger(chatId) ? String(chatId) : typeof chat === 'string' ? chat : '';
  const internal = /^-100(\d{1,16})$/.exec(id)?.[1];
  return internal ? `https://t.me/c/${internal}/${messageId}` : undefined;
}

/** A deep link that opens the bot with /start <payload>. */
export function startLink(botUsername: string, payload: string): string | undefined {
  const bot = cleanUsername(botUsername);
  if (!bot || !/^[A-Za-z0-9_-]{1,64}$/.test(payload)) return undefined;
  return `https://t.me/${bot}?start=${payload}`;
}
