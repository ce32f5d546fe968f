import { CheckStatus, type ClearType } from './check-status.js';
import { DayResult } from '../history/day-result.js';
import { zonedDate } from '../lib/dates.js';
import { escapeText } from '../xml/escape.js';

/**
 * How a check's stored state follows from its results: status, consecutive fails, output, the
 * CHECK_FAILURE outages it opens and closes, and the days it failed. The one rule for every writer:
 * ingestion folds each report's results through it and writes what it answers, and the demo seeder folds
 * the results it makes up through it and bulk-inserts the same rows.
 */

/** The stored columns of a check that its results determine. */
export type CheckState = {
  statusid: number;
  consecutive_fails: number;
  last_run_at: number | null;
  /** The latest result's output as the agent sent it (list_device_monitoring_details `extra`). */
  extra: string;
  /** The same as the dashboard shows it: HTML, bold while failing (list_checks, list_failing_checks). */
  formatted_output: string;
  /** How long a cleared check stays cleared ('' while not cleared). */
  clear_type: ClearType | '';
  /** When an untildatetime clear ends; null otherwise. */
  clear_until: number | null;
};

export type ResultInput = { readonly at: number; readonly status: 'pass' | 'fail'; readonly output: string };

/** A CHECK_FAILURE outage: open while `ended_at` is null. */
export type OutageSpan = { started_at: number; ended_at: number | null; cause: string };

export type CheckFold = {
  state: CheckState;
  /** Outages these results opened (closed again by a later pass among them when `ended_at` is set). */
  opened: OutageSpan[];
  /** When the outage that was open before these results was closed by a pass; null when untouched. */
  closedExistingAt: number | null;
  /** Days (account timezone) with a failure among these results: FAIL, or CLEARED while cleared. */
  days: Map<string, DayResult>;
  /** Whether any result was applied (older results than the check's last run are ignored). */
  changed: boolean;
};

/** A check before its first result. */
export const NOT_RUN_STATE: CheckState = { statusid: CheckStatus.notRun, consecutive_fails: 0, last_run_at: null, extra: '', formatted_output: '', clear_type: '', clear_until: null };

/** The dashboard's rendering of a result: escaped text, bold when the check failed. */
export function formattedOutput(status: ResultInput['status'], output: string): string {
  const escaped = escapeText(output);
  return status === 'fail' ? `<b>${escaped}</b>` : escaped;
}

/**
 * The account-timezone day of an instant, remembered per quarter hour: every UTC offset and every
 * daylight-saving change falls on a quarter hour, and Intl's formatting is the costly part of a fold.
 */
const dayCache = new Map<string, string>();
function dayOf(at: number, timezone: string): string {
  const key = `${timezone}\u0000${Math.floor(at / 900)}`;
  let day = dayCache.get(key);
  if (day === undefined) {
    if (dayCache.size >= 50_000) dayCache.clear();
    dayCache.set(key, (day = zonedDate(at, timezone)));
  }
  return day;
}

const isFailing = (statusid: number) => statusid === CheckStatus.fail || statusid === CheckStatus.cleared;

/**
 * Applies results to a check, oldest first. Rules:
 * - a fail adds one to consecutive_fails; the check fails, unless it is cleared and the clear still holds
 *   (see `clearHolds`); entering failure opens a CHECK_FAILURE outage whose cause is the output (a cleared
 *   check's outage stays open: clearing acknowledges the failure, it does not end it);
 * - a pass resets consecutive_fails, ends any clear and closes the open outage;
 * - a result older than the check's last run is stale (a late duplicate) and changes nothing;
 * - a failed result records its day as FAIL (CLEARED while the check is cleared; FAIL wins a day).
 */
export function foldCheckResults(initial: CheckState, results: readonly ResultInput[], timezone: string): CheckFold {
  const state = { ...initial };
  const fold: CheckFold = { state, opened: [], closedExistingAt: null, days: new Map(), changed: false };
  const ordered = results.length > 1 ? [...results].sort((a, b) => a.at - b.at) : results;
  for (const result of ordered) {
    if (state.last_run_at !== null && result.at < state.last_run_at) continue;
    fold.changed = true;
    const wasFailing = isFailing(state.statusid);
    if (result.status === 'fail') {
      state.consecutive_fails++;
      if (state.statusid !== CheckStatus.cleared || !clearHolds(state, result.at)) endClear(state, CheckStatus.fail);
      if (!wasFailing) fold.opened.push({ started_at: result.at, ended_at: null, cause: result.output });
      const day = dayOf(result.at, timezone);
      const dayResult = state.statusid === CheckStatus.cleared ? DayResult.cleared : DayResult.fail;
      if (fold.days.get(day) !== DayResult.fail) fold.days.set(day, dayResult);
    } else {
      state.consecutive_fails = 0;
      endClear(state, CheckStatus.pass);
      if (wasFailing) {
        const open = fold.opened.find((o) => o.ended_at === null);
        if (open) open.ended_at = result.at;
        else fold.closedExistingAt = result.at;
      }
    }
    state.last_run_at = result.at;
    state.extra = result.output;
    state.formatted_output = formattedOutput(result.status, result.output);
  }
  return fold;
}

/** uid of a device's n-th check (list_checks `uid`). */
export function checkUid(deviceId: number, index: number): number {
  return deviceId * 100 + index;
}

/**
 * Whether a cleared check stays cleared through a failed result at `at`: untilpasses until a pass,
 * untilnextrun not past the next result (this one), untildatetime while `at` is before clear_until.
 */
function clearHolds(state: CheckState, at: number): boolean {
  switch (state.clear_type) {
    case 'untilpasses':
      return true;
    case 'untildatetime':
      return state.clear_until !== null && at < state.clear_until;
    default:
      return false;
  }
}

function endClear(state: CheckState, statusid: CheckStatus): void {
  state.statusid = statusid;
  state.clear_type = '';
  state.clear_until = null;
}

/** What clear_check asks for: how long the clear lasts, and for untildatetime until when (epoch seconds). */
export type ClearRequest = { readonly type: ClearType; readonly until: number | null };

/**
 * A failing check acknowledged by an engineer (clear_check): cleared until its clear ends (by default
 * until it passes). Others are unchanged (only a failing check can be cleared).
 */
export function clearedState(state: CheckState, clear: ClearRequest = { type: 'untilpasses', until: null }): CheckState {
  if (state.statusid !== CheckStatus.fail) return state;
  return { ...state, statusid: CheckStatus.cleared, clear_type: clear.type, clear_until: clear.type === 'untildatetime' ? clear.until : null };
}

/** The state of a cleared check whose untildatetime clear has ended with no new result: failing again. */
export function clearExpiredState<S extends Pick<CheckState, 'statusid' | 'clear_type' | 'clear_until'>>(state: S, now: number): S {
  if (state.statusid !== CheckStatus.cleared || state.clear_type !== 'untildatetime' || state.clear_until === null || now < state.clear_until) return state;
  return { ...state, statusid: CheckStatus.fail, clear_type: '', clear_until: null };
}
