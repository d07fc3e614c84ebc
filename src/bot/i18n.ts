import type { MiddlewareFn } from 'grammy';
import type { Lang } from '../store/follows.ts';
import { RLM } from '../telegram/bidi.ts';
import type { BotContext } from './context.ts';
import { ar } from './locales/ar.ts';
import { en } from './locales/en.ts';
import type { Texts } from './locales/texts.ts';

// One language rule and one set of dictionaries for the whole bot. Plain typed dictionaries
// rather than Fluent files: Fluent wraps every placeable in FSI/PDI by default, which would
// change the exact texts (and their direction marks) that replies and tests rely on.

// The follow store keeps each user's language for their alerts, so its Lang is the one type.
export type { Lang, Texts };

/** LEFT-TO-RIGHT MARK: leads the lines of English replies, as RLM leads Arabic ones. */
export const LRM = '\u200E';

const TEXTS: Readonly<Record<Lang, Texts>> = { ar, en };

/** Arabic by default; English when the user's Telegram language is English (en, en-GB, ...). */
export function langOf(languageCode: string | undefined): Lang {
  return typeof languageCode === 'string' && languageCode.toLowerCase().startsWith('en')
    ? 'en'
    : 'ar';
}

export function textsFor(lang: Lang): Texts {
  return TEXTS[lang];
}

/** Starts each line with the direction mark of the reply's language (see arabic.md, bidi). */
export function markLines(lang: Lang, lines: readonly string[]): string {
  const mark = lang === 'en' ? LRM : RLM;
  return lines.map((line) => (line === '' ? '' : mark + line)).join('\n');
}

/** Puts the person's language and texts on the context; installed once, before every feature. */
export function createI18n(): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    const lang = langOf(ctx.from?.language_code);
    ctx.lang = lang;
    ctx.t = TEXTS[lang];
    return next();
  };
}
