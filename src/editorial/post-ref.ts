// What editors paste after /edit and /unpublish: a channel post link or an article id.
// Links: https://t.me/<username>/<id>, https://t.me/c/<internal id>/<id> (private channels), the
// same with a topic id in between, t.me/s/<username>/<id> (web preview), telegram.me, with or
// without the scheme, with ?single or other query parameters.

export type PostRef =
  | { kind: 'article'; articleId: string }
  /** chat is '@username' or the numeric id '-100…' as a string. */
  | { kind: 'message'; chat: string; messageId: number };

const ARTICLE_ID_RE = /^[ah]-[0-9a-f]{20}$/;
const USERNAME_RE = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;
const HOSTS = new Set(['t.me', 'www.t.me', 'telegram.me', 'www.telegram.me']);
const MAX_REF = 300;
const MAX_MESSAGE_ID = 2 ** 31 - 1;

function messageId(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= MAX_MESSAGE_ID ? n : undefined;
}

export function parsePostRef(input: string): PostRef | undefined {
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text === '' || text.length > MAX_REF || /\s/.test(text)) return undefined;
  const id = text.toLowerCase();
  if (ARTICLE_ID_RE.test(id)) return { kind: 'article', articleId: id };

  let url: URL;
  try {
    url = new URL(/^https?:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    return undefined;
  }
  if (!HOSTS.has(url.hostname.toLowerCase()) || url.username || url.password) return undefined;
  const parts = url.pathname.split('/').filter((p) => p !== '');
  if (parts[0] === 's') parts.shift();
  // The message id is last; a topic (thread) id may sit between the chat and it.
  if (parts.length < 2 || parts.length > 4) return undefined;
  const last = messageId(parts[parts.length - 1]);
  if (last === undefined) return undefined;
  if (parts[0] === 'c') {
    const internal = parts[1];
    if (parts.length < 3 || internal === undefined || !/^\d{1,16}$/.test(internal)) {
      return undefined;
    }
    if (parts.length === 4 && messageId(parts[2]) === undefined) return undefined;
    return { kind: 'message', chat: `-100${internal}`, messageId: last };
  }
  const username = parts[0];
  if (username === undefined || !USERNAME_RE.test(username) || parts.length > 3) return undefined;
  if (parts.length === 3 && messageId(parts[1]) === undefined) return undefined;
  return { kind: 'message', chat: `@${username}`, messageId: last };
}
