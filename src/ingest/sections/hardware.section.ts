import { diffHardware } from '../../assets/inventory-derivation.js';
import type { Section } from './section.js';

/** A hardware snapshot (list_all_hardware, list_device_asset_details): the device's items with their changes. */
export const hardwareSection: Section = async (ctx) => {
  const items = ctx.report.hardware;
  if (!items) return;
  const { device, inventory } = ctx;
  const diff = diffHardware(await inventory.hardwareOf(device.deviceId), items);
  for (const { row, set } of diff.updates) await inventory.update('device_hardware', row.id, set);
  await inventory.insert('device_hardware', diff.inserts.map((h) => ({ ...h, account_id: device.accountId, client_id: device.clientId, device_id: device.deviceId })));
  await ctx.repo.updateDevice(device.deviceId, { last_scan_at: ctx.now });
};
