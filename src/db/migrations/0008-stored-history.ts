import type { Kysely } from 'kysely';
import { reference, withoutRowId } from '../dialect.js';
import type { SightlineMigration } from './migration.js';

/**
 * Stored performance and drive-space history (0003 derived both at read time from a per-monitor seed).
 * What list_performance_history, list_drive_space_history and list_exchange_storage_history answer is
 * now what agents reported: performance samples folded into 15-minute and hourly intervals
 * (src/history/performance-intervals.ts), and one size per drive or Exchange store and UTC day
 * (src/history/storage-days.ts). The monitor rows of 0003 stay as the per-target rows these hang off;
 * their seed, base_mb and daily_growth_mb columns are no longer read.
 */
export const storedHistory: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    // One row per monitor, interval length, interval start and metric: a sample carrying only some of its
    // kind's metrics (the simulator's memory samples) folds into those metrics alone. The primary key is
    // the read path (a monitor's intervals of one length from a start) and the writer's upsert target.
    await withoutRowId(dialect, db.schema
      .createTable('performance_intervals')
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('monitor_id', 'bigint', reference('performance_monitors'))
      // 15 or 60 (minutes)
      .addColumn('minutes', 'integer', (col) => col.notNull())
      .addColumn('start', 'bigint', (col) => col.notNull())
      // The protocol's metric name (load, available, …; load.0, load.1 … per processor for cpu_load).
      .addColumn('metric', 'varchar(32)', (col) => col.notNull())
      // Sum and number of the samples folded in, so a later sample updates the mean exactly.
      .addColumn('total', 'double precision', (col) => col.notNull())
      .addColumn('samples', 'integer', (col) => col.notNull())
      .addColumn('max_value', 'double precision', (col) => col.notNull())
      .addColumn('min_value', 'double precision', (col) => col.notNull())
      // The newest sample folded in: a re-sent sample (at or before it) is not counted twice.
      .addColumn('last_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('performance_intervals_pk', ['monitor_id', 'minutes', 'start', 'metric']))
      .execute();

    // One size per drive (or Exchange store) and UTC day: the day's last reported value.
    await withoutRowId(dialect, db.schema
      .createTable('storage_days')
      .addColumn('account_id', 'bigint', reference('accounts'))
      .addColumn('monitor_id', 'bigint', reference('storage_monitors'))
      .addColumn('day', 'varchar(10)', (col) => col.notNull())
      .addColumn('size_mb', 'bigint', (col) => col.notNull())
      // When that value was measured: a later measurement of the same day replaces it, an earlier one does not.
      .addColumn('measured_at', 'bigint', (col) => col.notNull())
      .addPrimaryKeyConstraint('storage_days_pk', ['monitor_id', 'day']))
      .execute();
  },
};
