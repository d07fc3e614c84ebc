import { Composer, type Filter, type Middleware } from 'grammy';
import {
  type AnyCallbackValue,
  type CallbackValue,
  callbackCodec,
  defineCallbackCodec,
  type CallbackCodec as PureCodec,
  type Specs,
} from '../telegram/callback-data.ts';
import type { BotContext } from './context.ts';

// The bot's side of the typed callback data (telegram/callback-data.ts holds the codec and the
// one table of kinds): on(kind) runs handlers for one kind of button with its parsed value.

export {
  type AnyCallbackValue,
  type CallbackData,
  type CallbackValue,
  type Field,
  field,
  type KindSpec,
  MAX_CALLBACK_BYTES,
  PREVIEW_ACTIONS,
  type PreviewAction,
  type Specs,
} from '../telegram/callback-data.ts';

/** A callback query of one kind, its parsed data on `ctx.callbackData`. */
export type CallbackContext<C extends BotContext, V> = Filter<C, 'callback_query:data'> & {
  callbackData: V;
};

export interface CallbackCodec<D extends Specs> extends PureCodec<D> {
  /**
   * Middleware for the buttons of one kind (other updates go on): `middleware` runs with the
   * parsed value on ctx.callbackData. Guards such as editorsOnly go first, as with callbackQuery().
   */
  on<K extends keyof D & string, C extends BotContext = BotContext>(
    kind: K,
    ...middleware: Middleware<CallbackContext<C, CallbackValue<D, K>>>[]
  ): Composer<C>;
}

/** The codec with on() for a table of kinds; a bad table (a clash of prefixes) throws at once. */
export function defineCallbackData<const D extends Specs>(specs: D): CallbackCodec<D> {
  return withHandlers(defineCallbackCodec(specs));
}

function withHandlers<D extends Specs>(codec: PureCodec<D>): CallbackCodec<D> {
  function on<K extends keyof D & string, C extends BotContext = BotContext>(
    kind: K,
    ...middleware: Middleware<CallbackContext<C, CallbackValue<D, K>>>[]
  ): Composer<C> {
    const c = new Composer<C>();
    c.on('callback_query:data').filter(
      (ctx): ctx is CallbackContext<C, CallbackValue<D, K>> => {
        const value: AnyCallbackValue<D> | undefined = codec.parse(ctx.callbackQuery.data);
        if (value === undefined || value.kind !== kind) return false;
        // As callbackQuery() sets ctx.match, the parsed data rides on the context.
        Object.assign(ctx, { callbackData: value });
        return true;
      },
      ...middleware,
    );
    return c;
  }
  return { encode: codec.encode, parse: codec.parse, on };
}

/** Every kind of button the bot sends (the one table in telegram/callback-data.ts). */
export const callbackData = withHandlers(callbackCodec);
