/**
 * Every Redis key the bot uses, in one place. All keys carry the same hash tag ({prefix}) so
 * the scripts and transactions that touch several of them run on Redis Cluster too; BullMQ gets
 * the same tag as its prefix.
 */
export function createKeys(prefix: string) {
  const p = `{${prefix}}`;
  return {
    /** BullMQ `prefix` option. */
    bull: p,
    article: (id: string) => `${p}:article:${id}`,
    /** Arrival counter: orders articles as they entered the queue. */
    arrival: `${p}:arrival`,
    dedupeContent: (contentHash: string) => `${p}:dedupe:content:${contentHash}`,
    /** ZSET of article ids sharing one MinHash LSH band, scored by time seen. */
    dedupeBand: (band: string) => `${p}:dedupe:band:${band}`,
    /** Stream of dropped duplicates: id, duplicate_of, reason, title. */
    dropped: `${p}:dropped`,
    /** HASH chat → Post JSON, for one article. */
    posts: (articleId: string) => `${p}:posts:${articleId}`,
    /** chat + message id → article id, to find a post from its link. */
    postByMessage: (chat: string, messageId: number) => `${p}:msg:${chat}:${messageId}`,
    /** ZSET of all posted article ids by time sent (newest last). */
    timeline: `${p}:timeline`,
    /** ZSET of article ids waiting to be posted to a chat, scored by arrival: the send order. */
    pending: (chat: string) => `${p}:pending:${chat}`,
    /** Theoretical arrival time (ms) of a rate bucket: 'global' or a chat. */
    rate: (bucket: string) => `${p}:rate:${bucket}`,
    /** Set while a send is on the wire; found on retry, it means the last attempt may have landed. */
    inflight: (articleId: string, chat: string) => `${p}:inflight:${articleId}:${chat}`,
    /** SET of "articleId chat" pairs that were re-sent after an interrupted send. */
    ambiguous: `${p}:ambiguous`,
    /** Counter of every re-send after an interrupted send (one per attempt, not per post). */
    ambiguousSends: `${p}:ambiguous:sends`,
    /** '1' or '0': whether a user is a channel admin who may post (cached getChatMember). */
    editor: (userId: number) => `${p}:editor:${userId}`,
    /**
     * Search index (store/search-index.ts). A rebuild writes a new generation and then switches
     * `searchGen` to it, so searches keep working meanwhile. Under `searchBase(gen)`: next
     * (doc number counter), live (count), max (newest in-order sentAt), dead (bitmap of doc
     * numbers), late (HASH doc number → sentAt of docs added out of time order), d:<n>>7>
     * (HASH doc number & 127 → "sentAt:id"), i:<bucket> (HASH id → doc number), s:<term> and
     * m:<stem> (posting lists). The index's Lua scripts build these names from the base.
     */
    searchGen: `${p}:idx:gen`,
    /** Counter handing out generation numbers to rebuilds. */
    searchGenSeq: `${p}:idx:genseq`,
    /** Prefix of every key of one index generation. */
    searchBase: (gen: string) => `${p}:idx:${gen}:`,
    /** SCAN pattern matching every search index key, all generations. */
    searchAll: `${p}:idx:*`,
    /** HASH follow id → Follow JSON: one subscriber's keyword follows (store/follows.ts). */
    follows: (userId: number) => `${p}:follows:${userId}`,
    /** SET of "userId:followId" whose follow is anchored on this term, for matching new posts. */
    followTerm: (term: string) => `${p}:follow:term:${term}`,
    /** SET of user ids already alerted about an article (at most one alert per article). */
    alerted: (articleId: string) => `${p}:alerted:${articleId}`,
    /** Set once a posted article is indexed and its alert fan-out queued (the afterPost hook). */
    postHook: (articleId: string) => `${p}:posthook:${articleId}`,
    /** A search query kept server-side for its Next/Previous buttons (short TTL). */
    searchQuery: (token: string) => `${p}:sq:${token}`,
    /** ZSET sliding window of one user's recent searches, per kind (search, page, inline). */
    userRate: (kind: string, userId: number) => `${p}:urate:${kind}:${userId}`,
    /** An editor's /publish conversation state (@grammyjs/conversations), per user. */
    conversation: (userId: number) => `${p}:conv:${userId}`,
    /** An editor's draft (article being previewed and edited), JSON with a TTL. */
    draft: (draftId: string) => `${p}:draft:${draftId}`,
    /** LIST of audit entries (JSON), newest first, trimmed (store/audit.ts). */
    audit: `${p}:audit`,
    /** The first Approve or Reject of a review draft (SET NX: two presses decide once). */
    reviewDecision: (articleId: string) => `${p}:review:decision:${articleId}`,
    /** Where a review draft's previews went: JSON [{ chat, messageId }]. */
    reviewMessage: (articleId: string) => `${p}:review:msg:${articleId}`,
    /** HASH channel → JSON { to, lang, replyTo? }: who gets the post link once it is sent there. */
    postWatch: (articleId: string) => `${p}:postwatch:${articleId}`,
    /** HASH source id → Source JSON (store/sources.ts). */
    sources: `${p}:sources`,
    /** HASH canonical feed/page URL → source id, so one URL is added once. */
    sourceUrls: `${p}:source:urls`,
    /** HASH of one source's health: last success/error, failures, backoff, item count, ETag. */
    sourceHealth: (id: string) => `${p}:source:health:${id}`,
    /** ZSET of item fingerprints (g:guid, l:link, h:content hash) seen in one source, by time seen. */
    sourceSeen: (id: string) => `${p}:source:seen:${id}`,
    /** Held while one source is polled, so overlapping ticks never poll it twice at once. */
    sourceLock: (id: string) => `${p}:source:lock:${id}`,
    /** 'busy' (lease) or 'done' (TTL): a webhook update claimed by one bot instance (store/updates.ts). */
    update: (updateId: number) => `${p}:upd:${updateId}`,
    /** ZSET of one chat's update ids waiting or being handled, scored by lease deadline. */
    chatTurn: (chat: string) => `${p}:upd:turn:${chat}`,
    /** HASH route id → Route JSON (store/routes.ts). */
    routes: `${p}:routes`,
    /** Counter handing out route ids (r1, r2, …). */
    routeSeq: `${p}:route:seq`,
    /** HASH article id → JSON { at, pick } waiting for a target's (or `u:<user>`'s) next digest. */
    digestItems: (target: string) => `${p}:digest:items:${target}`,
    /** SET of article ids already in a digest of this target: a story is never in two. */
    digestSent: (target: string) => `${p}:digest:sent:${target}`,
    /** JSON of one digest run (its stories and the parts sent), so a retried run resumes. */
    digestRun: (target: string, runId: string) => `${p}:digest:run:${target}:${runId}`,
    /** HASH user id → JSON { every, at, lang }: subscribers' personal digests. */
    userDigests: `${p}:digest:users`,
    /** SET of article ids alerted to one user in one clock hour (the ALERTS_PER_HOUR cap). */
    alertCount: (userId: number, hour: number) => `${p}:alertcount:${userId}:${hour}`,
    /** SET of user ids with over-cap alerts waiting and no digest of their own: the hourly catch-up. */
    catchupUsers: `${p}:digest:catchup`,
  };
}

export type Keys = ReturnType<typeof createKeys>;
