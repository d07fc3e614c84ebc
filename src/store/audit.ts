import type { RedisClient } from '../redis.ts';
import type { Keys } from './keys.ts';

/** What editors do that the audit log keeps. */
export type AuditAction =
  | 'publish'
  | 'schedule'
  | 'approve'
  | 'reject'
  | 'edit'
  | 'unpublish'
  | 'cancel-schedule'
  | 'retry';

export interface AuditEntry {
  action: AuditAction;
  /** Telegram user id of the editor. */
  by: number;
  /** The editor's name as Telegram showed it then. */
  name: string;
  articleId?: string;
  /** A short detail: the scheduled time, a post link, the failed job retried. */
  detail?: string;
  /** ISO time. */
  at: string;
}

/** Entries kept; older ones are trimmed on write. */
export const AUDIT_MAX_ENTRIES = 10_000;
const MAX_FIELD = 300;

const ACTIONS: ReadonlySet<string> = new Set<AuditAction>([
  'publish',
  'schedule',
  'approve',
  'reject',
  'edit',
  'unpublish',
  'cancel-schedule',
  'retry',
]);

const isAction = (a: unknown): a is AuditAction => typeof a === 'string' && ACTIONS.has(a);

/** An entry read back from Redis, or undefined when the stored JSON is not one. */
function parseEntry(json: string): AuditEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!isAction(v.action)) return undefined;
  if (typeof v.by !== 'number' || typeof v.at !== 'string') return undefined;
  const entry: AuditEntry = {
    action: v.action,
    by: v.by,
    name: typeof v.name === 'string' ? v.name : '',
    at: v.at,
  };
  if (typeof v.articleId === 'string') entry.articleId = v.articleId;
  if (typeof v.detail === 'string') entry.detail = v.detail;
  return entry;
}

/**
 * The editors' audit log: who published, scheduled, approved, rejected, edited or deleted what
 * and when. A capped Redis LIST, newest first.
 */
export function createAuditLog({ redis, keys }: { redis: RedisClient; keys: Keys }) {
  return {
    async record(entry: Omit<AuditEntry, 'at'> & { at?: string }): Promise<AuditEntry> {
      const full: AuditEntry = {
        action: entry.action,
        by: entry.by,
        name: entry.name.slice(0, MAX_FIELD),
        at: entry.at ?? new Date().toISOString(),
      };
      if (entry.articleId !== undefined) full.articleId = entry.articleId.slice(0, MAX_FIELD);
      if (entry.detail !== undefined) full.detail = entry.detail.slice(0, MAX_FIELD);
      await redis
        .multi()
        .lpush(keys.audit, JSON.stringify(full))
        .ltrim(keys.audit, 0, AUDIT_MAX_ENTRIES - 1)
        .exec();
      return full;
    },

    /** The newest `count` entries, newest first. */
    async recent(count = 20): Promise<AuditEntry[]> {
      const n = Number.isFinite(count)
        ? Math.max(1, Math.min(AUDIT_MAX_ENTRIES, Math.floor(count)))
        : 20;
      const rows = await redis.lrange(keys.audit, 0, n - 1);
      return rows.map(parseEntry).filter((e): e is AuditEntry => e !== undefined);
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
