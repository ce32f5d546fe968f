import { type Kysely, sql } from 'kysely';
import { createRowTrigger } from '../dialect.js';
import type { SightlineMigration } from './migration.js';
import { CheckStatus } from '../../checks/check-status.js';
import { DeviceType } from '../../devices/device-type.js';

/**
 * Device counts per client (list_clients) and check counts per device (list_devices_at_client), kept
 * by triggers instead of counted per request: counting made those calls grow with the account (12 ms
 * for list_clients at 50,000 devices), while a stored count costs the same at any size. Triggers keep
 * them right whatever code writes devices or checks.
 */
export const denormalisedCounts: SightlineMigration = {
  async up(db: Kysely<any>, dialect) {
    const count = (col: any) => col.notNull().defaultTo(0);
    for (const column of CLIENT_COUNTS) await db.schema.alterTable('clients').addColumn(column.name, 'bigint', count).execute();
    for (const column of DEVICE_COUNTS) await db.schema.alterTable('devices').addColumn(column.name, 'bigint', count).execute();

    // Counts of what already exists (the SQL is built from the constants below, never from input).
    await sql
      .raw(`UPDATE clients SET ${CLIENT_COUNTS.map((c) => `${c.name} = (SELECT count(*) FROM devices d WHERE d.client_id = clients.id AND d.device_type = '${c.deviceType}')`).join(', ')}`)
      .execute(db);
    await sql
      .raw(`UPDATE devices SET ${DEVICE_COUNTS.map((c) => `${c.name} = (SELECT count(*) FROM checks k WHERE k.device_id = devices.id${statusFilter(c.status, 'k')})`).join(', ')}`)
      .execute(db);

    const clientCounts = (row: 'NEW' | 'OLD', sign: '+' | '-') =>
      `UPDATE clients SET ${CLIENT_COUNTS.map((c) => `${c.name} = ${c.name} ${sign} CASE WHEN ${row}.device_type = '${c.deviceType}' THEN 1 ELSE 0 END`).join(', ')} WHERE id = ${row}.client_id`;
    await createRowTrigger(db, dialect, { name: 'devices_count_insert', table: 'devices', event: 'insert', statements: [clientCounts('NEW', '+')] });
    await createRowTrigger(db, dialect, { name: 'devices_count_delete', table: 'devices', event: 'delete', statements: [clientCounts('OLD', '-')] });
    await createRowTrigger(db, dialect, {
      name: 'devices_count_update',
      table: 'devices',
      event: { update: ['client_id', 'device_type'] },
      statements: [clientCounts('OLD', '-'), clientCounts('NEW', '+')],
    });

    const deviceCounts = (row: 'NEW' | 'OLD', sign: '+' | '-') =>
      `UPDATE devices SET ${DEVICE_COUNTS.map(
        (c) => `${c.name} = ${c.name} ${sign} ${c.status === undefined ? '1' : `CASE WHEN ${row}.statusid = ${c.status} THEN 1 ELSE 0 END`}`,
      ).join(', ')} WHERE id = ${row}.device_id`;
    await createRowTrigger(db, dialect, { name: 'checks_count_insert', table: 'checks', event: 'insert', statements: [deviceCounts('NEW', '+')] });
    await createRowTrigger(db, dialect, { name: 'checks_count_delete', table: 'checks', event: 'delete', statements: [deviceCounts('OLD', '-')] });
    await createRowTrigger(db, dialect, {
      name: 'checks_count_update',
      table: 'checks',
      event: { update: ['device_id', 'statusid'] },
      statements: [deviceCounts('OLD', '-'), deviceCounts('NEW', '+')],
    });
  },
};

const CLIENT_COUNTS = [
  { name: 'server_count', deviceType: DeviceType.server },
  { name: 'workstation_count', deviceType: DeviceType.workstation },
  { name: 'mobile_device_count', deviceType: DeviceType.mobile_device },
] as const;

const DEVICE_COUNTS = [
  { name: 'check_total', status: undefined },
  { name: 'check_pass', status: CheckStatus.pass },
  { name: 'check_clear', status: CheckStatus.cleared },
  { name: 'check_fail', status: CheckStatus.fail },
] as const;


const statusFilter = (status: number | undefined, alias: string) => (status === undefined ? '' : ` AND ${alias}.statusid = ${status}`);
