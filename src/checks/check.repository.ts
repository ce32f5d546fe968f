import type { Selectable } from 'kysely';
import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import type { CheckTable } from '../db/schema.js';
import { CheckStatus } from './check-status.js';
import { inScope, keysetPages } from '../db/scope-filter.js';

export type CheckRow = Selectable<CheckTable>;

export function createCheckRepository(db: Db) {
  return {
    /** The checks of one device in id order. */
    pagesByDevice(scope: Scope, deviceId: number) {
      return keysetPages(
        (after: number | undefined, limit) =>
          db
            .selectFrom('checks as k')
            .selectAll('k')
            .where(inScope(scope, 'k'))
            .where('k.device_id', '=', deviceId)
            .where('k.id', '>', after ?? 0)
            .orderBy('k.id')
            .limit(limit)
            .execute(),
        (row) => row.id,
      );
    },

    /** All checks of one device (a device has tens, not thousands). */
    async listByDevice(scope: Scope, deviceId: number): Promise<CheckRow[]> {
      return db.selectFrom('checks as k').selectAll('k').where(inScope(scope, 'k')).where('k.device_id', '=', deviceId).orderBy('k.id').execute();
    },

    /** Failing checks of one client's devices, for list_failing_checks. */
    async failingOfClient(scope: Scope, clientId: number, onlyTasks: boolean) {
      let q = db
        .selectFrom('checks as k')
        .select(['k.id', 'k.device_id', 'k.check_type', 'k.description', 'k.formatted_output', 'k.last_run_at'])
        .where(inScope(scope, 'k'))
        .where('k.statusid', '=', CheckStatus.fail)
        .where('k.client_id', '=', clientId);
      if (onlyTasks) q = q.where('k.is_task', '=', 1);
      return q.orderBy('k.device_id').orderBy('k.id').execute();
    },

    async findVisible(scope: Scope, checkId: number): Promise<CheckRow | undefined> {
      return db.selectFrom('checks as k').selectAll('k').where('k.id', '=', checkId).where(inScope(scope, 'k')).executeTakeFirst();
    },

    /** Notes of one device's checks, newest first (list_device_monitoring_details). */
    async notesByDevice(scope: Scope, deviceId: number) {
      return db
        .selectFrom('check_notes as n')
        .innerJoin('checks as k', 'k.id', 'n.check_id')
        .select(['n.id', 'n.created_at', 'n.private_note', 'n.public_note', 'k.id as check_id', 'k.check_type', 'k.description as check_description'])
        .where(inScope(scope, 'k'))
        .where('n.device_id', '=', deviceId)
        .orderBy('n.id', 'desc')
        .limit(500)
        .execute();
    },
  };
}

export type CheckRepository = ReturnType<typeof createCheckRepository>;
