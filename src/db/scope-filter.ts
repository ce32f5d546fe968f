import { type Expression, type SqlBool, sql } from 'kysely';
import type { Scope } from '../access/scope.js';

/**
 * The scope rule in SQL: rows of the caller's account whose client is in the caller's client group.
 * `table` is the table (or alias) holding `account_id`; `clientColumn` the column naming its client.
 */
export function inScope(scope: Scope, table: string, clientColumn = 'client_id'): Expression<SqlBool> {
  const account = sql<SqlBool>`${sql.ref(`${table}.account_id`)} = ${scope.accountId}`;
  if (scope.clientGroupId === null) return account;
  return sql<SqlBool>`(${account} and ${sql.ref(`${table}.${clientColumn}`)} in (select client_id from client_group_members where client_group_id = ${scope.clientGroupId}))`;
}

/** Rows fetched per keyset query. */
export const PAGE_SIZE = 5000;

/**
 * Streams a list as keyset pages (`where id > last order by id limit n`): no open cursor (which on
 * SQLite would block every other query), memory bounded by one page. Stopping the consumer stops it.
 */
export async function* keysetPages<T, K>(
  fetchPage: (after: K | undefined, limit: number) => Promise<T[]>,
  keyOf: (row: T) => K,
  pageSize = PAGE_SIZE,
): AsyncGenerator<T[]> {
  let after: K | undefined;
  for (;;) {
    const rows = await fetchPage(after, pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}
