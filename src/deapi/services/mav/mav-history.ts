import type { Scope } from '../../../access/scope.js';
import { groupBy } from '../../../lib/group-by.js';
import type { ServiceContext } from '../../service-spec.js';
import { MAV_HISTORY_SECONDS, type EngineVersion } from './mav-presenter.js';

/**
 * Everything the MAV read services show about one device's last year of scans, loaded in five queries
 * (a device has tens of scans, not thousands) and indexed by scan and threat.
 */
export async function loadMavHistory(reads: Pick<ServiceContext, 'devices' | 'mav'>, scope: Scope, deviceId: number, version: EngineVersion, now: number) {
  const { mav } = reads;
  const device = await reads.devices.requireVisible(scope, deviceId);
  const since = now - MAV_HISTORY_SECONDS;
  const [scans, threats, quarantine] = await Promise.all([
    mav.scans(scope, device.id, version.engines, since),
    mav.threatsOfDevice(scope, device.id, version.engines, since),
    mav.quarantine(scope, device.id, version.engines, null),
  ]);
  const [traces, scanErrors] = await Promise.all([
    mav.tracesOf(scope, threats.map((t) => t.id)),
    mav.errorsOf(scope, scans.map((s) => s.id)),
  ]);
  return {
    device,
    scans,
    threats,
    threatsByScan: groupBy(threats, (t) => t.scan_id),
    tracesByThreat: groupBy(traces, (r) => r.threat_id),
    quarantineByThreat: groupBy(quarantine, (q) => q.threat_id),
    quarantineByScan: groupBy(quarantine, (q) => q.scan_id),
    errorsByScan: groupBy(scanErrors, (e) => e.scan_id),
  };
}

export type MavHistory = Awaited<ReturnType<typeof loadMavHistory>>;
