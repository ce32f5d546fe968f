import type { CheckRow } from '../checks/check.repository.js';
import { storedCheckSettings } from '../checks/check-settings.js';
import { CheckFrequency } from '../checks/check-status.js';
import { derivedCheckSettings } from '../deapi/services/checks/check-config.js';
import type { DeviceRow } from '../devices/device.repository.js';
import { type CheckConfig, CheckKind, type ConfigResponse } from './protocol.schema.js';

/** Seconds between performance samples the agent takes (the server folds them into 15-minute intervals). */
export const SAMPLE_INTERVAL_SECONDS = 60;
/** A device without a 24x7 interval of its own reports this often. */
const DEFAULT_INTERVAL_SECONDS = 300;
const DAY_SECONDS = 86_400;

/**
 * The agent's kind of check for N-sight's check_type, for checks without a stored kind (seeded ones);
 * types the reference agent cannot run are `other`.
 */
const KIND_BY_TYPE: ReadonlyMap<number, CheckKind> = new Map([
  [1003, 'disk_space'], [1004, 'disk_space'],
  [1009, 'performance'], [1010, 'performance'],
  [1012, 'http'],
  [1013, 'process'],
  [1014, 'tcp_port'],
  [1017, 'script'], [1018, 'script'],
] as const);

const isCheckKind = (kind: string): kind is CheckKind => CheckKind.safeParse(kind).success;

/**
 * How the agent runs a check: what enrolment stored for it (copied from its template), or, for a check
 * stored without a kind (the demo seeder's), its kind by type and the settings list_check_config shows for
 * it (check-config.ts), so the API and the agent never disagree. Keys per kind: protocol.schema.ts CheckConfig.
 */
function howToRun(check: CheckRow, deviceInterval: number): Pick<CheckConfig, 'kind' | 'intervalSeconds' | 'settings'> {
  const daily = check.dsc_247 === CheckFrequency.dsc;
  const stored = storedCheckSettings(check);
  if (stored === null) {
    return { kind: KIND_BY_TYPE.get(check.check_type) ?? 'other', intervalSeconds: daily ? DAY_SECONDS : deviceInterval, settings: derivedCheckSettings(check) };
  }
  return {
    kind: isCheckKind(check.kind) ? check.kind : 'other',
    // A stored interval of 0 means the device's schedule; a Daily Safety Check runs once a day whatever it says.
    intervalSeconds: daily ? DAY_SECONDS : check.interval_seconds > 0 ? check.interval_seconds : deviceInterval,
    settings: stored,
  };
}

/** What GET /agent/v1/config answers for a device and its checks. */
export function agentConfigOf(device: DeviceRow, checks: readonly CheckRow[]): ConfigResponse {
  const interval = device.check_interval_247 > 0 ? device.check_interval_247 * 60 : DEFAULT_INTERVAL_SECONDS;
  return {
    deviceId: device.id,
    reportIntervalSeconds: interval,
    sampleIntervalSeconds: SAMPLE_INTERVAL_SECONDS,
    dscHour: Math.min(23, Math.max(0, device.dsc_hour)),
    checks: checks.map((check) => {
      const { kind, intervalSeconds, settings } = howToRun(check, interval);
      return {
        checkId: check.id,
        checkType: check.check_type,
        kind,
        description: check.description,
        dsc247: check.dsc_247 === CheckFrequency.dsc ? 1 : 2,
        intervalSeconds,
        settings,
      };
    }),
  };
}
