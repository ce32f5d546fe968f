import type { CheckRow } from '../../../checks/check.service.js';
import { CheckStatus } from '../../../db/schema.js';
import { shiftedParts, utcDateTime } from '../../../lib/dates.js';

/** `checkstatus` text of list_device_monitoring_details and list_failing_checks. */
export function checkStatusText(statusid: number): string {
  switch (statusid) {
    case CheckStatus.pass:
      return 'testok';
    case CheckStatus.fail:
      return 'testerror';
    case CheckStatus.cleared:
      return 'testcleared';
    default:
      return 'testnotrun';
  }
}

/** Device-local date and time of a check's last run; empty for a check that never ran. */
export function localRun(lastRunAt: number | null, utcOffset: number): { date: string; time: string } {
  return lastRunAt === null ? { date: '', time: '' } : shiftedParts(lastRunAt, utcOffset);
}

export function presentCheck(k: CheckRow, utcOffset: number) {
  const local = localRun(k.last_run_at, utcOffset);
  return { ...k, checkid: k.id, date: local.date, time: local.time, utc_run: utcDateTime(k.last_run_at) };
}
