import { sql } from 'kysely';
import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import { inScope } from '../db/scope-filter.js';

export function createOutageRepository(db: Db) {
  return {
    /** Outages of one device still open or closed since `closedSince` (epoch seconds), oldest first. */
    async listByDevice(scope: Scope, deviceId: number, closedSince: number) {
      return db
        .selectFrom('outages as o')
        .innerJoin('devices as d', 'd.id', 'o.device_id')
        .leftJoin('checks as k', 'k.id', 'o.check_id')
        .select([
          'o.id', 'o.reason', 'o.started_at', 'o.ended_at', 'o.check_id', 'o.cause',
          'k.check_type', 'k.description as check_description', 'k.dsc_247', 'k.statusid',
        ])
        .where(inScope(scope, 'd'))
        .where('o.device_id', '=', deviceId)
        .where(sql<boolean>`(o.ended_at is null or o.ended_at >= ${closedSince})`)
        .orderBy('o.started_at')
        .orderBy('o.id')
        .execute();
    },
  };
}

export type OutageRepository = ReturnType<typeof createOutageRepository>;
