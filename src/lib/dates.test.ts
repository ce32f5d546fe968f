import { describe, expect, it } from 'vitest';
import { addDays, isCalendarDate, isoWeek, parseUtcDateTime, parseZonedDateTime, zonedDate } from './dates.js';

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
});
