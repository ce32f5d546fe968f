import type { z } from 'zod';
import type { AdUser } from '../agent-protocol/protocol.schema.js';
import type { InventoryDiff } from '../assets/inventory-derivation.js';

type DirectoryUser = z.infer<typeof AdUser>;

/** ad_users.status: 0 unchanged, 1 change unknown, 2 modified, 3 new, 4 deleted, 5 restored. */
export const AdUserStatus = { unchanged: 0, unknown: 1, modified: 2, new: 3, deleted: 4, restored: 5 } as const;

export type StoredAdUser = {
  object_guid: string; status: number; samaccountname: string; displayname: string; mail: string; department: string; title: string;
  last_logon_at: number | null; enabled: number;
};

/** The stored columns of a reported directory user. */
export function adUserColumns(user: DirectoryUser): Omit<StoredAdUser, 'status'> {
  return {
    object_guid: user.objectGuid, samaccountname: user.samaccountname, displayname: user.displayname, mail: user.mail, department: user.department,
    title: user.title, last_logon_at: user.lastLogonAt, enabled: user.enabled ? 1 : 0,
  };
}

/**
 * A directory snapshot against the stored users, by objectGUID: status says what this scan changed.
 * The first scan is the baseline (every user unchanged); later, users are new, modified (an attribute
 * other than the last logon changed), deleted (gone, and kept), restored (back after deletion) or unchanged.
 */
export function diffAdUsers<S extends StoredAdUser>(stored: readonly S[], users: readonly DirectoryUser[]): InventoryDiff<S, StoredAdUser> {
  const diff: InventoryDiff<S, StoredAdUser> = { inserts: [], updates: [], deletes: [] };
  const byGuid = new Map(stored.map((u) => [u.object_guid, u]));
  const seen = new Set<string>();
  const attributes = (u: Omit<StoredAdUser, 'status'>) => [u.samaccountname, u.displayname, u.mail, u.department, u.title, u.enabled].join('\u0000');
  for (const user of users) {
    if (seen.has(user.objectGuid)) continue;
    seen.add(user.objectGuid);
    const columns = adUserColumns(user);
    const row = byGuid.get(user.objectGuid);
    if (!row) {
      diff.inserts.push({ ...columns, status: stored.length === 0 ? AdUserStatus.unchanged : AdUserStatus.new });
      continue;
    }
    const status = row.status === AdUserStatus.deleted ? AdUserStatus.restored : attributes(row) !== attributes(columns) ? AdUserStatus.modified : AdUserStatus.unchanged;
    if (status !== row.status || attributes(row) !== attributes(columns) || row.last_logon_at !== columns.last_logon_at) {
      diff.updates.push({ row, set: { ...columns, status } as Partial<S> });
    }
  }
  for (const row of stored) {
    if (!seen.has(row.object_guid) && row.status !== AdUserStatus.deleted) diff.updates.push({ row, set: { status: AdUserStatus.deleted } as Partial<S> });
  }
  return diff;
}
