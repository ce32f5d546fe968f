import { diffAdUsers } from '../../ad-users/ad-user-derivation.js';
import type { Section } from './section.js';

/** A directory snapshot from a domain controller (list_active_directory_users): users with what changed. */
export const adUsersSection: Section = async (ctx) => {
  const users = ctx.report.adUsers;
  if (!users) return;
  const { device, inventory } = ctx;
  const diff = diffAdUsers(await inventory.adUsersOf(device.deviceId), users);
  for (const { row, set } of diff.updates) await inventory.update('ad_users', row.id, set);
  await inventory.insert('ad_users', diff.inserts.map((u) => ({ ...u, account_id: device.accountId, client_id: device.clientId, site_id: device.siteId, device_id: device.deviceId })));
};
