import type { DeviceTable } from '../db/schema.js';

/** A device's health in one word, as list_devices_at_client sends it (`status`; N-sight's own casing, "Ok"). */
export const DeviceStatus = { failed: 'Failed', overdue: 'Overdue', offline: 'Offline', ok: 'Ok' } as const;
export type DeviceStatus = (typeof DeviceStatus)[keyof typeof DeviceStatus];

/**
 * The one device status rule, for the API and the dashboard alike: Failed (a check fails) before
 * Overdue (no upload within its interval) before Offline (offline on purpose, e.g. maintenance mode),
 * else Ok.
 *
 * Why this order: N-sight documents only the value "Ok" (api-services.md §1.6), so the nearest evidence
 * is its own problem report, list_failing_checks (§2.2), which lists a device's failed checks first,
 * then its overdue block, then its offline block. The API has answered this order since its first golden
 * file and clients may key on it, so the dashboard (which said Offline > Overdue > Failing) follows it.
 * `failingChecks` is passed apart because the API reads the stored count and the device page counts the
 * checks it shows.
 */
export function deviceStatus(device: Pick<DeviceTable, 'overdue_since' | 'offline_reason'>, failingChecks: number): DeviceStatus {
  if (failingChecks > 0) return DeviceStatus.failed;
  if (device.overdue_since !== null) return DeviceStatus.overdue;
  if (device.offline_reason !== null) return DeviceStatus.offline;
  return DeviceStatus.ok;
}
