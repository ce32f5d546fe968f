import type { DeviceFacts } from '../agent-protocol/protocol.schema.js';

/**
 * What a device's stored columns follow from: the facts its agent reports, and when it last reported.
 * Ingestion (src/ingest/) and the demo seeder both call these, so seeded devices obey the same rules as
 * enrolled ones.
 */

/** Seconds between an agent's reports (the reportIntervalSeconds the agent's config answers by default). */
export const REPORT_INTERVAL_SECONDS = 300;

/**
 * Default of `account_settings.overdue_after_seconds`: two missed reports, as N-sight's miss_factor_247
 * of 2 (list_servers) says. A device with no report for longer is overdue.
 */
export const DEFAULT_OVERDUE_AFTER_SECONDS = 2 * REPORT_INTERVAL_SECONDS;

/** When a device that last reported at `lastResponseAt` became overdue (whether or not that time has come). */
export function overdueSince(lastResponseAt: number, overdueAfterSeconds: number): number {
  return lastResponseAt + overdueAfterSeconds;
}

/** Whether a device that last reported at `lastResponseAt` is overdue at `now`. */
export function isOverdueAt(lastResponseAt: number, overdueAfterSeconds: number, now: number): boolean {
  return overdueSince(lastResponseAt, overdueAfterSeconds) < now;
}

/** list_device_asset_details `role`: 1 Windows workstation, 2 Windows server, 101 UNIX/Linux, 102 Mac. */
export function assetRole(family: DeviceFacts['os']['family'], deviceType: DeviceFacts['deviceType']): number {
  if (family === 'linux') return 101;
  if (family === 'mac') return 102;
  return deviceType === 'server' ? 2 : 1;
}

/** The device columns an agent's facts determine (the rest are the server's: ids, status, schedule). */
export function deviceColumnsFromFacts(facts: DeviceFacts) {
  const macs = facts.macAddresses;
  return {
    device_type: facts.deviceType,
    name: facts.hostname,
    wins_name: facts.hostname.slice(0, 15),
    os: facts.os.name,
    os_details: facts.os.version,
    os_type: facts.deviceType === 'server' ? 2 : 1,
    role: assetRole(facts.os.family, facts.deviceType),
    manufacturer: facts.manufacturer,
    model: facts.model,
    device_serial: facts.serialNumber,
    processor_count: facts.cpu.count,
    total_memory: facts.memoryMb * 1024 * 1024,
    last_boot_at: facts.bootedAt,
    ip: facts.ipAddresses[0] ?? '',
    mac1: macs[0] ?? '',
    mac2: macs[1] ?? '',
    mac3: macs[2] ?? '',
    username: facts.username,
    domain: facts.domain,
    agent_version: facts.agentVersion,
  };
}

export type DeviceFactColumns = ReturnType<typeof deviceColumnsFromFacts>;
