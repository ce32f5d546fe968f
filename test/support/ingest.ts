import { DeviceFacts } from '../../src/agent-protocol/protocol.schema.js';
import type { Clock } from '../../src/lib/clock.js';
import { NOW } from '../factories.js';
import type { TestDatabase } from './databases.js';

/** Every table ingestion writes; a refused or retried batch must leave all of them exactly as they were. */
const TABLES = [
  'devices', 'checks', 'outages', 'check_day_results', 'agent_batches', 'clients', 'device_hardware', 'device_software', 'software_catalog',
  'device_patches', 'patch_catalog', 'device_antivirus', 'mav_scans', 'mav_threats', 'mav_quarantine', 'mob_sessions', 'ad_users',
] as const;

export async function snapshot(database: TestDatabase) {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) out[table] = (await database.db.selectFrom(table).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
  return out;
}

/** A clock the test moves forward. */
export function movableClock(start: number) {
  const clock: Clock & { at: number } = { at: start, now: () => new Date(clock.at * 1000) };
  return clock;
}

export const facts = (hostname: string, deviceType: 'server' | 'workstation' = 'server', extra: Record<string, unknown> = {}) =>
  DeviceFacts.parse({
    hostname, deviceType, os: { name: 'Ubuntu 24.04.1 LTS', version: '6.8.0-45-generic', family: 'linux' }, manufacturer: 'Dell Inc.', model: 'PowerEdge R650',
    serialNumber: 'SRV-123', cpu: { model: 'Intel Xeon', count: 8 }, memoryMb: 32768, bootedAt: NOW - 86400, ipAddresses: ['10.0.0.5'], macAddresses: ['00:11:22:33:44:55'],
    username: 'root', agentVersion: '1.0.0', ...extra,
  });

