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
  /** Personal key id, when the call used one (usage counts). */
  readonly personalKeyId?: number;
};

/** The scope of a user (or its key) from its account and client group: All Clients needs no membership filter. */
export function scopeOf(row: { account_id: number; client_group_id: number; is_all_clients: number }): Scope {
  return { accountId: row.account_id, clientGroupId: row.is_all_clients ? null : row.client_group_id };
}
