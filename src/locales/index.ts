import type { Lang } from '../store/follows.ts';
import { ar } from './ar.ts';
import { en } from './en.ts';
import type { Texts } from './texts.ts';

// One language rule and one set of dictionaries for everything that speaks to a person: the
// bot's features (through ctx.t, bot/i18n.ts), the editorial service's views and the alert DMs
// the workers send. Plain typed dictionaries rather than Fluent files: Fluent wraps every
// placeable in FSI/PDI by default, which would change the exact texts (and their direction
// marks) that replies and tests rely on.

export type * from './texts.ts';
// The follow store keeps each user's language for their alerts, so its Lang is the one type.
export type { Lang, Texts };

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
