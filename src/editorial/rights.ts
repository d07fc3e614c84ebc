import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { RedisClient } from '../redis.ts';
import type { Keys } from '../store/keys.ts';

// Only for showing menus and commands: every action that takes effect asks Telegram afresh
// ({ fresh: true }), so a demoted admin loses the right at once, not minutes later.
const CACHE_SECONDS = 60;

/**
 * Who may run the channel: a user listed in EDITOR_IDS, or an administrator of a configured
 * channel with the right to post (getChatMember). Menus may use the answer cached for a minute
 * in Redis; `{ fresh: true }` (Publish, Approve, Unpublish, Edit, source changes) always asks
 * Telegram, and a failed question means no.
 */
export function createEditorCheck(s: {
  /** Only getChatMember is needed: a grammY Api fits. */
  api: {
    getChatMember(
      chat: string,
      userId: number,
    ): Promise<{ status: string; can_post_messages?: boolean }>;
  };
  redis: RedisClient;
  keys: Keys;
  config: Pick<Config, 'EDITOR_IDS'>;
  channels: readonly string[];
  logger: Logger;
}) {
  const allowed = new Set(s.config.EDITOR_IDS);
  return async function isEditor(
    userId: number | undefined,
    opts: { fresh?: boolean } = {},
  ): Promise<boolean> {
    if (userId === undefined) return false;
    if (allowed.has(String(userId))) return true;
    const key = s.keys.editor(userId);
    if (!opts.fresh) {
      const cached = await s.redis.get(key);
      if (cached !== null) return cached === '1';
    }
    let admin = false;
    for (const channel of s.channels) {
      try {
        const member = await s.api.getChatMember(channel, userId);
        if (
          member.status === 'creator' ||
          (member.status === 'administrator' && member.can_post_messages === true)
        ) {
          admin = true;
          break;
        }
      } catch (err) {
        // Not a member, or the channel is unreachable: not an editor by this channel.
        s.logger.debug(
          { err: err instanceof Error ? err.message : String(err) },
          'getChatMember failed',
        );
      }
    }
    await s.redis.set(key, admin ? '1' : '0', 'EX', CACHE_SECONDS);
    return admin;
  };
}

export type EditorCheck = ReturnType<typeof createEditorCheck>;
