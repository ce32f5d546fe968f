import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, isCalendarDate, isoWeek, isoWithOffset, parseUtcDateTime, parseZonedDateTime, shiftedParts, utcDateTime, zonedDate } from './dates.js';

/** What utcDateTime wrote before its fast path: Date's UTC getters, padded. */
function throughDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

describe('wire date formatting', () => {
  it('writes every instant as Date does, whole seconds or not, before 1970 or far ahead', () => {
    const instants = fc.oneof(
      fc.integer({ min: -62_000_000_000, max: 253_402_300_799 }),
      fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
      fc.double({ min: -1e10, max: 1e10, noNaN: true }),
      fc.constantFrom(0, -1, 86_399, 86_400, -86_400, -86_401, -30_610_224_001, -30_610_224_000, 253_402_300_799, 253_402_300_800, 8.64e12, -8.64e12, 8.64e12 + 1),
    );
    fc.assert(fc.property(instants, (s) => utcDateTime(s) === throughDate(s)), { numRuns: 20_000 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000_000 }), fc.integer({ min: -50_400, max: 50_400 }), (s, offset) => {
        const { date, time } = shiftedParts(s, offset);
        const full = throughDate(s + offset);
        return date === full.slice(0, 10) && time === full.slice(11);
      }),
    );
  });

  it('writes null as the text asked for', () => {
    expect(utcDateTime(null)).toBe('');
    expect(utcDateTime(null, '0000-00-00 00:00:00')).toBe('0000-00-00 00:00:00');
    expect(utcDateTime(1_437_385_509)).toBe('2015-07-20 09:45:09');
  });
});

describe('history date helpers', () => {
  it('numbers ISO weeks with the week-numbering year', () => {
    expect(isoWeek('2013-07-29')).toBe('2013W31');
    expect(isoWeek('2021-01-03')).toBe('2020W53');
    expect(isoWeek('2021-01-04')).toBe('2021W01');
    expect(isoWeek('2024-12-30')).toBe('2025W01');
    expect(isoWeek('2026-11-26')).toBe('2026W48');
  });

  it('gives the calendar day in a timezone', () => {
    const instant = Date.parse('2026-11-26T11:30:00Z') / 1000;
    expect(zonedDate(instant, 'Pacific/Auckland')).toBe('2026-11-27');
    expect(zonedDate(instant, 'America/Los_Angeles')).toBe('2026-11-26');
  });

  it('does date arithmetic and validation on text dates', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(parseUtcDateTime('2013-10-21 11:22:33')).toBe(Date.parse('2013-10-21T11:22:33Z') / 1000);
    expect(parseUtcDateTime('2013-10-21T11:22:33Z')).toBe(Date.parse('2013-10-21T11:22:33Z') / 1000);
    expect(parseUtcDateTime('2013-10-21 25:00:00')).toBeUndefined();
    expect(parseUtcDateTime('yesterday')).toBeUndefined();
  });

  it('reads a date and time in a timezone, or at the offset it names', () => {
    expect(parseZonedDateTime('2026-11-26 12:00:00', 'Europe/London')).toBe(Date.parse('2026-11-26T12:00:00Z') / 1000);
    expect(parseZonedDateTime('2026-07-01 12:00:00', 'Europe/London')).toBe(Date.parse('2026-07-01T11:00:00Z') / 1000);
    expect(parseZonedDateTime('2026-11-26T12:00:00', 'Pacific/Auckland')).toBe(Date.parse('2026-11-25T23:00:00Z') / 1000);
    expect(parseZonedDateTime('2026-07-01 12:00:00Z', 'Pacific/Auckland')).toBe(Date.parse('2026-07-01T12:00:00Z') / 1000);
    expect(parseZonedDateTime('2026-07-01 12:00:00-05:30', 'UTC')).toBe(Date.parse('2026-07-01T17:30:00Z') / 1000);
    expect(parseZonedDateTime('2026-07-01', 'UTC')).toBeUndefined();
    expect(parseZonedDateTime('2026-02-30 12:00:00', 'UTC')).toBeUndefined();
  });

  it('writes `created` in each timezone for the second asked, across a daylight-saving change', () => {
    // 2026-03-29 01:00:00Z: London moves from GMT to BST.
    const before = new Date(Date.parse('2026-03-29T00:59:59.250Z'));
    expect(isoWithOffset(before, 'Europe/London')).toBe('2026-03-29T00:59:59+00:00');
    expect(isoWithOffset(new Date(before.getTime() + 500), 'Europe/London')).toBe('2026-03-29T00:59:59+00:00');
    expect(isoWithOffset(before, 'Pacific/Auckland')).toBe('2026-03-29T13:59:59+13:00');
    expect(isoWithOffset(new Date(before.getTime() + 750), 'Europe/London')).toBe('2026-03-29T02:00:00+01:00');
    expect(isoWithOffset(before, 'Europe/London')).toBe('2026-03-29T00:59:59+00:00');
    expect(isoWithOffset(new Date(Date.parse('2026-07-01T12:00:00Z')), 'America/St_Johns')).toBe('2026-07-01T09:30:00-02:30');
  });
});
