import { type Selectable, sql } from 'kysely';
import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import type { MavScanTable } from '../db/schema.js';
import { inScope } from '../db/scope-filter.js';
import type { MavScanState } from './mav-codes.js';

export type MavScanRow = Selectable<MavScanTable>;

/**
 * Managed Antivirus history of devices. Every read takes the engines the caller asked for (`v=1` sees
 * VIPRE only, `v=2` both engines) and applies the scope in SQL on the device-level rows.
 */
export function createMavRepository(db: Db) {
  const traceCount = sql<number>`(select count(*) from mav_traces r where r.threat_id = t.id)`;

  return {
    /** Scans of one device that started at or after `since`, newest first. */
    async scans(scope: Scope, deviceId: number, engines: readonly number[], since: number): Promise<MavScanRow[]> {
      return db
        .selectFrom('mav_scans as s')
        .selectAll('s')
        .where(inScope(scope, 's'))
        .where('s.device_id', '=', deviceId)
        .where('s.engine', 'in', engines)
        .where('s.started_at', '>=', since)
        .orderBy('s.started_at', 'desc')
        .orderBy('s.id', 'desc')
        .execute();
    },

    /** Threats found on one device by scans that started at or after `since`, with their trace count, in id order. */
    async threatsOfDevice(scope: Scope, deviceId: number, engines: readonly number[], since: number) {
      return db
        .selectFrom('mav_threats as t')
        .innerJoin('mav_scans as s', 's.id', 't.scan_id')
        .select([
          't.id', 't.scan_id', 't.name', 't.category', 't.status', 's.engine', 's.kind', 's.started_at', 's.ended_at',
          traceCount.as('trace_count'),
        ])
        .where(inScope(scope, 't'))
        .where('t.device_id', '=', deviceId)
        .where('s.engine', 'in', engines)
        .where('s.started_at', '>=', since)
        .orderBy('t.id')
        .execute();
    },

    /** Traces of the given threats, in id order. */
    async tracesOf(scope: Scope, threatIds: readonly number[]) {
      if (threatIds.length === 0) return [];
      return db
        .selectFrom('mav_traces as r')
        .select(['r.id', 'r.threat_id', 'r.trace_type', 'r.description', 'r.status'])
        .where(inScope(scope, 'r'))
        .where('r.threat_id', 'in', threatIds)
        .orderBy('r.id')
        .execute();
    },

    /** Errors of the given scans, in id order. */
    async errorsOf(scope: Scope, scanIds: readonly number[]) {
      if (scanIds.length === 0) return [];
      return db
        .selectFrom('mav_scan_errors as e')
        .select(['e.id', 'e.scan_id', 'e.item', 'e.reason'])
        .where(inScope(scope, 'e'))
        .where('e.scan_id', 'in', scanIds)
        .orderBy('e.id')
        .execute();
    },

    /**
     * The newest scan of one device, of any state or of one of `states` (running, paused): what a scan
     * action acts on, and whose engine tells which actions the device's MAV supports. Undefined when none.
     */
    async latestScan(scope: Scope, deviceId: number, states?: readonly MavScanState[]): Promise<MavScanRow | undefined> {
      let q = db.selectFrom('mav_scans as s').selectAll('s').where(inScope(scope, 's')).where('s.device_id', '=', deviceId);
      if (states) q = q.where('s.state', 'in', states);
      return q.orderBy('s.started_at', 'desc').orderBy('s.id', 'desc').limit(1).executeTakeFirst();
    },

    /** Quarantine entries of one device with these guids (at most a few hundred: the caller bounds the list). */
    async quarantineByGuids(scope: Scope, deviceId: number, guids: readonly string[]) {
      if (guids.length === 0) return [];
      return db
        .selectFrom('mav_quarantine as q')
        .select(['q.id', 'q.guid', 'q.statusid'])
        .where(inScope(scope, 'q'))
        .where('q.device_id', '=', deviceId)
        .where('q.guid', 'in', guids)
        .orderBy('q.id')
        .execute();
    },

    /** Sets the status of a device's quarantine entries (a release or removal the agent carried out). */
    async setQuarantineStatus(accountId: number, deviceId: number, guids: readonly string[], statusid: number, at: number): Promise<void> {
      if (guids.length === 0) return;
      await db
        .updateTable('mav_quarantine')
        .set({ statusid, event_at: at })
        .where('account_id', '=', accountId)
        .where('device_id', '=', deviceId)
        .where('guid', 'in', guids)
        .execute();
    },

    /** Sets the state of one scan of a device (a pause, resume or cancel the agent carried out). */
    async setScanState(accountId: number, deviceId: number, scanId: number, state: MavScanState, endedAt: number | null): Promise<void> {
      await db
        .updateTable('mav_scans')
        .set({ state, ended_at: endedAt })
        .where('account_id', '=', accountId)
        .where('device_id', '=', deviceId)
        .where('id', '=', scanId)
        .execute();
    },

    /**
     * Quarantine entries of one device with their threat and scan, in id order; `statusIds` narrows to
     * current or previous items (null = all).
     */
    async quarantine(scope: Scope, deviceId: number, engines: readonly number[], statusIds: readonly number[] | null) {
      let q = db
        .selectFrom('mav_quarantine as q')
        .innerJoin('mav_threats as t', 't.id', 'q.threat_id')
        .innerJoin('mav_scans as s', 's.id', 't.scan_id')
        .select([
          'q.id', 'q.guid', 'q.statusid', 'q.event_at', 'q.threat_id', 't.scan_id', 't.name as threat_name', 't.category as threat_category',
          's.engine', 's.kind', 's.started_at', 's.ended_at',
          traceCount.as('trace_count'),
        ])
        .where(inScope(scope, 'q'))
        .where('q.device_id', '=', deviceId)
        .where('s.engine', 'in', engines);
      if (statusIds) q = q.where('q.statusid', 'in', statusIds);
      return q.orderBy('q.id').execute();
    },
  };
}

export type MavRepository = ReturnType<typeof createMavRepository>;
