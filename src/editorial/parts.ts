import type { Config } from '../config.ts';
import type { Queues } from '../jobs/queues.ts';
import type { Messenger, Sender } from '../jobs/send.ts';
import type { Logger } from '../logger.ts';
import type { RedisClient } from '../redis.ts';
import type { ArticleStore } from '../store/articles.ts';
import type { AuditAction, AuditLog } from '../store/audit.ts';
import type { DraftStore } from '../store/drafts.ts';
import type { Keys } from '../store/keys.ts';
import type { PostWatches } from '../store/post-watches.ts';
import type { Post, PostStore } from '../store/posts.ts';
import type { ReviewStore } from '../store/reviews.ts';
import type { SearchIndex } from '../store/search-index.ts';
import type { ArticleBuilder } from '../workers/build-pool.ts';
import type { Editor, EditorialViews } from './types.ts';

// What the editorial service is built from, and what its parts (drafting, review, posted) share.

export interface EditorialDeps {
  config: Pick<
    Config,
    | 'CONVERSATION_TIMEOUT_MINUTES'
    | 'EDITORS_CHAT_ID'
    | 'EDITOR_IDS'
    | 'USER_AGENT'
    | 'FETCH_TIMEOUT_MS'
    | 'FETCH_ALLOW_PRIVATE'
    | 'FETCH_ALLOW_HOSTS'
  >;
  logger: Logger;
  redis: RedisClient;
  keys: Keys;
  queues: Queues;
  articles: ArticleStore;
  posts: PostStore;
  search: SearchIndex;
  /** The channels posts go to (CHANNEL_ID). */
  channels: readonly string[];
  sender: Sender;
  messenger: Messenger;
  views: EditorialViews;
  /** Builds articles off the event loop, within a time and memory budget. */
  builder: ArticleBuilder;
  audit?: AuditLog;
  /**
   * Whether a user may run the channel, asked at the moment an action takes effect (the bot's
   * getChatMember check, uncached with `fresh`): a demoted admin is refused at once.
   */
  isEditor: (userId: number, opts: { fresh: true }) => Promise<boolean>;
}

/** What the parts of the service share: their dependencies, repositories and two helpers. */
export interface EditorialParts extends EditorialDeps {
  audit: AuditLog;
  drafts: DraftStore;
  reviews: ReviewStore;
  watches: PostWatches;
  record(action: AuditAction, editor: Editor, articleId?: string, detail?: string): Promise<void>;
  /** A post's link for editors (t.me/…), or chat/message id when it has none. */
  linkOf(post: Post): string;
}

/** The rights check every acting call starts with. */
export const mayAct = (p: Pick<EditorialDeps, 'isEditor'>, editor: Editor): Promise<boolean> =>
  p.isEditor(editor.id, { fresh: true });

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));
