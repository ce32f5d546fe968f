import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseHandle } from '../../src/db/database.js';
import { CheckStatus } from '../../src/checks/check-status.js';
import { errors } from '../../src/errors.js';
import type { IngestService } from '../../src/ingest/ingest.contract.js';
import { sha256Hex } from '../../src/lib/secrets.js';
import { deviceRow, NOW } from '../factories.js';

/**
 * TEST SCAFFOLDING until src/ingest/ingest.service.ts lands (then the agent-protocol tests switch to
 * services.ingest): a minimal IngestService that writes real rows with Kysely, enough for the transport's
 * tests: enrolment creates a device (found again by machine id, kept in `guid`) with one disk check,
 * reports update check results in one transaction, a batch id is applied once and refused with other
 * content, unknown check ids are refused with their field path. It derives nothing else.
 */
export function createInterimIngest(database: DatabaseHandle): IngestService & { sweeps: number } {
  const { db } = database;
  const batches = new Map<string, string>();
  const state = {
    sweeps: 0,

    async enrolDevice(site, machineId, facts) {
      const siteRow = await db.selectFrom('sites').select(['client_id']).where('id', '=', site.siteId).executeTakeFirstOrThrow();
      const known = await db.selectFrom('devices').select('id').where('account_id', '=', site.accountId).where('guid', '=', machineId).executeTakeFirst();
      const values = { name: facts.hostname, os: facts.os.name, os_details: facts.os.version, agent_version: facts.agentVersion, last_response_at: NOW };
      if (known) {
        await db.updateTable('devices').set(values).where('id', '=', known.id).execute();
        return { deviceId: known.id, created: false };
      }
      const ref = { accountId: site.accountId, clientId: siteRow.client_id, siteId: site.siteId };
      const device = await db
        .insertInto('devices')
        .values(deviceRow(ref, facts.deviceType, facts.hostname, { ...values, guid: machineId, check_interval_247: 5 }))
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('checks')
        .values({
          account_id: site.accountId, client_id: siteRow.client_id, site_id: site.siteId, device_id: device.id, uid: 1, sync_status: 1,
          check_type: 1003, is_task: 0, description: 'Disk Space Check - /', dsc_247: 2, statusid: CheckStatus.notRun, consecutive_fails: 0,
          last_run_at: null, email: 0, sms: 0, emailrecovery: 0, smsrecovery: 0, extra: '', formatted_output: '',
        })
        .execute();
      return { deviceId: device.id, created: true };
    },

    async applyReport(device, report) {
      const key = `${device.deviceId}:${report.batchId}`;
      const content = sha256Hex(JSON.stringify(report));
      const seen = batches.get(key);
      if (seen !== undefined) {
        if (seen !== content) throw errors.invalidValue('batchId');
        return { applied: false };
      }
      const checkIds = new Set(
        (await db.selectFrom('checks').select('id').where('device_id', '=', device.deviceId).execute()).map((r) => r.id),
      );
      report.checkResults.forEach((result, i) => {
        if (!checkIds.has(result.checkId)) throw errors.invalidValue(`checkResults.${i}.checkId`);
      });
      await db.transaction().execute(async (trx) => {
        for (const result of report.checkResults) {
          await trx
            .updateTable('checks')
            .set({ statusid: result.status === 'pass' ? CheckStatus.pass : CheckStatus.fail, formatted_output: result.output, extra: result.output, last_run_at: result.at })
            .where('id', '=', result.checkId)
            .execute();
        }
        await trx.updateTable('devices').set({ last_response_at: report.sentAt }).where('id', '=', device.deviceId).execute();
      });
      batches.set(key, content);
      return { applied: true };
    },

    async applyCheckResult(device, result) {
      const updated = await db
        .updateTable('checks')
        .set({ statusid: result.status === 'pass' ? CheckStatus.pass : CheckStatus.fail, formatted_output: result.output, extra: result.output, last_run_at: result.at })
        .where('id', '=', result.checkId)
        .where('device_id', '=', device.deviceId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw errors.invalidValue('checkId');
    },

    async sweep() {
      state.sweeps += 1;
      return { markedOverdue: 0 };
    },
  } satisfies IngestService & { sweeps: number };
  return state;
}

const REPO_AGENT_DIR = join(import.meta.dirname, '..', '..', 'agent');

/**
 * A copy of the repo's agent/ folder in a temp dir, with a placeholder launcher when the real agent is not
 * there yet (never committed to the repo): what get_site_installation_package packs in tests.
 */
export function makeAgentDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-agent-'));
  if (existsSync(REPO_AGENT_DIR)) cpSync(REPO_AGENT_DIR, dir, { recursive: true });
  const launcher = join(dir, 'bin', 'sightline-agent');
  if (!existsSync(launcher)) {
    mkdirSync(join(dir, 'bin'), { recursive: true });
    writeFileSync(launcher, '#!/usr/bin/env node\n// placeholder written by the tests: the real agent is not in this checkout\n');
    writeFileSync(join(dir, 'README.md'), 'Placeholder agent for tests.\n');
  }
  chmodSync(launcher, 0o755);
  return dir;
}
