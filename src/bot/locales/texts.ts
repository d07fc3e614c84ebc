import type { BotCommand } from 'grammy/types';
import type { FetchErrorCode } from '../../sources/http.ts';
import type { Source } from '../../store/sources.ts';

// The shape every language's dictionary must have: a key missing in ar.ts or en.ts is a type
// error. Strings are plain text; the features escape them (or not, for plain-text replies).

export interface StartTexts {
  hello: string;
  channel: (channels: string) => string;
  lines: readonly string[];
  inline: (bot: string) => string;
  commands: readonly BotCommand[];
  /** /help for editors: what they have beyond the subscriber commands. */
  editorHello: string;
  editorLines: readonly string[];
  /** The menu for editors (private chat with an editor, and the editors' chat). */
  editorCommands: readonly BotCommand[];
  groupCommands: readonly BotCommand[];
  /** A deep link from a channel post: `topic` is already escaped HTML. */
  topic: (topic: string) => string;
  followButton: string;
  moreButton: string;
  /** `topic` is already escaped HTML. */
  moreHeader: (topic: string) => string;
  badPayload: string;
  /** The follow button under channel posts. */
  postButton: string;
}

export interface StatsTexts {
  header: (date: string) => string;
  today: string;
  week: string;
  /** `n` posts in the period. */
  posts: (n: number) => string;
  bySource: string;
  bySection: string;
  noSection: string;
  topSearches: string;
  noSearches: string;
  follows: (today: number, week: number) => string;
  failed: (posts: number, alerts: number) => string;
}

export interface SearchTexts {
  /** `q` is already escaped HTML. */
  header: (q: string, from: number, to: number, total?: number) => string;
  anyWord: string;
  /** `q` is already escaped HTML. */
  none: (q: string) => string;
  shorter: string;
  /** `q` is already escaped HTML. */
  unquoted: (q: string) => string;
  noMore: string;
  next: string;
  prev: string;
  untitled: string;
  usage: string;
  empty: string;
  long: (max: number) => string;
  control: string;
  limited: (sec: number) => string;
  expired: string;
  unknown: string;
  /** The section a search is limited to. */
  inSection: (section: string) => string;
}

export interface FollowTexts {
  usage: string;
  /** `q` is already escaped HTML. */
  added: (q: string, n: number) => string;
  exists: (q: string) => string;
  limit: string;
  common: string;
  none: string;
  list: string;
  pick: string;
  removed: (q: string) => string;
  notFollowing: (q: string) => string;
  gone: string;
  privateOnly: string;
  unfollowHint: string;
}

export interface InlineTexts {
  limited: (sec: number) => string;
  refused: string;
  none: string;
}

export interface LatestTexts {
  header: string;
  none: string;
  untitled: string;
}

export interface SourcesTexts {
  none: string;
  header: (n: number) => string;
  feed: string;
  page: string;
  auto: string;
  review: string;
  fullText: string;
  every: (d: string) => string;
  active: string;
  paused: (why: string) => string;
  lastSuccess: (at: string) => string;
  lastError: (at: string, error: string) => string;
  failures: (n: number) => string;
  items: (n: number) => string;
  never: string;
  chats: (list: string) => string;
  addUsage: string;
  idUsage: (cmd: string) => string;
  checking: string;
  addedFeed: (s: Source, items: number | undefined, d: string) => string;
  addedPage: (s: Source, d: string) => string;
  exists: (id: string) => string;
  idTaken: (id: string) => string;
  badOption: (o: string) => string;
  badInterval: string;
  notFound: (id: string) => string;
  removed: (s: Source) => string;
  pausedOk: (s: Source) => string;
  pausedBy: (name: string) => string;
  resumed: (s: Source) => string;
  alreadyPaused: (id: string) => string;
  notPaused: (id: string) => string;
  cannotAdd: (why: string) => string;
  fetchError: Record<FetchErrorCode, string>;
  notFeed: string;
  malformed: string;
  unreadable: string;
  unit: { s: string; m: string; h: string; d: string };
}

/** Refusals of the editor-only commands and buttons (src/bot/editors.ts). */
export interface AccessTexts {
  editorsOnly: string;
  editorsOnlyButton: string;
}

/** Everything the bot says to a person, by feature. */
export interface Texts {
  start: StartTexts;
  search: SearchTexts;
  follow: FollowTexts;
  inline: InlineTexts;
  latest: LatestTexts;
  stats: StatsTexts;
  sources: SourcesTexts;
  access: AccessTexts;
}
