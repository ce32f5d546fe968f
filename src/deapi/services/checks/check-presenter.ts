import type { CheckResultRow } from '../../../checks/check.service.js';
import { type CheckState, checkState } from '../../../checks/check-status.js';
import { shiftedParts, utcDateTime } from '../../../lib/dates.js';

const CHECK_STATUS_TEXT: Record<CheckState, string> = { pass: 'testok', fail: 'testerror', cleared: 'testcleared', notRun: 'testnotrun' };

/** `checkstatus` text of list_device_monitoring_details and list_failing_checks. */
export function checkStatusText(statusid: number): string {
  return CHECK_STATUS_TEXT[checkState(statusid)];
}

/** Device-local date and time of a check's last run; empty for a check that never ran. */
export function localRun(lastRunAt: number | null, utcOffset: number): { date: string; time: string } {
  return lastRunAt === null ? { date: '', time: '' } : shiftedParts(lastRunAt, utcOffset);
}

/** A check row read for this call, with its wire values added (the row is not copied). */
export function presentCheck(k: CheckResultRow, utcOffset: number) {
  const local = localRun(k.last_run_at, utcOffset);
  return Object.assign(k, { checkid: k.id, date: local.date, time: local.time, utc_run: utcDateTime(k.last_run_at) });
}
