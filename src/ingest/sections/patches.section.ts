import { PatchPolicy } from '../../patches/patch-codes.js';
import { patchStatusColumns } from '../../patches/patch-derivation.js';
import type { Section } from './section.js';

/**
 * A patch snapshot (patch_list_all): each patch's status as the agent reports it. A patch keeps its policy
 * (a user's too) when its status changes, and an ignored one reported missing stays Ignored; a new one gets
 * "Do Nothing" until someone approves or ignores it; a patch no longer reported (superseded, withdrawn) is dropped.
 */
export const patchesSection: Section = async (ctx) => {
  const items = ctx.report.patches;
  if (!items) return;
  const { device, inventory } = ctx;
  const catalog = await inventory.patchCatalogIds(items.map((p) => ({ key: p.key, title: p.title, product: p.product, severity: p.severity })));
  const stored = new Map((await inventory.patchesOf(device.deviceId)).map((p) => [p.patch_catalog_id, p]));
  const reported = new Set<number>();
  const inserts = [];
  for (const item of items) {
    const catalogId = catalog.get(item.key)!;
    if (reported.has(catalogId)) continue;
    reported.add(catalogId);
    const row = stored.get(catalogId);
    const columns = patchStatusColumns(item, row?.policy ?? PatchPolicy.doNothing);
    if (!row) inserts.push({ ...columns, account_id: device.accountId, client_id: device.clientId, device_id: device.deviceId, patch_catalog_id: catalogId, policy: PatchPolicy.doNothing });
    else if (row.status !== columns.status || row.installed_at !== columns.installed_at) await inventory.update('device_patches', row.id, columns);
  }
  await inventory.insert('device_patches', inserts);
  await inventory.deleteByIds('device_patches', [...stored.values()].filter((p) => !reported.has(p.patch_catalog_id)).map((p) => p.id));
};
