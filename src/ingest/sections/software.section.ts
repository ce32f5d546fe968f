import { diffSoftware, softwareTypeOf } from '../../assets/inventory-derivation.js';
import type { Section } from './section.js';

/** A software snapshot (list_all_software, list_device_asset_details): titles installed, updated and removed. */
export const softwareSection: Section = async (ctx) => {
  const items = ctx.report.software;
  if (!items) return;
  const { device, inventory } = ctx;
  const stored = await inventory.softwareOf(device.deviceId);
  const diff = diffSoftware(stored, items, ctx.now);
  for (const { row, set } of diff.updates) {
    const { name: _, ...columns } = set;
    await inventory.update('device_software', row.id, columns);
  }
  await inventory.deleteByIds('device_software', diff.deletes.map((r) => r.id));
  const catalog = await inventory.softwareCatalogIds(diff.inserts.map((s) => ({ name: s.name, publisher: s.publisher, software_type: softwareTypeOf(s.name) })));
  await inventory.insert(
    'device_software',
    diff.inserts.map(({ name, publisher: _, ...s }) => ({ ...s, catalog_id: catalog.get(name)!, account_id: device.accountId, client_id: device.clientId, device_id: device.deviceId })),
  );
  await ctx.repo.updateDevice(device.deviceId, { last_scan_at: ctx.now });
};
