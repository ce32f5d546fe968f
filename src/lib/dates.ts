/**
 * The date formats of the Data Extraction API (api-services.md §0 "Dates"). Stored times are epoch
 * seconds (UTC); these turn them into wire text.
 */

export const ZERO_DATETIME = '0000-00-00 00:00:00';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS` in UTC (utc_*, scantime, last_scan_time); null gives '' or the zero value. */
export function utcDateTime(epochSeconds: number | null, whenNull = ''): string {
  if (epochSeconds === null) return whenNull;
  return fast(epochSeconds) ? `${utcDay(epochSeconds)} ${utcTime(epochSeconds)}` : throughDate(epochSeconds);
}

/** Date and time parts of an instant shifted by a fixed offset in seconds (device-local times). */
export function shiftedParts(epochSeconds: number, offsetSeconds: number): { date: string; time: string } {
  const shifted = epochSeconds + offsetSeconds;
  if (fast(shifted)) return { date: utcDay(shifted), time: utcTime(shifted) };
  const full = throughDate(shifted);
  return { date: full.slice(0, 10), time: full.slice(11) };
}

/**
 * The large lists format a date or two per row (list_failing_checks: ~35,000 at 50,000 devices), and a
 * Date with six getters and six paddings cost ~0.4 µs each. The time of day is integer arithmetic over a
 * table of two-digit texts; the date, which few rows differ in, is kept per day. Other instants (not
 * whole seconds, or outside the four-digit years) take Date's own way.
 */
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => pad(n));
const DAY_SECONDS = 86400;
/** 1000-01-01 00:00:00 and 9999-12-31 23:59:59 UTC. */
const FIRST_FAST = -30_610_224_000;
const LAST_FAST = 253_402_300_799;
const dayTexts = new Map<number, string>();
const MAX_DAY_TEXTS = 4096;

function fast(epochSeconds: number): boolean {
  return Number.isInteger(epochSeconds) && epochSeconds >= FIRST_FAST && epochSeconds <= LAST_FAST;
}

function utcDay(epochSeconds: number): string {
  const day = Math.floor(epochSeconds / DAY_SECONDS);
  let text = dayTexts.get(day);
  if (text === undefined) {
    if (dayTexts.size >= MAX_DAY_TEXTS) dayTexts.clear();
    dayTexts.set(day, (text = throughDate(day * DAY_SECONDS).slice(0, 10)));
  }
  return text;
}

function utcTime(epochSeconds: number): string {
  const second = epochSeconds - Math.floor(epochSeconds / DAY_SECONDS) * DAY_SECONDS;
  const minute = Math.floor(second / 60);
  return `${TWO_DIGITS[Math.floor(minute / 60)]}:${TWO_DIGITS[minute % 60]}:${TWO_DIGITS[second % 60]}`;
}

/** `YYYY-MM-DD HH:MM:SS` through Date's UTC getters: the reference the fast path agrees with. */
function throughDate(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock parts of an instant in an IANA timezone. */
export function zonedParts(date: Date, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(date)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return parts as { year: number; month: number; day: number; hour: number; minute: number; second: number };
}

/**
 * The last `isoWithOffset` text per timezone and the second it is for: every answer carries the time it
 * was made (`created`), so under load most calls in a second ask for the same text, and formatting it
 * (Intl's formatToParts) took ~5 µs of the per-call floor. Bounded by the number of timezones in use.
 */
const lastIso = new Map<string, { second: number; text: string }>();

/** `2015-07-20T09:45:09+01:00`: the `created` attribute, in the account's timezone. */
export function isoWithOffset(date: Date, timeZone: string): string {
  const second = Math.floor(date.getTime() / 1000);
  const last = lastIso.get(timeZone);
  if (last?.second === second) return last.text;
  const text = formatIsoWithOffset(date, timeZone);
  lastIso.set(timeZone, { second, text });
  return text;
}

function formatIsoWithOffset(date: Date, timeZone: string): string {
  const p = zonedParts(date, timeZone);
  const wallMs = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offsetMinutes = Math.round((wallMs - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Whether an IANA timezone name is known to this runtime. */
export function isValidTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** `YYYY-MM-DD` of an instant (UTC). */
export function utcDate(epochSeconds: number): string {
  return utcDateTime(epochSeconds).slice(0, 10);
}

/** `YYYY-MM-DD` of an instant in an IANA timezone (the account's "today" for 60-day histories). */
export function zonedDate(epochSeconds: number, timeZone: string): string {
  const p = zonedParts(new Date(epochSeconds * 1000), timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** Calendar arithmetic on `YYYY-MM-DD` text (no timezone involved: a date is a date). */
export function addDays(day: string, days: number): string {
  return utcDate(Date.parse(`${day}T00:00:00Z`) / 1000 + days * 86400);
}

/** Whether text is a real `YYYY-MM-DD` calendar date. */
export function isCalendarDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && addDays(text, 0) === text;
}

/** ISO-8601 week of a date as N-sight writes it: `2013W31` (ISO week-numbering year, week 01–53). */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = new Date(d.getTime() + (3 - weekday) * 86400000);
  const year = thursday.getUTCFullYear();
  // The week holding a date's Thursday belongs to that Thursday's year; count whole weeks from 1 January.
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86400000 / 7);
  return `${year}W${pad(week)}`;
}

/**
 * Parses a UTC `YYYY-MM-DD HH:MM:SS` (or `T`-separated, optionally `Z`) into epoch seconds; undefined
 * when malformed or not a real instant.
 */
export function parseUtcDateTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2}):(\d{2})Z?$/.exec(text);
  if (!m || !isCalendarDate(m[1]!)) return undefined;
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (h > 23 || min > 59 || s > 59) return undefined;
  return Date.parse(`${m[1]}T00:00:00Z`) / 1000 + h * 3600 + min * 60 + s;
}

/** Seconds the timezone's wall clock is ahead of UTC at an instant. */
function offsetAt(epochSeconds: number, timeZone: string): number {
  const p = zonedParts(new Date(epochSeconds * 1000), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - epochSeconds;
}

/**
 * Parses `YYYY-MM-DD HH:MM:SS` (or `T`-separated) into epoch seconds: as UTC with a `Z`, at the given
 * offset with `±HH:MM`, else as wall-clock time in `timeZone` (a time skipped by a daylight-saving change
 * reads an hour later); undefined when malformed.
 */
export function parseZonedDateTime(text: string, timeZone: string): number | undefined {
  const m = /^(.{19})(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  const wall = m ? parseUtcDateTime(m[1]!) : undefined;
  if (wall === undefined) return undefined;
  const zone = m![2];
  if (zone === 'Z') return wall;
  if (zone) {
    const [h, min] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (h > 14 || min > 59) return undefined;
    return wall - (zone[0] === '-' ? -1 : 1) * (h * 3600 + min * 60);
  }
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}
