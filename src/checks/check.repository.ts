import { type Selectable, sql } from 'kysely';
import type { Scope } from '../access/scope.js';
import { compileScoped } from '../db/compiled-query.js';
import type { Db } from '../db/database.js';
import type { CheckTable } from '../db/schema.js';
import { CheckStatus } from './check-status.js';
import { inScope, scopedPagesByParent } from '../db/scope-filter.js';
import type { ClientRange } from '../devices/device.repository.js';

export type CheckRow = Selectable<CheckTable>;

/**
 * A check's latest result as list_checks and list_device_monitoring_details show it: 14 of the table's
 * columns, leaving out the large ones (settings, formatted_output), which cost a third of the read.
 */
const RESULT_COLUMNS = [
  'k.id', 'k.uid', 'k.sync_status', 'k.check_type', 'k.description', 'k.dsc_247', 'k.statusid', 'k.consecutive_fails',
  'k.last_run_at', 'k.email', 'k.sms', 'k.emailrecovery', 'k.smsrecovery', 'k.extra',
] as const;

export type CheckResultRow = Pick<CheckRow, (typeof RESULT_COLUMNS)[number] extends `k.${infer C}` ? C : never>;

export function createCheckRepository(db: Db) {
  // A device's checks and notes: list_checks and list_device_monitoring_details read them per call, the
  // agent's configuration and the dashboard's device page all its checks. Compiled once (see compileScoped).
  const pagesOfDevice = scopedPagesByParent(db, 'k', 'device_id', (scope) => db.selectFrom('checks as k').select(RESULT_COLUMNS).where(inScope(scope, 'k')));
  const ofDevice = compileScoped((args: { deviceId: number }, scope) =>
    db.selectFrom('checks as k').selectAll('k').where(inScope(scope, 'k')).where('k.device_id', '=', args.deviceId).orderBy('k.id'),
  );
  const notesOfDevice = compileScoped((args: { deviceId: number }, scope) =>
    db
      .selectFrom('check_notes as n')
      .innerJoin('checks as k', 'k.id', 'n.check_id')
      .select(['n.id', 'n.created_at', 'n.private_note', 'n.public_note', 'k.id as check_id', 'k.check_type', 'k.description as check_description'])
      .where(inScope(scope, 'k'))
      .where('n.device_id', '=', args.deviceId)
      .orderBy('n.id', 'desc')
      .limit(500),
  );

  return {
    /** The latest results of one device's checks in id order. */
    pagesByDevice(scope: Scope, deviceId: number): AsyncGenerator<CheckResultRow[]> {
      return pagesOfDevice(scope, deviceId);
    },

    /** All checks of one device (a device has tens, not thousands). */
    async listByDevice(scope: Scope, deviceId: number): Promise<CheckRow[]> {
      return ofDevice.execute(db, scope, { deviceId });
    },

    /** Failing checks of the devices of the clients in a range of ids, by client, device and id, for list_failing_checks. */
    async failingOfClients(scope: Scope, clients: ClientRange, onlyTasks: boolean) {
      let q = db
        .selectFrom('checks as k')
        .select(['k.client_id', 'k.id', 'k.device_id', 'k.check_type', 'k.description', 'k.formatted_output', 'k.last_run_at'])
        .where(inScope(scope, 'k'))
        // A literal, as in the partial index checks_failing_rows (migration 0015): the planners cannot
        // use a partial index for a bound parameter.
        .where(sql<boolean>`k.statusid = ${sql.lit(CheckStatus.fail)}`)
        .where('k.client_id', '>=', clients.from)
        .where('k.client_id', '<=', clients.to);
      if (onlyTasks) q = q.where('k.is_task', '=', 1);
      return q.orderBy('k.client_id').orderBy('k.device_id').orderBy('k.id').execute();
    },

    async findVisible(scope: Scope, checkId: number): Promise<CheckRow | undefined> {
      return db.selectFrom('checks as k').selectAll('k').where('k.id', '=', checkId).where(inScope(scope, 'k')).executeTakeFirst();
    },

    /**
     * Stores a clear (clear_check) on a check still failing: answers false when it no longer is (a result
     * came in between), so a check that passed meanwhile is never marked cleared.
     */
    async saveClear(scope: Scope, checkId: number, clear: { clear_type: string; clear_until: number | null }): Promise<boolean> {
      const result = await db
        .updateTable('checks as k')
        .set({ statusid: CheckStatus.cleared, clear_type: clear.clear_type, clear_until: clear.clear_until })
        .where('k.id', '=', checkId)
        .where('k.statusid', '=', CheckStatus.fail)
        .where(inScope(scope, 'k'))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Adds a note to a check the caller sees (clear_check, add_check_note). */
    async addNote(scope: Scope, note: { check_id: number; device_id: number; user_id: number | null; created_at: number; private_note: string; public_note: string }): Promise<void> {
      await db.insertInto('check_notes').values({ account_id: scope.accountId, ...note }).execute();
    },

    /** Notes of one device's checks, newest first (list_device_monitoring_details). */
    async notesByDevice(scope: Scope, deviceId: number) {
      return notesOfDevice.execute(db, scope, { deviceId });
    },
  };
}

export type CheckRepository = ReturnType<typeof createCheckRepository>;
