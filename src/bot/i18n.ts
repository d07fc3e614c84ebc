import type { MiddlewareFn } from 'grammy';
import { type Lang, langOf, type Texts, textsFor } from '../locales/index.ts';
import type { BotContext } from './context.ts';

// The bot's side of the one i18n (locales/): the person's language and texts on the context.
// The dictionaries and the language rule live in src/locales/ so that the editorial views and
// the alert DMs, which the workers send, use the same ones without importing bot code.

export { LRM, markLines } from '../telegram/bidi.ts';
export type { Lang, Texts };
export { langOf, textsFor };

/** Puts the person's language and texts on the context; installed once, before every feature. */
export function createI18n(): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    const lang = langOf(ctx.from?.language_code);
    ctx.lang = lang;
    ctx.t = textsFor(lang);
    return next();
  };
}
