import { DAY_STATUS_RANKING } from '../../../history/daily-status.js';
import { x } from '../../service-spec.js';

/** `<checks><name/>…</checks><days><day><date/><status/></day>…</days>` of the 60-day check histories. */
export function dayHistoryShape(checkKind: string) {
  return [
    x.group('checks', [x.text('name', 'Name of an active check, e.g. "Backup Check - Backup & Recovery"', { key: 'names', repeated: true })], { key: 'checks' }),
    x.group('days', [
      x.list('day', 'days', [
        x.date('date', 'Day (account timezone, YYYY-MM-DD)'),
        x.str('status', `Most significant status of the day's ${checkKind}: ${DAY_STATUS_RANKING.join(', ')} (least to most significant)`),
      ]),
    ], { key: 'days' }),
  ] as const;
}

export const DAY_HISTORY_NOTES =
  'Days run from today in the account\'s timezone back 60 days, newest first. Status per check and day: NOTINSTALLED before the agent\'s install date; NOTRUN throughout for a check that never ran; OVERDUE (servers) on a day the device was overdue, and for workstations the last outcome + INACTIVE; after the last run the current outcome + INACTIVE; otherwise the stored result of the day (FAIL, CLEARED, or INACTIVE when it did not run), PASS by default, which is also the back-fill before a check\'s first run. The day shows the most significant status of its checks. The doc example\'s DEVICEOVERDUE is written OVERDUE, as its field table says, and days sit in one <days> element as PY reads them.';
