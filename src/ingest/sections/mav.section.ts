import { MavEngine } from '../../mav/mav-codes.js';
import { quarantineStatusOf } from '../../mav/mav-derivation.js';
import type { Section } from './section.js';

/**
 * Managed Antivirus scans, by the agent's scan key (a scan reported running and later finished is one
 * row), their threats (by name within the scan) and quarantine entries (by guid).
 */
export const mavSection: Section = async (ctx) => {
  const scans = ctx.report.mavScans;
  if (scans.length === 0) return;
  const { device, inventory, now } = ctx;
  const owner = { account_id: device.accountId, client_id: device.clientId };
  const scanIds = new Map((await inventory.mavScansByKey(device.deviceId, scans.map((s) => s.scanKey))).map((s) => [s.scan_key!, s.id]));
  for (const scan of scans) {
    const columns = {
      engine: MavEngine[scan.engine], kind: scan.kind, state: scan.state, started_at: scan.startedAt, ended_at: scan.endedAt,
      files_scanned: scan.filesScanned, folders_scanned: scan.foldersScanned,
    };
    const id = scanIds.get(scan.scanKey);
    if (id === undefined) {
      const [created] = await inventory.insertReturningIds('mav_scans', [
        { ...owner, ...columns, device_id: device.deviceId, scan_key: scan.scanKey, cookies_scanned: 0, registry_scanned: 0, processes_scanned: 0 },
      ]);
      scanIds.set(scan.scanKey, created!);
    } else {
      await inventory.update('mav_scans', id, columns);
    }
  }
  const threats = new Map((await inventory.mavThreatsOf([...scanIds.values()])).map((t) => [`${t.scan_id}\u0000${t.name}`, t]));
  const guids = scans.flatMap((s) => s.threats.flatMap((t) => (t.quarantineGuid ? [t.quarantineGuid] : [])));
  const quarantined = new Map((await inventory.mavQuarantineByGuid(device.deviceId, guids)).map((q) => [q.guid, q]));
  for (const scan of scans) {
    const scanId = scanIds.get(scan.scanKey)!;
    for (const threat of scan.threats) {
      const key = `${scanId}\u0000${threat.name}`;
      let stored = threats.get(key);
      if (!stored) {
        const [id] = await inventory.insertReturningIds('mav_threats', [{ ...owner, device_id: device.deviceId, scan_id: scanId, name: threat.name, category: threat.category, status: threat.status }]);
        threats.set(key, (stored = { id: id!, scan_id: scanId, name: threat.name, status: threat.status }));
      } else if (stored.status !== threat.status) {
        await inventory.update('mav_threats', stored.id, { status: threat.status, category: threat.category });
      }
      if (!threat.quarantineGuid) continue;
      const statusid = quarantineStatusOf(threat.status);
      const entry = quarantined.get(threat.quarantineGuid);
      if (!entry) {
        const row = { ...owner, device_id: device.deviceId, threat_id: stored.id, guid: threat.quarantineGuid, statusid, event_at: Math.min(scan.endedAt ?? now, now) };
        const [id] = await inventory.insertReturningIds('mav_quarantine', [row]);
        quarantined.set(threat.quarantineGuid, { id: id!, guid: threat.quarantineGuid, statusid });
      } else if (entry.statusid !== statusid) {
        await inventory.update('mav_quarantine', entry.id, { statusid, event_at: now });
      }
    }
  }
};
