import { type Kysely, sql } from 'kysely';
import type { SightlineMigration } from './migration.js';

/**
 * list_failing_checks reads the problem devices and the failing checks of a whole account. Without these
 * it walked every device of each client (devices_client_type, then the row: 50,000 rows to keep 16,180)
 * and looked every failing check's row up in the table. Partial indexes hold only the rows it lists and
 * every column it reads, so each query is one range scan of a small index (50,000 devices: 41 ms to 21 ms
 * of SQLite for the devices, 34 ms to 15 ms for the checks). Rows enter and leave them only when a device
 * becomes or stops being a problem, or a check starts or stops failing, or such a row's listed columns
 * change. The WHERE texts must stay those of the repositories' queries (device.repository.ts
 * PROBLEM_DEVICE, check.repository.ts failingOfClients): a planner uses a partial index only for a query
 * whose WHERE implies the index's.
 *
 * PostgreSQL limits an index entry to ~2.7 KB, so there the checks' free text (description up to 1,000
 * characters, formatted_output unbounded) stays in the table; SQLite has no such limit.
 *
 * Also sites by client in id order: list_sites reads a client's sites in id order, which the only index
 * by client (account, client, name) could not give without a sort (32 -> 26 µs a query on SQLite).
 */
export const problemIndexes: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    await db.schema
      .createIndex('devices_problem')
      .on('devices')
      .columns(['client_id', 'site_id', 'name', 'id', 'account_id', 'device_type', 'overdue_since', 'offline_reason', 'utc_offset', 'check_fail'])
      .where(sql.raw<boolean>('overdue_since is not null or offline_reason is not null or check_fail > 0'))
      .execute();
    const text = dialect === 'sqlite' ? ['description', 'formatted_output'] : [];
    await db.schema
      .createIndex('checks_failing_rows')
      .on('checks')
      .columns(['client_id', 'device_id', 'id', 'account_id', 'check_type', 'is_task', 'last_run_at', ...text])
      .where(sql.raw<boolean>('statusid = 1'))
      .execute();
    await db.schema.createIndex('sites_client_id').on('sites').columns(['account_id', 'client_id', 'id']).execute();
  },
};
