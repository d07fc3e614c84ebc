import type { Context } from 'grammy';
import type { Lang, Texts } from '../locales/index.ts';

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
