// Links to a channel post. A public channel (@name) has t.me/<name>/<id>; any supergroup or
// channel, public or private, has t.me/c/<id without -100>/<id>, which opens for members.
// Basic groups and private chats have no message links.

const USERNAME_RE = /^@([A-Za-z][A-Za-z0-9_]{3,31})$/;

/**
 * The t.me link of message `messageId` in `chat` (the configured '@name' or numeric id) whose
 * numeric id is `chatId`; undefined when Telegram has no link for it.
 */
export function postLink(chat: string, chatId: number, messageId: number): string | undefined {
  if (!Number.isSafeInteger(messageId) || messageId <= 0) return undefined;
  const username = typeof chat === 'string' ? USERNAME_RE.exec(chat)?.[1] : undefined;
  if (username) return `https://t.me/${username}/${messageId}`;
  const id = Number.isSafeInteger(chatId) ? String(chatId) : typeof chat === 'string' ? chat : '';
  const internal = /^-100(\d{1,16})$/.exec(id)?.[1];
  return internal ? `https://t.me/c/${internal}/${messageId}` : undefined;
}
