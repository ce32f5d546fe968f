import { randomUUID } from 'node:crypto';
import type { CheckResult, DeviceFacts } from '../agent-protocol/protocol.schema.js';
import { checkUid, clearExpiredState, NOT_RUN_STATE } from '../checks/check-derivation.js';
import type { DatabaseHandle } from '../db/database.js';
import { ingestConcurrency, isUniqueViolation } from '../db/dialect.js';
import { CheckFrequency } from '../checks/check-status.js';
import { deviceColumnsFromFacts, REPORT_INTERVAL_SECONDS } from '../devices/device-derivation.js';
import { AppError, errors } from '../errors.js';
import { epochSeconds, type Clock } from '../lib/clock.js';
import { utcDate } from '../lib/dates.js';
import type { DeviceRef, IngestService } from './ingest.contract.js';
import { createIngestRepository, type IngestCheckRow, type IngestRepository } from './ingest.repository.js';
import { createInventoryRepository } from './inventory.repository.js';
import { resolveServerPlaceholders } from '../templates/template-placeholders.js';
import { contentSha256, refuseFutureTimes } from './report-validation.js';
import { deriveChecks } from './sections/check-results.section.js';
import { REPORT_SECTIONS } from './sections/report-sections.js';
import type { SectionContext } from './sections/section.js';

/** Applied batch ids are kept this long: a retry later than this would be applied again. */
export const BATCH_RETENTION_SECONDS = 7 * 86400;

/**
 * The one door data enters by (CONVENTIONS.md §19): enrolment, report batches, command outcomes and the
 * overdue sweep. Every derived column (check status, consecutive fails, outages, overdue devices, failed
 * days) follows the rules in src/checks/check-derivation.ts and src/devices/device-derivation.ts, which
 * the demo seeder shares.
 */
export function createIngestService(deps: { database: DatabaseHandle; clock: Clock }): IngestService {
  const repo = createIngestRepository(deps.database.db, { concurrency: ingestConcurrency(deps.database.dialect), dialect: deps.database.dialect });
  const now = () => epochSeconds(deps.clock);

  async function enrolOnce(site: { accountId: number; siteId: number }, machineId: string, facts: DeviceFacts, serverUrl: string, at: number) {
    return repo.transaction(async (tx) => {
      const existing = await tx.findDeviceByMachine(site.accountId, machineId);
      if (existing) {
        await tx.updateDevice(existing.id, { ...deviceColumnsFromFacts(facts), last_response_at: at });
        return { deviceId: existing.id, created: false };
      }
      const row = await tx.findSite(site.accountId, site.siteId);
      if (!row) throw errors.invalidValue('siteId');
      const templateId = await templateFor(tx, site.accountId, facts.deviceType, facts.deviceType === 'server' ? row.server_template : row.workstation_template, at);
      const definitions = templateId === null ? [] : await tx.templateChecks(templateId);
      const deviceId = await tx.insertDevice({
        account_id: site.accountId, client_id: row.client_id, site_id: row.id, machine_id: machineId, guid: randomUUID(),
        description: '', external_ip: '', service_pack: '', os_serial_number: '', os_product_key: '', install_date: utcDate(at),
        last_response_at: at, last_scan_at: null, overdue_since: null, offline_reason: null, agent_mode: 1, online: 1,
        dsc_active: 1, dsc_hour: 0, dsc_status: 1, active_247: 1, check_interval_247: REPORT_INTERVAL_SECONDS / 60,
        status_247: definitions.filter((d) => d.dsc_247 === CheckFrequency.twentyFourSeven).length,
        utc_offset: 0, tz_bias: 0, tz_dst_bias: 0, tz_std_bias: 0, tz_mode: 0, tz_dst_date: '', tz_std_date: '',
        chassis_type: facts.deviceType === 'server' ? 23 : 3, takecontrol: 0, patch: 0, mav: 0, mob: 0, systray: 0, mavbreck: 0, webprotection: 0, riskintelligence: 0,
        ...deviceColumnsFromFacts(facts),
      });
      await tx.insertChecks(
        definitions.map((d, i) => ({
          account_id: site.accountId, client_id: row.client_id, site_id: row.id, device_id: deviceId, uid: checkUid(deviceId, i),
          sync_status: 1, check_type: d.check_type, is_task: 0, dsc_247: d.dsc_247, email: 0, sms: 0, emailrecovery: 0,
          smsrecovery: 0, kind: d.kind, interval_seconds: d.interval_seconds, ...resolveServerPlaceholders(d, serverUrl), ...NOT_RUN_STATE,
        })),
      );
      return { deviceId, created: true };
    });
  }

  return {
    async enrolDevice(site, machineId, facts, serverUrl) {
      const at = now();
      try {
        return await enrolOnce(site, machineId, facts, serverUrl, at);
      } catch (error) {
        // Two enrolments of one new machine at once: the second lost the race on (account, machine id) and now finds the device.
        if (isUniqueViolation(error)) return enrolOnce(site, machineId, facts, serverUrl, at);
        throw error;
      }
    },

    async applyReport(device, report) {
      const at = now();
      refuseFutureTimes(report, at);
      const digest = contentSha256(report);
      return repo.transaction(async (tx, trx) => {
        if (!(await tx.claimBatch(device, report.batchId, digest, at))) {
          if ((await tx.batchContentHash(device.deviceId, report.batchId)) === digest) return { applied: false };
          throw errors.invalidValueMessage('batchId was already used for a batch with other content', 'batchId');
        }
        // The device's row first: concurrent reports of one device queue here (PostgreSQL's row lock), so
        // each reads the check states the one before it wrote. A refused report rolls this back with the rest.
        await touchDevice(tx, device, at, report.facts);
        const checks = await deviceChecks(tx, device, report.checkResults, 'checkResults');
        let timezone: string | undefined;
        const ctx: SectionContext = {
          device, now: at, report, repo: tx, inventory: createInventoryRepository(trx), trx, checks, derivedResults: [],
          timezone: async () => (timezone ??= await tx.accountTimezone(device.accountId)),
        };
        for (const section of REPORT_SECTIONS) await section(ctx);
        return { applied: true };
      });
    },

    async applyCheckResult(device, result) {
      const at = now();
      refuseFutureTimes(result, at, 'checkResult');
      await repo.transaction(async (tx) => {
        // A command's outcome is a sign of life too (and, written first, it queues concurrent writers of the device).
        await touchDevice(tx, device, at, undefined);
        const checks = await deviceChecks(tx, device, [result], 'checkResult');
        await deriveChecks(tx, device, checks, [result], await tx.accountTimezone(device.accountId));
      });
    },

    async sweep() {
      const at = now();
      let markedOverdue = 0;
      for (const { account_id, overdue_after_seconds } of await repo.overdueThresholds()) {
        markedOverdue += await repo.transaction(async (tx) => {
          const claimed = await tx.claimOverdue(account_id, overdue_after_seconds, at);
          await tx.insertOutages(
            claimed.map((d) => ({ account_id: d.account_id, device_id: d.id, check_id: null, reason: 'DEVICE_OVERDUE', started_at: d.overdue_since!, ended_at: null, cause: '' })),
          );
          return claimed.length;
        });
      }
      await repo.pruneBatches(at - BATCH_RETENTION_SECONDS);
      // A check cleared until a date fails again when the date comes, even with no new result.
      let clearsEnded = 0;
      for (const cleared of await repo.clearsEndedBy(at)) {
        if (await repo.endClear(cleared.id, cleared.clear_until!, clearExpiredState(cleared, at))) clearsEnded++;
      }
      return { markedOverdue, clearsEnded };
    },
  };
}

/**
 * The template whose checks a new device gets: the site's setting for its type is `off` (none), a
 * template id, or `inherit`, the account's default (its first template of the type, created with the
 * built-in checks when the account has none). A template id that no longer exists falls back to the default.
 */
async function templateFor(tx: IngestRepository, accountId: number, deviceType: 'server' | 'workstation', setting: string, at: number): Promise<number | null> {
  if (setting === 'off') return null;
  const chosen = /^\d+$/.test(setting) ? await tx.findTemplate(accountId, deviceType, Number(setting)) : undefined;
  return chosen ?? (await tx.findTemplate(accountId, deviceType, null)) ?? (await tx.createDefaultTemplate(accountId, deviceType, at));
}

/** The device's checks, refusing (before anything is stored) a result naming a check that is not one of them. */
async function deviceChecks(tx: IngestRepository, device: DeviceRef, results: readonly CheckResult[], path: string): Promise<Map<number, IngestCheckRow>> {
  const checks = new Map((await tx.checkStates(device.deviceId)).map((k) => [k.id, k]));
  results.forEach((r, i) => {
    if (!checks.has(r.checkId)) {
      const field = path === 'checkResult' ? 'checkResult.checkId' : `${path}.${i}.checkId`;
      throw errors.invalidValueMessage(`${field}: ${r.checkId} is not a check of this device`, field);
    }
  });
  return checks;
}

/** A report is a sign of life: the device is online and no longer overdue, its DEVICE_OVERDUE outage ends, its facts are stored. */
async function touchDevice(tx: IngestRepository, device: DeviceRef, at: number, facts: DeviceFacts | undefined): Promise<void> {
  const columns = { ...(facts ? deviceColumnsFromFacts(facts) : {}), last_response_at: at, online: 1, overdue_since: null };
  if (!(await tx.updateDevice(device.deviceId, columns))) throw new AppError('invalidValue', 'The device no longer exists', undefined, 'deviceId');
  await tx.closeOutages(device.deviceId, 'DEVICE_OVERDUE', null, at);
}

