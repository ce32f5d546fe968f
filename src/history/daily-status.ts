import { type CheckState, checkState } from '../checks/check-status.js';
import { DayResult } from './day-result.js';
import { addDays } from '../lib/dates.js';

/**
 * The daily statuses of list_backup_history and list_av_history, least significant first: where several
 * checks disagree on a day, the status furthest down this list wins (api-services.md §4.1).
 */
export const DAY_STATUS_RANKING = [
  'NOTINSTALLED', 'NOTRUN', 'PASSINACTIVE', 'PASS', 'CLEAREDINACTIVE', 'CLEARED', 'FAILINACTIVE', 'FAIL', 'OVERDUE',
] as const;
export type DayStatus = (typeof DAY_STATUS_RANKING)[number];

const RANK = new Map<string, number>(DAY_STATUS_RANKING.map((s, i) => [s, i]));

/** Days a 60-day history covers, counted back from today in the account's timezone. */
export const HISTORY_DAYS = 60;

export type HistoryCheck = {
  id: number;
  description: string;
  statusid: number;
  /** Account-timezone day of the last run; null when the check has never run. */
  lastRunDay: string | null;
};

export type HistoryDevice = {
  /** `YYYY-MM-DD` the agent was installed; days before it are NOTINSTALLED. */
  installDay: string;
  isServer: boolean;
  /** Account-timezone days on which the device was overdue. */
  overdueDays: ReadonlySet<string>;
};

type Outcome = 'PASS' | 'FAIL' | 'CLEARED';

/** A check's current result as a day status; one that has not run has none (its days are NOTRUN). */
const OUTCOMES: Record<CheckState, Outcome | null> = { pass: 'PASS', fail: 'FAIL', cleared: 'CLEARED', notRun: null };

/**
 * One check's status on each day, oldest first. Days are PASS unless a stored day result says
 * otherwise; that covers both days it ran and passed and the back-fill before its first run. A day it
 * did not run (stored INACTIVE, after its last run, or a workstation's overdue day) repeats its last
 * outcome as *INACTIVE. A check that never ran is NOTRUN throughout.
 */
function checkStatuses(check: HistoryCheck, device: HistoryDevice, days: readonly string[], results: ReadonlyMap<string, DayResult>): DayStatus[] {
  const current = OUTCOMES[checkState(check.statusid)];
  let carried: Outcome = 'PASS';
  return days.map((day): DayStatus => {
    if (day < device.installDay) return 'NOTINSTALLED';
    if (check.lastRunDay === null || current === null) return 'NOTRUN';
    if (device.overdueDays.has(day)) return device.isServer ? 'OVERDUE' : `${carried}INACTIVE`;
    if (day > check.lastRunDay) return `${current}INACTIVE`;
    if (day === check.lastRunDay) return (carried = current);
    const stored = results.get(day);
    if (stored === DayResult.inactive) return `${carried}INACTIVE`;
    carried = stored === DayResult.fail ? 'FAIL' : stored === DayResult.cleared ? 'CLEARED' : 'PASS';
    return carried;
  });
}

/**
 * The answer of a 60-day check history: the checks' names and, per day from today backwards, the most
 * significant status among them. No checks gives no days (the empty `<checks/>` and `<days/>`).
 */
export function dailyHistory(
  today: string,
  device: HistoryDevice,
  checks: readonly HistoryCheck[],
  resultsByCheck: ReadonlyMap<number, ReadonlyMap<string, DayResult>>,
): { names: { name: string }[]; days: { date: string; status: DayStatus }[] } {
  if (checks.length === 0) return { names: [], days: [] };
  const days = Array.from({ length: HISTORY_DAYS }, (_, i) => addDays(today, i - (HISTORY_DAYS - 1)));
  const best: DayStatus[] = days.map(() => 'NOTINSTALLED');
  for (const check of checks) {
    const statuses = checkStatuses(check, device, days, resultsByCheck.get(check.id) ?? new Map());
    statuses.forEach((s, i) => {
      if (RANK.get(s)! > RANK.get(best[i]!)!) best[i] = s;
    });
  }
  return {
    names: checks.map((k) => ({ name: k.description })),
    days: days.map((date, i) => ({ date, status: best[i]! })).reverse(),
  };
}
