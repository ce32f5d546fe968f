import type { Insertable } from 'kysely';
import type { z } from 'zod';
import type { BackupSession } from '../agent-protocol/protocol.schema.js';
import { backupResult, backupSessionRow } from '../backup/backup-derivation.js';
import { type CheckFold, clearedState, foldCheckResults, NOT_RUN_STATE, type ResultInput } from '../checks/check-derivation.js';
import type { DeviceTable, MobSessionTable } from '../db/schema.js';
import { CheckFrequency } from '../checks/check-status.js';
import { DayResult } from '../history/day-result.js';
import { AV_UPDATE_CHECK_TYPES, BACKUP_CHECK_TYPES } from '../history/check-day-history.js';
import type { CheckTemplate } from './catalog.js';
import type { Prng } from './prng.js';

/**
 * The made-up past of the demo's checks and backups. The seeder does not invent stored columns: it makes
 * up the results an agent would have sent (a check passing, a failure spell, a run of fails, a check an
 * engineer cleared, backups night after night) and folds them through the same derivation as ingestion
 * (src/checks/check-derivation.ts, src/backup/backup-derivation.ts). Status, consecutive fails, outages
 * and failed days therefore follow ingestion's rules exactly; only their volume is the seeder's choice.
 */

type Session = z.infer<typeof BackupSession>;

/** Nights of Backup & Recovery sessions a device with it gets. */
const SESSION_DAYS = 7;

/**
 * One check's made-up past, folded: never run, passing, failing for a while, or failing and cleared by an
 * engineer; perhaps with an earlier failure spell (itself sometimes cleared before it ended). A Backup Check
 * of a device with Backup & Recovery takes the results of that device's sessions instead.
 */
export function seededCheckFold(
  rng: Prng, template: CheckTemplate, device: Insertable<DeviceTable>, timezone: string, backups: readonly ResultInput[] | undefined,
): CheckFold {
  const daily = template.dsc247 === CheckFrequency.dsc;
  const interval = daily ? 86400 : Number(device.check_interval_247) * 60;
  // Overdue devices fail more (their last results were bad more often).
  const failRate = device.overdue_since ? 0.15 : 0.05;
  const roll = rng.next();
  const scenario = roll < failRate ? 'fail' : roll < failRate + 0.01 ? 'cleared' : roll > 0.99 ? 'notRun' : 'pass';
  const lastRun = Number(device.last_response_at) - (daily ? rng.int(0, 20) * 3600 : rng.int(0, 900));
  const failText = rng.pick(template.fail);
  const pass = (at: number): ResultInput => ({ at, status: 'pass', output: template.ok });
  const fail = (at: number): ResultInput => ({ at, status: 'fail', output: failText });
  // A device's own Backup & Recovery sessions are its Backup Checks' results.
  if (backups && (BACKUP_CHECK_TYPES as readonly number[]).includes(template.type)) return foldCheckResults(NOT_RUN_STATE, backups, timezone);
  if (scenario === 'notRun') return foldCheckResults(NOT_RUN_STATE, [], timezone);

  const before: ResultInput[] = [];
  const after: ResultInput[] = [];
  let cleared = false;
  // An earlier failure spell, at least ten days back: common for backup and antivirus checks (their 60-day
  // histories show it), rare for others (a closed outage). Sometimes cleared before it ended.
  const historyCheck = ([...BACKUP_CHECK_TYPES, ...AV_UPDATE_CHECK_TYPES] as number[]).includes(template.type);
  if (rng.chance(historyCheck ? 0.33 : 0.03)) {
    const start = lastRun - rng.int(10, 55) * 86400;
    const length = daily ? rng.int(1, 4) : rng.int(1, 30);
    for (let i = 0; i < length; i++) before.push(fail(start + i * interval));
    if (length > 1 && rng.chance(0.4)) {
      cleared = true;
      after.push(fail(before.pop()!.at));
    }
    (cleared ? after : before).push(pass(start + length * interval));
  }
  const target = cleared ? after : before;
  if (scenario === 'pass') {
    target.push(pass(lastRun));
  } else {
    const fails = daily ? rng.int(1, 3) : rng.int(1, 30);
    target.push(pass(lastRun - fails * interval));
    for (let i = fails - 1; i >= 0; i--) target.push(fail(lastRun - i * interval));
  }
  const fold = foldWithClear(before, cleared ? after : null, timezone);
  // Cleared now: an engineer acknowledged it after its latest failure.
  if (scenario === 'cleared') fold.state = clearedState(fold.state);
  return fold;
}

/** Folds `before`, then (when `after` is given) an engineer's clear, then `after`, as one history. */
function foldWithClear(before: readonly ResultInput[], after: readonly ResultInput[] | null, timezone: string): CheckFold {
  const first = foldCheckResults(NOT_RUN_STATE, before, timezone);
  if (after === null) return first;
  const second = foldCheckResults(clearedState(first.state), after, timezone);
  const open = first.opened.find((o) => o.ended_at === null);
  if (open && second.closedExistingAt !== null) open.ended_at = second.closedExistingAt;
  for (const [day, result] of second.days) if (first.days.get(day) !== DayResult.fail) first.days.set(day, result);
  return { state: second.state, opened: [...first.opened, ...second.opened], closedExistingAt: null, days: first.days, changed: true };
}

/**
 * Nightly file-system backups for the last week, a weekly system-state one on servers, the odd failure:
 * the sessions as an agent would report them, their stored rows, and the Backup Check results they make.
 */
export function seededBackups(
  rng: Prng, now: number, owner: { account_id: number; client_id: number; site_id: number; device_id: number }, server: boolean,
): { rows: Insertable<MobSessionTable>[]; results: ResultInput[] } {
  const rows: Insertable<MobSessionTable>[] = [];
  const results: ResultInput[] = [];
  const midnight = Math.floor(now / 86400) * 86400;
  const plugins: [string, number][] = [['FILE_SYSTEM', rng.int(5, 400) * 1024 ** 3]];
  if (server) plugins.push(['SYSTEM_STATE', rng.int(8, 30) * 1024 ** 3]);
  for (const [plugin, baseSize] of plugins) {
    let previous: number | null = null;
    let size = baseSize;
    for (let day = SESSION_DAYS; day >= 1; day--) {
      if (plugin === 'SYSTEM_STATE' && day % 7 !== 0) continue;
      const startedAt = midnight - day * 86400 + 22 * 3600 + rng.int(0, 3600);
      size = Math.max(0, size + rng.int(-50, 200) * 1024 ** 2);
      const roll = rng.next();
      const status = roll < 0.03 ? 'FAILED' : roll < 0.08 ? 'COMPLETED_WITH_ERRORS' : roll < 0.1 ? 'INTERRUPTED' : 'COMPLETED';
      const session: Session = {
        type: 'BACKUP', plugin, startedAt, endedAt: startedAt + rng.int(300, 7200), status, selectionSize: size,
        processedSize: status === 'FAILED' ? 0 : rng.int(1, 2000) * 1024 ** 2, transferredSize: status === 'FAILED' ? 0 : rng.int(1, 500) * 1024 ** 2,
        errorCount: status === 'COMPLETED' ? 0 : rng.int(1, 20),
      };
      rows.push(backupSessionRow(owner, session, previous));
      const result = backupResult(session);
      if (result) results.push(result);
      previous = size;
    }
  }
  return { rows, results };
}
