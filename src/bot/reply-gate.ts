import type { Transformer } from 'grammy';
import type { RateGate } from '../store/rate-gate.ts';

/** Methods that put or change a message in a chat: Telegram counts them against its limits. */
const SENDS = new Set(['sendMessage', 'editMessageText', 'editMessageReplyMarkup', 'sendPhoto']);
/** Longest a reply waits for its slot; past that it is sent anyway and Telegram decides. */
const MAX_REPLY_WAIT_MS = 15_000;

/**
 * Paces the bot's replies through the same Redis rate gate as channel posts and alerts: the
 * global bucket and the user's private-chat bucket. A user typing fast gets each reply about a
 * second apart instead of a 429 and no reply; a 429 that still happens pushes the gate back.
 * An API transformer for the bot's Api: installed once on bot.api, it is copied to every
 * update's ctx.api (grammY's Bot.handleUpdate), so every feature's replies are paced.
 */
export function createReplyGate(s: { gate: RateGate }): Transformer {
  return async (prev, method, payload, signal) => {
    const chatId =
      typeof payload === 'object' && payload !== null && 'chat_id' in payload
        ? payload.chat_id
        : undefined;
    if (!SENDS.has(method) || (typeof chatId !== 'number' && typeof chatId !== 'string')) {
      return prev(method, payload, signal);
    }
    const chat = String(chatId);
    const deadline = Date.now() + MAX_REPLY_WAIT_MS;
    for (let admitted = await s.gate.admit(chat); !admitted.ok && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, Math.min(admitted.ok ? 0 : admitted.waitMs, 1000)));
      admitted = await s.gate.admit(chat);
    }
    const res = await prev(method, payload, signal);
    if (!res.ok && res.error_code === 429) {
      await s.gate.penalize(chat, Math.max(1, res.parameters?.retry_after ?? 1) * 1000);
    }
    return res;
  };
}
