import type { Context } from 'grammy';

/** The context every feature sees. */
export type BotContext = Context;
