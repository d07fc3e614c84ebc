import type { BotCommand } from 'grammy/types';
import type { QueueName } from '../jobs/queues.ts';
import type { FetchErrorCode } from '../sources/http.ts';
import type { AuditAction } from '../store/audit.ts';
import type { Source } from '../store/sources.ts';

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

/** The queues /queue counts on lines of their own (the posting ones share the first line). */
export type OtherQueue = Exclude<QueueName, 'articles' | 'posts'>;

/**
 * What the bot says to editors: /publish and its preview, /edit, /unpublish, /queue, /audit and
 * review. Plain text (no parse_mode), so names and titles from outside need no escaping.
 */
export interface EditorTexts {
  // /publish
  askInput: string;
  needInput: string;
  tryAgain: string;
  useButtons: string;
  stale: string;
  askTitle: string;
  askSummary: string;
  badTitle: (max: number) => string;
  badSummary: (max: number) => string;
  askTime: (tz: string) => string;
  timeFormat: string;
  timeInvalid: string;
  timePast: (now: string) => string;
  timeTooFar: string;
  queuedNow: string;
  scheduled: (at: string) => string;
  approvedNow: string;
  alreadyPosted: (link: string) => string;
  cancelled: string;
  expired: string;
  draftGone: string;
  posted: (link: string) => string;
  postedIn: (chat: string) => string;
  busy: string;
  privateOnly: string;
  nothingToCancel: string;
  dmFirst: string;
  sentToPrivate: string;
  internal: string;
  /** Why a link or text could not become a draft. */
  fetchError: Record<FetchErrorCode, string>;
  notArticle: string;
  // Buttons
  btnPublish: string;
  btnApprovePublish: string;
  btnSchedule: string;
  btnTitle: string;
  btnSummary: string;
  btnCancel: string;
  btnSave: string;
  // /edit and /unpublish
  refUsage: (cmd: string) => string;
  refNotFound: string;
  notPublished: string;
  unpublished: (n: number) => string;
  unpublishFailed: (reason: string) => string;
  scheduleCancelled: (n: number) => string;
  editSaved: (links: string) => string;
  editMissing: (chat: string) => string;
  editFailed: (reason: string) => string;
  // /queue
  queueCounts: (waiting: number, scheduled: number, failed: number) => string;
  /**
   * The line of every other queue. Its words differ from the first line's ("scheduled" there),
   * so a count read from the first line is never found in these.
   */
  otherQueues: {
    label: Record<OtherQueue, string>;
    counts: (label: string, toRun: number, delayed: number, failed: number) => string;
  };
  nextScheduled: string;
  failedHeader: string;
  btnRetry: (n: number) => string;
  retrying: string;
  retryGone: string;
  untitled: string;
  // /audit
  auditHeader: string;
  auditEmpty: string;
  actions: Record<AuditAction, string>;
  // Review
  btnApprove: string;
  btnEdit: string;
  btnReject: string;
  approvedBy: (name: string, at: string) => string;
  rejectedBy: (name: string, at: string) => string;
  approved: string;
  rejected: string;
  alreadyApproved: (name: string, at: string) => string;
  alreadyRejected: (name: string, at: string) => string;
  reviewGone: string;
}

/** A keyword alert's DM (jobs/alerts.ts); the alert itself is built there, as HTML and plain. */
export interface AlertTexts {
  head: string;
  read: string;
  stop: string;
}

/** /routes and /route add (bot/features/routes.ts): editors route articles to targets. */
export interface RoutesTexts {
  none: string;
  header: (n: number) => string;
  usage: (syntax: string) => string;
  bad: (reason: string) => string;
  checking: string;
  refused: (reason: string) => string;
  added: (line: string) => string;
  notFound: (id: string) => string;
  paused: (id: string) => string;
  resumed: (id: string) => string;
  removed: (id: string) => string;
  pause: string;
  resume: string;
  remove: string;
}

/** /digest (bot/features/digest.ts): a subscriber's personal digest of their follows. */
export interface DigestTexts {
  usage: string;
  set: (when: string) => string;
  off: string;
  /** The first line of a subscriber's own digest, before the date. */
  personalHeading: string;
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
  routes: RoutesTexts;
  digest: DigestTexts;
  editor: EditorTexts;
  alerts: AlertTexts;
}
