import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Scope } from '../access/scope.js';
import { compileScoped } from './compiled-query.js';
import type { Db } from './database.js';

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

/**
 * The keyset pages of the rows of one parent (a client's sites, a device's checks) in id order, from a
 * query compiled once (see compileScoped): `base` selects from `alias` within the scope, and this adds
 * `where alias.parentColumn = ? and alias.id > ? order by alias.id limit ?`.
 */
export function scopedPagesByParent<O extends { id: number }>(
  db: Db,
  alias: string,
  parentColumn: string,
  base: (scope: Scope) => SelectQueryBuilder<any, any, O>,
): (scope: Scope, parentId: number) => AsyncGenerator<O[]> {
  const page = compileScoped((args: { parentId: number; after: number; limit: number }, scope) =>
    base(scope)
      .where(sql.ref(`${alias}.${parentColumn}`), '=', args.parentId)
      .where(sql.ref(`${alias}.id`), '>', args.after)
      .orderBy(sql.ref(`${alias}.id`))
      .limit(args.limit),
  );
  return (scope, parentId) => keysetPages((after: number | undefined, limit) => page.execute(db, scope, { parentId, after: after ?? 0, limit }), (row) => row.id);
}
