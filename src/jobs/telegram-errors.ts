import { GrammyError, HttpError } from 'grammy';

/** What a failed Bot API call means for the job that made it. */
export type SendFailure =
  | { kind: 'rate'; retryAfterMs: number }
  | { kind: 'parse'; reason: string }
  | { kind: 'photo'; reason: string }
  | { kind: 'blocked'; reason: string }
  | { kind: 'permanent'; reason: string }
  | { kind: 'transient'; reason: string; answered: boolean };

const PHOTO =
  /wrong file identifier|failed to get HTTP URL content|wrong type of the web page content|IMAGE_PROCESS_FAILED|PHOTO_INVALID|wrong remote file/i;
const BLOCKED = /bot was blocked by the user|user is deactivated|bot can't initiate conversation/i;

export function classifySendError(err: unknown): SendFailure {
  if (err instanceof GrammyError) {
    const reason = `${err.error_code} ${err.description}`;
    if (err.error_code === 429) {
      return { kind: 'rate', retryAfterMs: Math.max(1, err.parameters.retry_after ?? 1) * 1000 };
    }
    if (err.error_code >= 500) return { kind: 'transient', reason, answered: true };
    if (/can't parse entities/i.test(err.description)) return { kind: 'parse', reason };
    if (PHOTO.test(err.description)) return { kind: 'photo', reason };
    if (BLOCKED.test(err.description)) return { kind: 'blocked', reason };
    // Everything else Telegram answers with 4xx (chat not found, not an admin, kicked...) will
    // not get better by sending the same request again.
    return { kind: 'permanent', reason };
  }
  // No answer: the request may or may not have reached Telegram.
  if (err instanceof HttpError) return { kind: 'transient', reason: err.message, answered: false };
  return {
    kind: 'transient',
    reason: err instanceof Error ? err.message : String(err),
    answered: false,
  };
}

/** Telegram refused with 403: the user never opened the bot, blocked it, or we were removed. */
export function isForbidden(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 403;
}

/** An error of the Bot API call itself (Telegram's answer, or no answer), not of our own parts. */
export function isTelegramError(err: unknown): boolean {
  return err instanceof GrammyError || err instanceof HttpError;
}
