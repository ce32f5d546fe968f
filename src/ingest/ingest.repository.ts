import { type Insertable, sql } from 'kysely';
import type { Db } from '../db/database.js';
import { type DialectName, MAX_BIND_PARAMETERS, rowsFrom } from '../db/dialect.js';
import { createSemaphore } from '../lib/semaphore.js';
import type { CheckDayResultTable, CheckTable, DeviceTable, OutageTable } from '../db/schema.js';
import { DayResult } from '../history/day-result.js';
import type { CheckState } from '../checks/check-derivation.js';
import { CheckStatus, clearTypeOf } from '../checks/check-status.js';
import { DEFAULT_OVERDUE_AFTER_SECONDS } from '../devices/device-derivation.js';
import { DEFAULT_TEMPLATE_NAMES, templateCheckRows } from '../templates/default-template-checks.js';
import type { DeviceRef } from './ingest.contract.js';

export type IngestCheckRow = CheckState & { id: number; check_type: number };

/**
 * The SQL of ingestion's core: enrolment, applied batches, check state, outages, day results and the
 * overdue sweep. Inventory sections have theirs in inventory.repository.ts. Writes run in the caller's
 * transaction (`transaction` hands out a repository bound to it).
 */
export function createIngestRepository(db: Db, options: { concurrency: number; dialect: DialectName }) {
  const inTurn = createSemaphore(options.concurrency);
  const { dialect } = options;
  return {
    ...ingestOperations(db, dialect),
    /**
     * Runs `work` in one transaction with the operations (and the raw handle, for the history writer)
     * bound to it; at most `concurrency` at once (dialect.ts `ingestConcurrency`).
     */
    transaction<T>(work: (repo: IngestRepository, trx: Db) => Promise<T>): Promise<T> {
      return inTurn(() => db.transaction().execute((trx) => work(ingestOperations(trx, dialect), trx)));
    },
  };
}

function ingestOperations(db: Db, dialect: DialectName) {
  return {

    // ---- enrolment ------------------------------------------------------------------------------------

    async findSite(accountId: number, siteId: number) {
      return db
        .selectFrom('sites')
        .select(['id', 'client_id', 'server_template', 'workstation_template'])
        .where('account_id', '=', accountId)
        .where('id', '=', siteId)
        .executeTakeFirst();
    },

    async findDeviceByMachine(accountId: number, machineId: string) {
      return db
        .selectFrom('devices')
        .select(['id', 'client_id', 'site_id'])
        .where('account_id', '=', accountId)
        .where('machine_id', '=', machineId)
        .executeTakeFirst();
    },

    /** The account's template of this type with this id, or (id null) its default: the first one created. */
    async findTemplate(accountId: number, deviceType: 'server' | 'workstation', templateId: number | null) {
      let q = db.selectFrom('installation_templates').select('id').where('account_id', '=', accountId).where('device_type', '=', deviceType);
      if (templateId !== null) q = q.where('id', '=', templateId);
      return (await q.orderBy('id').limit(1).executeTakeFirst())?.id;
    },

    /** Creates the built-in template of a type with its checks (for an account that has none). */
    async createDefaultTemplate(accountId: number, deviceType: 'server' | 'workstation', now: number): Promise<number> {
      const { id } = await db
        .insertInto('installation_templates')
        .values({ account_id: accountId, name: DEFAULT_TEMPLATE_NAMES[deviceType], device_type: deviceType, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('template_checks').values(templateCheckRows(accountId, id, deviceType)).execute();
      return id;
    },

    async templateChecks(templateId: number) {
      return db
        .selectFrom('template_checks')
        .select(['check_type', 'kind', 'description', 'dsc_247', 'interval_seconds', 'settings'])
        .where('template_id', '=', templateId)
        .orderBy('id')
        .execute();
    },

    async insertDevice(row: Insertable<DeviceTable>): Promise<number> {
      return (await db.insertInto('devices').values(row).returning('id').executeTakeFirstOrThrow()).id;
    },

    async updateDevice(deviceId: number, columns: Partial<Insertable<DeviceTable>>): Promise<boolean> {
      const result = await db.updateTable('devices').set(columns).where('id', '=', deviceId).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async insertChecks(rows: Insertable<CheckTable>[]): Promise<void> {
      if (rows.length > 0) await db.insertInto('checks').values(rows).execute();
    },

    // ---- report batches -------------------------------------------------------------------------------

    /**
     * Records a batch as applied; false when this device already has the batch id (nothing is written).
     * It is the first write of a report's transaction, so concurrent copies of one batch queue on it.
     */
    async claimBatch(device: DeviceRef, batchId: string, contentSha256: string, now: number): Promise<boolean> {
      const row = await db
        .insertInto('agent_batches')
        .values({ account_id: device.accountId, device_id: device.deviceId, batch_id: batchId, content_sha256: contentSha256, applied_at: now })
        .onConflict((oc) => oc.columns(['device_id', 'batch_id']).doNothing())
        .returning('batch_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async batchContentHash(deviceId: number, batchId: string): Promise<string | undefined> {
      const row = await db.selectFrom('agent_batches').select('content_sha256').where('device_id', '=', deviceId).where('batch_id', '=', batchId).executeTakeFirst();
      return row?.content_sha256;
    },

    async pruneBatches(appliedBefore: number): Promise<void> {
      await db.deleteFrom('agent_batches').where('applied_at', '<', appliedBefore).execute();
    },

    async accountTimezone(accountId: number): Promise<string> {
      return (await db.selectFrom('accounts').select('timezone').where('id', '=', accountId).executeTakeFirstOrThrow()).timezone;
    },

    // ---- checks and outages ---------------------------------------------------------------------------

    async checkStates(deviceId: number): Promise<IngestCheckRow[]> {
      const rows = await db
        .selectFrom('checks')
        .select(['id', 'check_type', 'statusid', 'consecutive_fails', 'last_run_at', 'extra', 'formatted_output', 'clear_type', 'clear_until'])
        .where('device_id', '=', deviceId)
        .orderBy('id')
        .execute();
      return rows.map((row) => ({ ...row, clear_type: clearTypeOf(row.clear_type) }));
    },

    /**
     * Stores checks' new state. Most results leave the status as it was, and those are written in one
     * statement per 500 checks that does not touch statusid, so the check-count trigger does not fire;
     * checks whose status changed are written one by one (the trigger then moves the device's counts).
     * A clear begins and ends only with a change of status, so only those rows write the clear columns.
     */
    async saveCheckStates(changes: readonly { id: number; state: CheckState; statusChanged: boolean }[]): Promise<void> {
      for (const { id, state } of changes.filter((c) => c.statusChanged)) {
        await db
          .updateTable('checks')
          .set({
            statusid: state.statusid, consecutive_fails: state.consecutive_fails, last_run_at: state.last_run_at, extra: state.extra, formatted_output: state.formatted_output,
            clear_type: state.clear_type, clear_until: state.clear_until,
          })
          .where('id', '=', id)
          .execute();
      }
      const same = changes.filter((c) => !c.statusChanged);
      for (let i = 0; i < same.length; i += 500) {
        const rows = same.slice(i, i + 500).map(({ id, state: k }) => [id, k.consecutive_fails, k.last_run_at, k.extra, k.formatted_output]);
        // UPDATE … FROM joins the rows (column1, column2, …) to their checks.
        await sql`update checks set consecutive_fails = v.column2, last_run_at = v.column3, extra = v.column4, formatted_output = v.column5
          from ${rowsFrom(dialect, 'v', ['bigint', 'integer', 'bigint', 'text', 'text'], rows)} where checks.id = v.column1`.execute(db);
      }
    },

    /** Cleared checks whose clear_until has come (the sweep ends their clear), a bounded batch. */
    async clearsEndedBy(now: number): Promise<(Pick<CheckState, 'statusid' | 'clear_type' | 'clear_until'> & { id: number })[]> {
      const rows = await db
        .selectFrom('checks')
        .select(['id', 'statusid', 'clear_type', 'clear_until'])
        .where('clear_until', '<=', now)
        .where('statusid', '=', CheckStatus.cleared)
        .orderBy('id')
        .limit(1000)
        .execute();
      return rows.map((row) => ({ ...row, clear_type: clearTypeOf(row.clear_type) }));
    },

    /**
     * Writes a check's status after its clear ended, only if the clear is still the one read (another
     * process's sweep, a new result or a new clear may have come first). Answers whether it wrote.
     */
    async endClear(id: number, readUntil: number, state: Pick<CheckState, 'statusid' | 'clear_type' | 'clear_until'>): Promise<boolean> {
      const result = await db
        .updateTable('checks')
        .set({ statusid: state.statusid, clear_type: state.clear_type, clear_until: state.clear_until })
        .where('id', '=', id)
        .where('statusid', '=', CheckStatus.cleared)
        .where('clear_until', '=', readUntil)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async insertOutages(rows: Insertable<OutageTable>[]): Promise<void> {
      for (const chunk of statementChunks(rows)) await db.insertInto('outages').values(chunk).execute();
    },

    /** Closes the device's open outages of one reason (and one check, for CHECK_FAILURE). */
    async closeOutages(deviceId: number, reason: 'CHECK_FAILURE' | 'DEVICE_OVERDUE', checkId: number | null, at: number): Promise<void> {
      await db
        .updateTable('outages')
        .set({ ended_at: at })
        .where('device_id', '=', deviceId)
        .where('check_id', checkId === null ? 'is' : '=', checkId)
        .where('reason', '=', reason)
        .where('ended_at', 'is', null)
        .execute();
    },

    /** Records failed days; a day already FAIL stays FAIL (it outranks CLEARED). */
    async recordDays(rows: Insertable<CheckDayResultTable>[]): Promise<void> {
      for (const chunk of statementChunks(rows)) {
        await db
          .insertInto('check_day_results')
          .values(chunk)
          .onConflict((oc) =>
            oc
              .columns(['check_id', 'day'])
              .doUpdateSet({ result: (eb) => eb.ref('excluded.result') })
              .where('check_day_results.result', '<>', DayResult.fail),
          )
          .execute();
      }
    },

    // ---- the overdue sweep ----------------------------------------------------------------------------

    /** Every account with its overdue threshold (the default where it has no settings row). */
    async overdueThresholds(): Promise<{ account_id: number; overdue_after_seconds: number }[]> {
      const rows = await db
        .selectFrom('accounts as a')
        .leftJoin('account_settings as s', 's.account_id', 'a.id')
        .select(['a.id as account_id', 's.overdue_after_seconds'])
        .orderBy('a.id')
        .execute();
      return rows.map((r) => ({ account_id: r.account_id, overdue_after_seconds: r.overdue_after_seconds ?? DEFAULT_OVERDUE_AFTER_SECONDS }));
    },

    /**
     * Marks the account's devices silent since before `now - threshold` overdue and answers them. The
     * condition is re-checked row by row by the UPDATE itself, so when N sweepers run at once each device is
     * claimed by exactly one of them (PostgreSQL re-evaluates it after waiting on the row lock; SQLite has
     * one writer at a time). Devices offline on purpose (maintenance mode) are left alone.
     */
    async claimOverdue(accountId: number, overdueAfterSeconds: number, now: number) {
      return db
        .updateTable('devices')
        .set({ overdue_since: sql<number>`last_response_at + ${overdueAfterSeconds}`, online: 0 })
        .where('account_id', '=', accountId)
        .where('overdue_since', 'is', null)
        .where('offline_reason', 'is', null)
        .where('last_response_at', '<', now - overdueAfterSeconds)
        .returning(['id', 'account_id', 'overdue_since'])
        .execute();
    },
  };
}

/** The operations, bound to the database or to one transaction. */
export type IngestRepository = ReturnType<typeof ingestOperations>;

/**
 * Rows split so that no multi-row INSERT binds more parameters than the databases allow (a sweep may
 * mark thousands of devices at once; a report may carry 20,000 items).
 */
export function statementChunks<T extends object>(rows: readonly T[]): T[][] {
  if (rows.length === 0) return [];
  const size = Math.max(1, Math.floor(MAX_BIND_PARAMETERS / Object.keys(rows[0]!).length));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
