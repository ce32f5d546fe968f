import { describe, expect, it } from 'vitest';
import { LINUX_SOFTWARE, MAC_SOFTWARE, SERVER_SOFTWARE, WINDOWS_SOFTWARE } from '../seed/asset-catalog.js';
import { diffHardware, diffSoftware, softwareTypeOf } from './inventory-derivation.js';

describe('inventory derivation', () => {
  it('types software titles as the demo catalogue does, so seeded titles match ingested ones', () => {
    for (const [name, , type] of [...WINDOWS_SOFTWARE, ...SERVER_SOFTWARE, ...MAC_SOFTWARE, ...LINUX_SOFTWARE]) expect(softwareTypeOf(name), name).toBe(type);
  });

  it('marks a new version modified, a missing title deleted now, and drops it after four days', () => {
    const stored = [
      { name: 'a', version: '1', installed_at: 10, modified: 0, deleted_at: null },
      { name: 'b', version: '1', installed_at: null, modified: 0, deleted_at: null },
      { name: 'c', version: '1', installed_at: null, modified: 0, deleted_at: 1000 },
    ];
    const now = 1000 + 5 * 86400;
    const diff = diffSoftware(stored, [{ name: 'a', publisher: '', version: '2', installedAt: null }, { name: 'd', publisher: 'x', version: '1', installedAt: null }], now);
    expect(diff.updates).toEqual([{ row: stored[0], set: { version: '2', installed_at: 10, modified: 1 } }, { row: stored[1], set: { deleted_at: now, modified: 0 } }]);
    expect(diff.inserts).toEqual([{ name: 'd', publisher: 'x', version: '1', installed_at: now, modified: 0, deleted_at: null }]);
    expect(diff.deletes).toEqual([stored[2]]);
  });

  it('tells changed hardware from new and removed items', () => {
    const stored = [
      { hardware_type: 11, name: 'Physical Memory', manufacturer: '', details: 'Capacity=1', status: 'OK', deleted: 0, modified: 0 },
      { hardware_type: 15, name: 'DVD', manufacturer: '', details: '', status: '', deleted: 0, modified: 0 },
    ];
    const diff = diffHardware(stored, [{ hardwareType: 11, name: 'Physical Memory', manufacturer: '', details: 'Capacity=2', status: 'OK' }, { hardwareType: 7, name: 'Monitor', manufacturer: '', details: '', status: '' }]);
    expect(diff.updates.map((u) => [u.row.name, u.set.modified, u.set.deleted])).toEqual([['Physical Memory', 1, 0], ['DVD', 1, 1]]);
    expect(diff.inserts).toEqual([{ hardware_type: 7, name: 'Monitor', manufacturer: '', details: '', status: '', deleted: 0, modified: 1 }]);
  });
});
