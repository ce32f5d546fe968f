import type { HardwareItem, SoftwareItem } from '../agent-protocol/protocol.schema.js';
import type { z } from 'zod';
import { DELETED_SOFTWARE_RETENTION_SECONDS } from './asset.repository.js';

/**
 * How a device's stored inventory follows from the full snapshots its agent reports: what is new, what
 * changed (the `modified` flags and change dates the asset services show), what went away. Pure functions
 * over the stored rows, so ingestion (which writes the answer) and the demo seeder (which replays made-up
 * scans in memory) apply the same rules.
 */

type Software = z.infer<typeof SoftwareItem>;
type Hardware = z.infer<typeof HardwareItem>;

/** A snapshot's changes (directory users' too, src/ad-users/): rows to add, stored rows to change (by reference), stored rows to drop. */
export type InventoryDiff<Stored, New> = { inserts: New[]; updates: { row: Stored; set: Partial<Stored> }[]; deletes: Stored[] };

/** Software type as list_device_asset_details sends it: KB-numbered updates are Update or Hotfix, the rest All. */
export function softwareTypeOf(name: string): 'Hotfix' | 'Update' | 'All' {
  if (!/\(KB\d+\)/.test(name)) return 'All';
  return name.startsWith('Update for ') ? 'Update' : 'Hotfix';
}

export type StoredSoftware = { name: string; version: string; installed_at: number | null; modified: number; deleted_at: number | null };

/**
 * A software snapshot against the stored titles: a new title is installed (at the time the agent gives,
 * or now; unknown on the first scan), a new version marks the title modified, a missing title is
 * uninstalled now (listed as deleted for four days, then dropped), a returning one is reinstalled.
 */
export function diffSoftware<S extends StoredSoftware>(stored: readonly S[], items: readonly Software[], now: number): InventoryDiff<S, StoredSoftware & { publisher: string }> {
  const diff: InventoryDiff<S, StoredSoftware & { publisher: string }> = { inserts: [], updates: [], deletes: [] };
  const firstScan = stored.length === 0;
  const byName = new Map(stored.map((s) => [s.name, s]));
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.name)) continue;
    seen.add(item.name);
    const row = byName.get(item.name);
    if (!row) {
      diff.inserts.push({ name: item.name, publisher: item.publisher, version: item.version, installed_at: item.installedAt ?? (firstScan ? null : now), modified: 0, deleted_at: null });
    } else if (row.deleted_at !== null) {
      diff.updates.push({ row, set: { version: item.version, installed_at: item.installedAt ?? now, modified: 0, deleted_at: null } as Partial<S> });
    } else if (row.version !== item.version) {
      diff.updates.push({ row, set: { version: item.version, installed_at: item.installedAt ?? row.installed_at, modified: 1 } as Partial<S> });
    } else if (row.modified !== 0 || (item.installedAt !== null && item.installedAt !== row.installed_at)) {
      diff.updates.push({ row, set: { installed_at: item.installedAt ?? row.installed_at, modified: 0 } as Partial<S> });
    }
  }
  for (const row of stored) {
    if (seen.has(row.name)) continue;
    if (row.deleted_at === null) diff.updates.push({ row, set: { deleted_at: now, modified: 0 } as Partial<S> });
    else if (row.deleted_at < now - DELETED_SOFTWARE_RETENTION_SECONDS) diff.deletes.push(row);
  }
  return diff;
}

export type StoredHardware = { hardware_type: number; name: string; manufacturer: string; details: string; status: string; deleted: number; modified: number };

/**
 * A hardware snapshot against the stored items: an identical item is unchanged, an item of the same type
 * and name with other details is modified, a missing one is marked deleted (and kept), a new one is added
 * (modified, except on the first scan).
 */
export function diffHardware<S extends StoredHardware>(stored: readonly S[], items: readonly Hardware[]): InventoryDiff<S, StoredHardware> {
  const diff: InventoryDiff<S, StoredHardware> = { inserts: [], updates: [], deletes: [] };
  const exact = (h: Omit<StoredHardware, 'deleted' | 'modified'>) => `${h.hardware_type}\u0000${h.name}\u0000${h.manufacturer}\u0000${h.details}\u0000${h.status}`;
  const loose = (h: { hardware_type: number; name: string }) => `${h.hardware_type}\u0000${h.name}`;
  const unmatched = new Set(stored);
  const rest: Hardware[] = [];
  const take = (key: (h: StoredHardware) => string, wanted: string) => {
    for (const row of unmatched) if (key(row) === wanted) return unmatched.delete(row), row;
    return undefined;
  };
  for (const item of items) {
    const values = { hardware_type: item.hardwareType, name: item.name, manufacturer: item.manufacturer, details: item.details, status: item.status };
    const row = take(exact, exact(values));
    if (!row) rest.push(item);
    else if (row.deleted !== 0) diff.updates.push({ row, set: { deleted: 0, modified: 1 } as Partial<S> });
    else if (row.modified !== 0) diff.updates.push({ row, set: { modified: 0 } as Partial<S> });
  }
  for (const item of rest) {
    const values = { hardware_type: item.hardwareType, name: item.name, manufacturer: item.manufacturer, details: item.details, status: item.status };
    const row = take(loose, loose(values));
    if (row) diff.updates.push({ row, set: { ...values, deleted: 0, modified: 1 } as Partial<S> });
    else diff.inserts.push({ ...values, deleted: 0, modified: stored.length === 0 ? 0 : 1 });
  }
  for (const row of unmatched) if (row.deleted === 0) diff.updates.push({ row, set: { deleted: 1, modified: 1 } as Partial<S> });
  return diff;
}
