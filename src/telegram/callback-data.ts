import { SECTIONS } from '../article/types.ts';
// Button data as named kinds with typed fields, instead of strings built in one place and
// mirrored by a regex in another. The wire form stays the short "prefix:field:field" that the
// buttons already carry, so buttons sent before a deploy keep working. Callback data comes
// back from the client and is treated as hostile: parse() checks every field and never throws.
// Pure (no grammY), so the editorial views the workers use encode with the same table; the
// bot's handlers for a kind (on) are in bot/callback-data.ts.

/** Telegram's limit on callback_data, in bytes (https://core.telegram.org/bots/api#inlinekeyboardbutton). */
export const MAX_CALLBACK_BYTES = 64;
const SEP = ':';
const PREFIX_RE = /^[A-Za-z0-9_-]+(?::[A-Za-z0-9_-]+)*$/;

/** One field of a kind: how its value is written, and read back (undefined when malformed). */
export interface Field<T> {
  /** The text for `value`, or undefined when `value` is not a valid T for this field. */
  encode(value: unknown): string | undefined;
  decode(text: string): T | undefined;
}

export const field = {
  /** A string that matches `re` entirely; ':' is never part of it. */
  pattern(re: RegExp): Field<string> {
    const whole = new RegExp(`^(?:${re.source})$`, re.flags.replace(/[gy]/g, ''));
    const ok = (s: string) => !s.includes(SEP) && whole.test(s);
    return {
      encode: (value) => (typeof value === 'string' && ok(value) ? value : undefined),
      decode: (text) => (ok(text) ? text : undefined),
    };
  },
  /** A whole number from `min` to `max` (both ≥ 0), in decimal; leading zeros are read too. */
  int(min: number, max: number): Field<number> {
    const digits = new RegExp(`^\\d{1,${String(max).length}}$`);
    const inRange = (n: number) => Number.isSafeInteger(n) && n >= min && n <= max;
    return {
      encode: (value) => (typeof value === 'number' && inRange(value) ? String(value) : undefined),
      decode: (text) => {
        if (!digits.test(text)) return undefined;
        const n = Number(text);
        return inRange(n) ? n : undefined;
      },
    };
  },
  /** One of a few fixed words. */
  oneOf<const V extends string>(...values: V[]): Field<V> {
    const find = (s: unknown): V | undefined => values.find((v) => v === s);
    return { encode: find, decode: find };
  },
};

export interface KindSpec {
  /** One or more ':'-separated words; no kind's prefix may start another's. */
  readonly prefix: string;
  /** The fields in wire order. */
  readonly fields: Readonly<Record<string, Field<unknown>>>;
}

export type Specs = Readonly<Record<string, KindSpec>>;
type FieldValue<F> = F extends Field<infer T> ? T : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The value of one kind: `{ kind, ...fields }`. */
export type CallbackValue<D extends Specs, K extends keyof D> = Simplify<
  { kind: K } & { [F in keyof D[K]['fields']]: FieldValue<D[K]['fields'][F]> }
>;
/** Any kind's value, discriminated by `kind`. */
export type AnyCallbackValue<D extends Specs> = { [K in keyof D]: CallbackValue<D, K> }[keyof D];

export interface CallbackCodec<D extends Specs> {
  /** The button's data. Throws on a value our own code should never build (a bug, not input). */
  encode(value: AnyCallbackValue<D>): string;
  /** The typed value of `data`, or undefined for anything that is not exactly one of our kinds. */
  parse(data: unknown): AnyCallbackValue<D> | undefined;
}

interface Compiled {
  kind: string;
  prefix: readonly string[];
  fields: readonly (readonly [string, Field<unknown>])[];
}

/** Builds the codec for a table of kinds; a bad table (a clash of prefixes) throws at once. */
export function defineCallbackCodec<const D extends Specs>(specs: D): CallbackCodec<D> {
  const kinds: Compiled[] = Object.entries(specs).map(([kind, spec]) => {
    if (!PREFIX_RE.test(spec.prefix)) throw new Error(`callback kind ${kind}: bad prefix`);
    if ('kind' in spec.fields) throw new Error(`callback kind ${kind}: "kind" is not a field name`);
    return { kind, prefix: spec.prefix.split(SEP), fields: Object.entries(spec.fields) };
  });
  for (const a of kinds) {
    for (const b of kinds) {
      if (a !== b && a.prefix.every((word, i) => b.prefix[i] === word)) {
        throw new Error(`callback kinds ${a.kind} and ${b.kind}: one prefix starts the other`);
      }
    }
  }
  const byKind = new Map(kinds.map((k) => [k.kind, k]));

  function encode(value: AnyCallbackValue<D>): string {
    const values: Readonly<Record<string, unknown>> = value;
    const spec = byKind.get(String(values.kind));
    if (!spec) throw new Error(`callback data: unknown kind ${String(values.kind)}`);
    const parts = [...spec.prefix];
    for (const [name, f] of spec.fields) {
      const text = f.encode(values[name]);
      if (text === undefined) throw new Error(`callback data ${spec.kind}: bad field ${name}`);
      parts.push(text);
    }
    const data = parts.join(SEP);
    if (Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) {
      throw new Error(`callback data ${spec.kind}: longer than ${MAX_CALLBACK_BYTES} bytes`);
    }
    return data;
  }

  function parse(data: unknown): AnyCallbackValue<D> | undefined {
    if (typeof data !== 'string' || Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_BYTES) {
      return undefined;
    }
    const parts = data.split(SEP);
    for (const spec of kinds) {
      if (parts.length !== spec.prefix.length + spec.fields.length) continue;
      if (!spec.prefix.every((word, i) => parts[i] === word)) continue;
      const out: Record<string, unknown> = { kind: spec.kind };
      for (const [i, [name, f]] of spec.fields.entries()) {
        const value = f.decode(parts[spec.prefix.length + i] ?? '');
        if (value === undefined) return undefined;
        out[name] = value;
      }
      // Built field by field from this kind's own spec, so it has exactly that kind's shape.
      return out as AnyCallbackValue<D>;
    }
    return undefined;
  }

  return { encode, parse };
}

const BASE64URL_12 = /[A-Za-z0-9_-]{12}/;
/** A stored article's id (store/articles.ts): from its URL (a-) or a content hash (h-). */
const ARTICLE_ID = /[ah]-[0-9a-f]{20}/;
/** Publish, schedule, headline, summary, save (an edit of a posted article), cancel. */
export const PREVIEW_ACTIONS = ['pub', 'sch', 'hl', 'sm', 'sv', 'cx'] as const;
export type PreviewAction = (typeof PREVIEW_ACTIONS)[number];

const KINDS = {
  /** Next/Previous under search results: the stored query's token and the page (from 0). */
  searchPage: {
    prefix: 's',
    fields: { token: field.pattern(BASE64URL_12), page: field.int(0, 9999) },
  },
  /** A follow's button under /unfollow: removes that follow. */
  unfollow: { prefix: 'u', fields: { followId: field.pattern(BASE64URL_12) } },
  // The editors' buttons. Review previews (editorial/views.ts): Approve, Reject, Edit, and the
  // status button that replaces them once decided.
  reviewApprove: { prefix: 'rv:ok', fields: { articleId: field.pattern(ARTICLE_ID) } },
  reviewReject: { prefix: 'rv:no', fields: { articleId: field.pattern(ARTICLE_ID) } },
  reviewEdit: { prefix: 'rv:ed', fields: { articleId: field.pattern(ARTICLE_ID) } },
  reviewStatus: { prefix: 'rv:st', fields: { articleId: field.pattern(ARTICLE_ID) } },
  /** Retry under a failed job in /queue: the queue (articles or posts) and the job's short ref. */
  queueRetry: {
    prefix: 'q:rt',
    fields: { queue: field.oneOf('a', 'p'), job: field.pattern(/[0-9a-f]{16}/) },
  },
  /** A /publish preview's buttons: the conversation's token and round make older ones stale. */
  preview: {
    prefix: 'pv',
    fields: {
      token: field.pattern(/[0-9a-z]{6}/),
      round: field.int(0, 99_999),
      action: field.oneOf(...PREVIEW_ACTIONS),
    },
  },
  /** A section button under search results: the same query, in that section only. */
  searchSection: {
    prefix: 'ss',
    fields: { token: field.pattern(BASE64URL_12), section: field.oneOf(...SECTIONS) },
  },
  /** Under a deep-link /start: follow the topic of that article (features/start.ts). */
  topicFollow: { prefix: 'tf', fields: { articleId: field.pattern(ARTICLE_ID) } },
  /** Under a deep-link /start: the latest articles on that article's topic. */
  topicMore: { prefix: 'tm', fields: { articleId: field.pattern(ARTICLE_ID) } },
  /** A route's buttons under /routes: pause, resume or remove it. */
  route: {
    prefix: 'rt',
    fields: { action: field.oneOf('pause', 'resume', 'remove'), id: field.pattern(/r\d{1,9}/) },
  },
} satisfies Specs;

/** Every kind of button the bot sends (one table, so no two kinds can share a prefix). */
export const callbackCodec = defineCallbackCodec(KINDS);

export type CallbackData = AnyCallbackValue<typeof KINDS>;
