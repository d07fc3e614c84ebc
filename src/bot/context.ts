import type { Context } from 'grammy';
import type { Lang } from '../store/follows.ts';
import type { Texts } from './locales/texts.ts';

/**
 * The person's language and the texts in it, set once per update by createI18n() (i18n.ts)
 * from their Telegram language_code.
 */
export interface I18nFlavor {
  lang: Lang;
  t: Texts;
}

/** The context every feature sees. */
export type BotContext = Context & I18nFlavor;
