import { sql } from 'kysely';
import type { Scope } from '../access/scope.js';
import { compileScoped } from '../db/compiled-query.js';
import type { Db } from '../db/database.js';
import { inScope } from '../db/scope-filter.js';

export function createOutageRepository(db: Db) {
  // list_device_monitoring_details and list_outages run this one per call: compiled once (see compileScoped).
  const ofDevice = compileScoped((args: { deviceId: number; closedSince: number }, scope) =>
    db
      .selectFrom('outages as o')
      .innerJoin('devices as d', 'd.id', 'o.device_id')
      .leftJoin('checks as k', 'k.id', 'o.check_id')
      .select([
        'o.id', 'o.reason', 'o.started_at', 'o.ended_at', 'o.check_id', 'o.cause',
        'k.check_type', 'k.description as check_description', 'k.dsc_247', 'k.statusid',
      ])
      .where(inScope(scope, 'd'))
      .where('o.device_id', '=', args.deviceId)
      .where(sql<boolean>`(o.ended_at is null or o.ended_at >= ${args.closedSince})`)
      .orderBy('o.started_at')
      .orderBy('o.id'),
  );

  return {
    /** Outages of one device still open or closed since `closedSince` (epoch seconds), oldest first. */
    async listByDevice(scope: Scope, deviceId: number, closedSince: number) {
      return ofDevice.execute(db, scope, { deviceId, closedSince });
    },
  };
}

export type OutageRepository = ReturnType<typeof createOutageRepository>;
