import { MavEngine, type MavScanKind, type MavScanState } from '../../../mav/mav-codes.js';
import { utcDateTime } from '../../../lib/dates.js';
import { param } from '../../service-spec.js';

/**
 * Managed Antivirus values on the wire. Scans are stored engine-neutral (kind, state); each engine
 * (1 VIPRE, 2 Bitdefender) names them its own way, and each service has its own vocabulary
 * (api-services.md §8). These tables are the single place that knows them.
 */

/** `v`: which engine's data to answer, and whether to add `<engine>`. */
export const engineVersionParam = param.oneOf(['1', '2'], 'Engine version: 1 VIPRE only (no <engine> element), 2 VIPRE and Bitdefender with <engine>.', { default: '2' });

export type EngineVersion = { engines: readonly number[]; withEngine: boolean };

/** v=1 answers the VIPRE engine's data in the original format; v=2 (the default) both engines, each naming itself. */
export function engineVersion(v: string | undefined): EngineVersion {
  return v === '1' ? { engines: [MavEngine.vipre], withEngine: false } : { engines: [MavEngine.vipre, MavEngine.bitdefender], withEngine: true };
}

export const ENGINE_NAMES: Record<number, string> = { [MavEngine.vipre]: 'VIPRE', [MavEngine.bitdefender]: 'Bitdefender' };

const isVipre = (engine: number) => engine === MavEngine.vipre;

/** Scans look back this far (list_mav_scans: "going back up to one year"). */
export const MAV_HISTORY_SECONDS = 365 * 86400;

const BITDEFENDER_KIND: Record<MavScanKind, string> = {
  active: 'Active Protection', quick: 'Quick', deep: 'Deep', custom: 'Custom', behavioral: 'Behavioral', ids: 'IDS', device: 'Device',
};

/** mav_scan_device_list `scantype`. */
export function scanTypeText(engine: number, kind: MavScanKind, state: MavScanState): string {
  if (!isVipre(engine)) return BITDEFENDER_KIND[kind];
  const base = ({ quick: 'Quick scan', deep: 'Deep scan', active: 'Active protection', custom: 'Custom Scan' } as Partial<Record<MavScanKind, string>>)[kind] ?? 'Custom Scan';
  return state === 'running' ? `${base} in progress` : base;
}

/** mav_scan_device_list `event_type`. */
export function scanEventType(engine: number, kind: MavScanKind): number {
  if (isVipre(engine)) return ({ quick: 0, deep: 1, active: 7, custom: 9 } as Partial<Record<MavScanKind, number>>)[kind] ?? 9;
  return { active: 1, quick: 2, deep: 3, custom: 4, behavioral: 5, ids: 6, device: 7 }[kind];
}

/** mav_scan_device_list `status`. */
export function scanStatusCode(engine: number, state: MavScanState): number {
  if (isVipre(engine)) return { finished: 3, canceled: 4, error: 5, paused: 6, running: 7 }[state];
  return { finished: 0, canceled: 1, error: 1, paused: 2, running: 3 }[state];
}

/** list_mav_scans / list_mav_threats / list_mav_quarantine scan type. */
export function scanKindText(engine: number, kind: MavScanKind): string {
  if (isVipre(engine)) return ({ quick: 'QUICK', deep: 'DEEP', active: 'ACTIVE', custom: 'CUSTOM' } as Partial<Record<MavScanKind, string>>)[kind] ?? 'CUSTOM';
  return BITDEFENDER_KIND[kind];
}

/** list_mav_scans `status`. */
export function scanStateText(engine: number, state: MavScanState): string {
  if (isVipre(engine)) return state.toUpperCase();
  return { finished: 'Scan Finished Normally', canceled: 'Scan Aborted', error: 'Scan Aborted', paused: 'Scan Stopped', running: 'Scan In Progress' }[state];
}

/** mav_quarantine_list `eventtype`. */
export function quarantineEventType(engine: number, kind: MavScanKind): string {
  if (isVipre(engine)) return ({ quick: 'Quick Scan', deep: 'Deep Scan', active: 'Active protection', custom: 'Custom scan' } as Partial<Record<MavScanKind, string>>)[kind] ?? 'Custom scan';
  return BITDEFENDER_KIND[kind];
}

/** Quarantine statusid → mav_quarantine_list `quarantineStatus`. */
export const QUARANTINE_STATUS_TEXT: Record<number, string> = {
  1: 'Quarantined', 2: 'Release pending', 3: 'Released', 4: 'Delete pending', 5: 'Deleted', 6: 'Reported',
  7: 'Failed to quarantine', 8: 'Failed to release', 9: 'Failed to delete from quarantine',
};

/** statusids of items still in quarantine (group 0: including pending and failed release/removal). */
export const CURRENT_QUARANTINE_STATUSES = [1, 2, 4, 8, 9] as const;
/** statusids of items no longer quarantined (group 1). */
export const PREVIOUS_QUARANTINE_STATUSES = [3, 5, 6, 7] as const;

export function quarantineGroup(statusid: number): number {
  return (CURRENT_QUARANTINE_STATUSES as readonly number[]).includes(statusid) ? 0 : 1;
}

/** list_mav_quarantine `status`. */
export function quarantineStatusWord(engine: number, statusid: number): string {
  if (isVipre(engine)) {
    return ['', 'QUARANTINED', 'RELEASE_PENDING', 'RELEASED', 'DELETE_PENDING', 'DELETED', 'REPORTED', 'FAILED_TO_QUARANTINE', 'FAILED_TO_RELEASE', 'FAILED_TO_DELETE'][statusid] ?? '';
  }
  return statusid === 3 ? 'Restored' : statusid === 5 ? 'Deleted' : 'Quarantined';
}

/**
 * A scan time as the engine reports it: VIPRE in UTC, Bitdefender in the agent's local time
 * (the device's UTC offset). '' when unknown.
 */
export function scanTime(engine: number, epochSeconds: number | null, deviceUtcOffset: number): string {
  return isVipre(engine) ? utcDateTime(epochSeconds) : agentTime(epochSeconds, deviceUtcOffset);
}

/** `YYYY-MM-DD HH:MM:SS` in the agent's local time (the device's UTC offset); '' when unknown. */
export function agentTime(epochSeconds: number | null, deviceUtcOffset: number): string {
  return epochSeconds === null ? '' : utcDateTime(epochSeconds + deviceUtcOffset);
}

/** `hh:mm:ss` of a finished scan; '' while running. */
export function scanDuration(startedAt: number, endedAt: number | null): string {
  if (endedAt === null) return '';
  const s = Math.max(0, endedAt - startedAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export const isBitdefender = (engine: number) => engine === MavEngine.bitdefender;
