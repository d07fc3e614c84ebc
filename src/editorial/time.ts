import { stripUnsafeChars } from '../text/sanitize.ts';

// Times editors type for /publish → Schedule, read in the configured time zone with Intl:
// "14:30", "9:30 pm", "غدا 9:00", "اليوم ١٤:٣٠", "2025-06-01 14:30", "2025-06-01T14:30:00+03:00".

export type ScheduleParse =
  | { ok: true; at: Date }
  | { ok: false; reason: 'format' | 'invalid' | 'past' | 'too-far' };

/** Furthest ahead a post may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 86_400_000;
const MAX_INPUT = 100;

const TODAY = new Set(['today', 'اليوم']);
const TOMORROW = new Set(['tomorrow', 'غدا', 'غداً', 'غدًا', 'بكرة', 'بكره']);
const FILLER = new Set(['at', 'الساعة', 'الساعه', 'على', 'في']);
const AM = new Set(['am', 'a.m.', 'ص', 'صباحا', 'صباحاً', 'صباحًا']);
const PM = new Set(['pm', 'p.m.', 'م', 'مساء', 'مساءً', 'مساءا', 'مساءاً']);

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const CLOCK_RE = /^(\d{1,2})(?::(\d{2}))?(am|pm|a\.m\.|p\.m\.)?$/i;

/** Arabic-Indic and Persian digits → ASCII, Arabic comma and colon look-alikes → ':'. */
function normalize(input: string): string {
  return stripUnsafeChars(input)
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\uff1a\ufe55]/g, ':')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time in `timeZone` at the instant `ms`. */
export function wallClock(ms: number, timeZone: string): WallClock {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which the clocks in `timeZone` show `w`. Across a DST change the offset is
 * taken again at the first guess, so a time in the gap lands just after it.
 */
export function zonedToUtc(w: WallClock, timeZone: string): number {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const first = offsetAt(guess, timeZone);
  const second = offsetAt(guess - first, timeZone);
  return guess - (first === second ? first : second);
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

function parseIso(m: RegExpExecArray, timeZone: string): number | undefined {
  const n = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const zone = m[7];
  if (zone === undefined) return zonedToUtc({ year, month, day, hour, minute, second }, timeZone);
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (zone.toUpperCase() === 'Z') return utc;
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!z || Number(z[2]) > 14 || Number(z[3]) > 59) return undefined;
  const offset = (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  return z[1] === '+' ? utc - offset : utc + offset;
}

/** "14:30", "غدا 9:00", "9 pm", "اليوم الساعة ١٤:٣٠" → the instant, or undefined. */
function parseClock(text: string, now: number, timeZone: string): number | 'invalid' | undefined {
  let dayOffset = 0;
  let meridiem: 'am' | 'pm' | undefined;
  let clock: { hour: number; minute: number; explicitMinute: boolean } | undefined;
  let sawDay = false;
  for (const token of text.split(' ')) {
    if (TODAY.has(token) || TOMORROW.has(token)) {
      if (sawDay) return undefined;
      sawDay = true;
      dayOffset = TOMORROW.has(token) ? 1 : 0;
      continue;
    }
    if (FILLER.has(token)) continue;
    if (AM.has(token) || PM.has(token)) {
      if (meridiem) return undefined;
      meridiem = AM.has(token) ? 'am' : 'pm';
      continue;
    }
    const m = CLOCK_RE.exec(token);
    if (!m || clock) return undefined;
    clock = { hour: Number(m[1]), minute: Number(m[2] ?? 0), explicitMinute: m[2] !== undefined };
    if (m[3]) {
      if (meridiem) return undefined;
      meridiem = m[3].toLowerCase().startsWith('a') ? 'am' : 'pm';
    }
  }
  // A bare number ("9") is too easy to mistype; it needs minutes, am/pm or a day word.
  if (!clock || (!clock.explicitMinute && !meridiem && !sawDay)) return undefined;
  let { hour } = clock;
  if (meridiem) {
    if (hour < 1 || hour > 12) return 'invalid';
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  if (hour > 23 || clock.minute > 59) return 'invalid';
  const today = wallClock(now, timeZone);
  // Calendar arithmetic in UTC: only the date moves, then the wall clock is placed in the zone.
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
  return zonedToUtc(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour,
      minute: clock.minute,
      second: 0,
    },
    timeZone,
  );
}

/**
 * Reads the time an editor typed, in `timeZone`. A time without a day means today; a time that
 * has passed is refused, not moved to tomorrow, so a post never goes out a day late by surprise.
 */
export function parseScheduleTime(
  input: string,
  opts: { now: number; timeZone: string },
): ScheduleParse {
  if (typeof input !== 'string' || input.length > MAX_INPUT) return { ok: false, reason: 'format' };
  const text = normalize(input);
  if (text === '') return { ok: false, reason: 'format' };
  const iso = ISO_RE.exec(text);
  let at: number | 'invalid' | undefined;
  if (iso) at = parseIso(iso, opts.timeZone) ?? 'invalid';
  else at = parseClock(text, opts.now, opts.timeZone);
  if (at === undefined) return { ok: false, reason: 'format' };
  if (at === 'invalid' || !Number.isFinite(at)) return { ok: false, reason: 'invalid' };
  if (at <= opts.now) return { ok: false, reason: 'past' };
  if (at - opts.now > MAX_SCHEDULE_AHEAD_MS) return { ok: false, reason: 'too-far' };
  return { ok: true, at: new Date(at) };
}

/** A time for editors to read, in the channel's time zone: "Mon 9 Jun, 14:30". */
export function formatTime(at: Date | number, opts: { timeZone: string; lang: 'ar' | 'en' }) {
  const date = typeof at === 'number' ? new Date(at) : at;
  if (!Number.isFinite(date.getTime())) return '?';
  return new Intl.DateTimeFormat(opts.lang === 'ar' ? 'ar-u-nu-latn' : 'en-GB', {
    timeZone: opts.timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}
