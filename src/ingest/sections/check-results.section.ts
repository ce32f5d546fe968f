import { foldCheckResults } from '../../checks/check-derivation.js';
import type { CheckDayResultTable, OutageTable } from '../../db/schema.js';
import type { Insertable } from 'kysely';
import type { DeviceRef } from '../ingest.contract.js';
import type { IngestCheckRow, IngestRepository } from '../ingest.repository.js';
import type { DerivedResult, Section } from './section.js';

/** The report's check results and those other sections derived: each check's state, outages and failed days. */
export const checkResultsSection: Section = async (ctx) => {
  const results: DerivedResult[] = [...ctx.report.checkResults, ...ctx.derivedResults];
  if (results.length > 0) await deriveChecks(ctx.repo, ctx.device, ctx.checks, results, await ctx.timezone());
};

/**
 * Folds results into their checks (src/checks/check-derivation.ts) and stores what that answers. The
 * checks must be the device's own (callers validate the ids first).
 */
export async function deriveChecks(
  repo: IngestRepository, device: DeviceRef, checks: ReadonlyMap<number, IngestCheckRow>, results: readonly DerivedResult[], timezone: string,
): Promise<void> {
  const byCheck = new Map<number, DerivedResult[]>();
  for (const r of results) {
    let list = byCheck.get(r.checkId);
    if (!list) byCheck.set(r.checkId, (list = []));
    list.push(r);
  }
  const outages: Insertable<OutageTable>[] = [];
  const days: Insertable<CheckDayResultTable>[] = [];
  const states: Parameters<IngestRepository['saveCheckStates']>[0][number][] = [];
  for (const [checkId, checkResults] of byCheck) {
    const before = checks.get(checkId)!;
    const fold = foldCheckResults(before, checkResults, timezone);
    if (!fold.changed) continue;
    states.push({ id: checkId, state: fold.state, statusChanged: fold.state.statusid !== before.statusid });
    if (fold.closedExistingAt !== null) await repo.closeOutages(device.deviceId, 'CHECK_FAILURE', checkId, fold.closedExistingAt);
    for (const o of fold.opened) outages.push({ account_id: device.accountId, device_id: device.deviceId, check_id: checkId, reason: 'CHECK_FAILURE', ...o });
    for (const [day, result] of fold.days) days.push({ account_id: device.accountId, client_id: device.clientId, device_id: device.deviceId, check_id: checkId, day, result });
  }
  await repo.saveCheckStates(states);
  await repo.insertOutages(outages);
  await repo.recordDays(days);
}
