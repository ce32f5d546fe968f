import { errors } from '../errors.js';

/**
 * What a caller may see: one account, and within it the clients of one client group. Every repository
 * read takes a Scope as its first argument and applies it in SQL.
 */
export type Scope = {
  readonly accountId: number;
  /** The caller's client group; null when it is All Clients (so no membership filter is needed). */
  readonly clientGroupId: number | null;
};

/** Who is calling, with what they may do. Built per request from the key and the user's current settings. */
export type Caller = {
  readonly scope: Scope;
  readonly userId: number;
  /** Permission names the caller's role allows (see permissions.ts). */
  readonly permissions: ReadonlySet<string>;
  /** Whether the key may call write services. The account key may; personal keys may be read-only. */
  readonly canWrite: boolean;
  /** The account's timezone, for "today" in histories and the `created` attribute. */
  readonly timezone: string;
  /** For audit entries. */
  readonly sourceAddress: string;
  /** Who the audit log says acted: the account key, or a personal key by its name and owner. */
  readonly keyLabel: string;
  /** Personal key id, when the call used one (usage counts). */
  readonly personalKeyId?: number;
};

/** The audit log's name for calls made with the account API key. */
export const ACCOUNT_KEY_LABEL = 'account API key';

/** The audit log's name for calls made with a personal key: its name and its owner, never the key. */
export function personalKeyLabel(keyName: string, ownerEmail: string): string {
  return `personal key "${keyName}" of ${ownerEmail}`;
}

/** The scope of a user (or its key) from its account and client group: All Clients needs no membership filter. */
export function scopeOf(row: { account_id: number; client_group_id: number; is_all_clients: number }): Scope {
  return { accountId: row.account_id, clientGroupId: row.is_all_clients ? null : row.client_group_id };
}

/**
 * The row a parameter names, from a scoped lookup; when the scope does not see it, "Invalid value for
 * parameter: NAME" (code 4), the same answer as for an id that does not exist, so scope cannot be probed.
 */
export async function requireVisible<T>(lookup: Promise<T | undefined>, parameter: string): Promise<T> {
  const row = await lookup;
  if (!row) throw errors.invalidValue(parameter);
  return row;
}
