import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTime, parseScheduleTime, wallClock, zonedToUtc } from '../../src/editorial/time.ts';

// 2025-06-01 10:00 UTC is 13:00 in Riyadh (UTC+3 all year).
const NOW = Date.UTC(2025, 5, 1, 10, 0, 0);
const RIYADH = { now: NOW, timeZone: 'Asia/Riyadh' };
const at = (input: string, opts = RIYADH) => {
  const r = parseScheduleTime(input, opts);
  return r.ok ? r.at.toISOString() : r.reason;
};

describe('parseScheduleTime', () => {
  it('reads a clock time as today in the configured zone', () => {
    expect(at('14:30')).toBe('2025-06-01T11:30:00.000Z');
    expect(at('  14:30 ')).toBe('2025-06-01T11:30:00.000Z');
    expect(at('اليوم الساعة ١٤:٣٠')).toBe('2025-06-01T11:30:00.000Z');
    expect(at('today at 23:59')).toBe('2025-06-01T20:59:00.000Z');
  });

  it('reads tomorrow in Arabic and English, before or after the time', () => {
    for (const input of [
      'غدا 9:00',
      'غداً 9:00',
      'غدًا ٩:٠٠',
      'tomorrow 9:00',
      '9:00 غدا',
      'بكرة 9',
    ]) {
      expect(at(input), input).toBe('2025-06-02T06:00:00.000Z');
    }
  });

  it('reads am/pm and their Arabic forms', () => {
    expect(at('9 pm')).toBe('2025-06-01T18:00:00.000Z');
    expect(at('9:30pm')).toBe('2025-06-01T18:30:00.000Z');
    expect(at('٩:٣٠ م')).toBe('2025-06-01T18:30:00.000Z');
    expect(at('غدا 7 صباحا')).toBe('2025-06-02T04:00:00.000Z');
    expect(at('12 am', { ...RIYADH, now: Date.UTC(2025, 5, 1, 0, 0) })).toBe('past');
    expect(at('غدا 12 am')).toBe('2025-06-01T21:00:00.000Z');
    expect(at('13 pm')).toBe('invalid');
  });

  it('reads ISO times, in the zone unless they carry their own offset', () => {
    expect(at('2025-06-01 14:30')).toBe('2025-06-01T11:30:00.000Z');
    expect(at('2025-06-01T14:30:15')).toBe('2025-06-01T11:30:15.000Z');
    expect(at('2025-06-01T14:30:00Z')).toBe('2025-06-01T14:30:00.000Z');
    expect(at('2025-06-01T14:30:00+01:00')).toBe('2025-06-01T13:30:00.000Z');
    expect(at('2025-06-02T01:00-0500')).toBe('2025-06-02T06:00:00.000Z');
  });

  it('refuses the past, the impossible, the far future and the unreadable with a reason', () => {
    expect(at('12:00')).toBe('past');
    expect(at('13:00')).toBe('past');
    expect(at('2020-01-01 10:00')).toBe('past');
    expect(at('25:00')).toBe('invalid');
    expect(at('14:61')).toBe('invalid');
    expect(at('2025-02-30 10:00')).toBe('invalid');
    expect(at('2025-06-01T14:30+15:00')).toBe('invalid');
    expect(at('2027-01-01 10:00')).toBe('too-far');
    for (const input of [
      '',
      '9',
      'soon',
      'بعد قليل',
      '14:30 15:00',
      'غدا اليوم 9:00',
      '2025-06-01',
      'x'.repeat(500),
    ]) {
      expect(at(input), input).toBe('format');
    }
  });

  it('handles a DST change: a time in the spring gap lands after it', () => {
    const berlin = { now: Date.UTC(2025, 2, 29, 12), timeZone: 'Europe/Berlin' };
    // 02:30 does not exist on 2025-03-30 in Berlin (clocks go 02:00 → 03:00).
    expect(at('غدا 2:30', berlin)).toBe('2025-03-30T01:30:00.000Z');
    expect(at('غدا 4:00', berlin)).toBe('2025-03-30T02:00:00.000Z');
    expect(at('غدا 1:00', berlin)).toBe('2025-03-30T00:00:00.000Z');
  });

  it('never throws on hostile input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        const r = parseScheduleTime(s, RIYADH);
        return r.ok ? r.at.getTime() > NOW : typeof r.reason === 'string';
      }),
    );
  });
});

describe('zonedToUtc and wallClock', () => {
  it('are inverse for every instant, in zones with and without DST', () => {
    for (const timeZone of ['Asia/Riyadh', 'Asia/Tehran', 'Europe/Berlin', 'America/New_York']) {
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (ms) => {
          const t = Math.floor(ms / 1000) * 1000;
          const w = wallClock(t, timeZone);
          const back = zonedToUtc(w, timeZone);
          // An autumn hour happens twice; either instant shows the same wall clock.
          expect(wallClock(back, timeZone)).toEqual(w);
        }),
        { numRuns: 200 },
      );
    }
  });
});

describe('formatTime', () => {
  it('shows the time in the zone, with Latin digits in Arabic too', () => {
    expect(formatTime(Date.UTC(2025, 5, 1, 11, 30), { timeZone: 'Asia/Riyadh', lang: 'en' })).toBe(
      'Sun 1 Jun, 14:30',
    );
    const ar = formatTime(Date.UTC(2025, 5, 1, 11, 30), { timeZone: 'Asia/Riyadh', lang: 'ar' });
    expect(ar).toContain('14:30');
    expect(formatTime(Number.NaN, { timeZone: 'UTC', lang: 'en' })).toBe('?');
  });
});
