import type { CheckRow } from '../checks/check.repository.js';
import { checkConfig } from '../deapi/services/checks/check-config.js';
import type { DeviceRow } from '../devices/device.repository.js';
import type { CheckConfig, CheckKind, ConfigResponse } from './protocol.schema.js';

/** Seconds between performance samples the agent takes (the server folds them into 15-minute intervals). */
export const SAMPLE_INTERVAL_SECONDS = 60;
/** A device without a 24x7 interval of its own reports this often. */
const DEFAULT_INTERVAL_SECONDS = 300;
const DAY_SECONDS = 86_400;

/** The agent's kind of check for N-sight's check_type; types the reference agent cannot run are `other`. */
const KIND_BY_TYPE: ReadonlyMap<number, CheckKind> = new Map([
  [1003, 'disk_space'], [1004, 'disk_space'],
  [1009, 'performance'], [1010, 'performance'],
  [1012, 'http'],
  [1013, 'process'],
  [1017, 'script'], [1018, 'script'],
] as const);

type Settings = CheckConfig['settings'];

/**
 * The agent's settings from the values list_check_config shows for the check (check-config.ts), so the
 * API and the agent never disagree on what a check does. Keys per kind: protocol.schema.ts CheckConfig.
 */
function settingsOf(kind: CheckKind, check: CheckRow): Settings {
  const [values = {}] = Object.values(checkConfig(check)) as Array<Record<string, string | number>>;
  switch (kind) {
    case 'disk_space':
      return { path: values.drive ?? '', minFreePercent: values.threshold ?? 10 };
    case 'http':
      return { url: values.url ?? '', timeoutSeconds: values.timeout ?? 30, expectStatus: 200 };
    case 'process':
      return { name: values.servicename ?? '' };
    case 'script':
      return { command: values.scriptname ?? '', timeoutSeconds: values.timeout ?? 150 };
    case 'performance':
      return { counter: values.counter ?? '', threshold: values.threshold ?? 0 };
    default:
      return {};
  }
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
      const kind = KIND_BY_TYPE.get(check.check_type) ?? 'other';
      const dsc247 = check.dsc_247 === 1 ? 1 : 2;
      return {
        checkId: check.id,
        checkType: check.check_type,
        kind,
        description: check.description,
        dsc247,
        intervalSeconds: dsc247 === 1 ? DAY_SECONDS : interval,
        settings: settingsOf(kind, check),
      };
    }),
  };
}
