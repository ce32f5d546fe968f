import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Scope } from '../access/scope.js';

/** Stands for a named argument while a query is built; replaced by the argument's value at each execution. */
class Argument {
  constructor(readonly name: string) {}
}

/** A query built and compiled once, executed with new argument values on any executor (the database or a transaction). */
export type CompiledOnce<A, O> = {
  /** Every row of one execution. */
  execute(executor: Kysely<any>, args: A): Promise<O[]>;
  /** The first row of one execution, if any. */
  takeFirst(executor: Kysely<any>, args: A): Promise<O | undefined>;
};

/**
 * Builds and compiles a query once, on its first execution. Building and compiling a Kysely query takes
 * longer than running most of our indexed ones (about 20 µs for a four-table join), so queries every API
 * call runs (the key lookup, the bad-key counter, the scoped reads of the small calls) are compiled once
 * per repository and only their parameters change per call. Compiling on first use, not when the
 * repository is created, keeps the repositories each transaction creates from compiling queries it never
 * runs. `build` receives stand-ins for its arguments; each must be used as a plain value
 * (`where(col, '=', args.x)`, `limit(args.n)`, inside `sql```), not as an `in` list, which Kysely expands
 * by the array's length, nor in a condition of the building code itself. The SQL text is the same on every
 * call, so the SQLite statement cache keeps it.
 */
export function compileOnce<A extends Record<string, unknown>, O>(build: (args: A) => Compilable<O>): CompiledOnce<A, O> {
  let compiled: { query: CompiledQuery<O>; slots: (string | undefined)[] } | undefined;
  const compile = () => {
    const stand = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? new Argument(name) : undefined) }) as A;
    const query = build(stand).compile();
    return { query, slots: query.parameters.map((value) => (value instanceof Argument ? value.name : undefined)) };
  };

  async function execute(executor: Kysely<any>, args: A): Promise<O[]> {
    const { query, slots } = (compiled ??= compile());
    const parameters = slots.map((name, i) => (name === undefined ? query.parameters[i] : args[name]));
    const result = await executor.executeQuery<O>({ ...query, parameters });
    return result.rows;
  }

  return {
    execute,
    async takeFirst(executor, args) {
      return (await execute(executor, args))[0];
    },
  };
}

/** A scoped query compiled once per form of the scope rule (see compileScoped). */
export type CompiledScoped<A, O> = {
  /** Every row of one execution in this scope. */
  execute(executor: Kysely<any>, scope: Scope, args: A): Promise<O[]>;
  /** The first row of one execution in this scope, if any. */
  takeFirst(executor: Kysely<any>, scope: Scope, args: A): Promise<O | undefined>;
};

type ScopeArgs = { scopeAccountId: number; scopeClientGroupId: number };

/**
 * compileOnce for a query over a scope (`inScope(scope, …)`): the scope rule has two forms, the account
 * alone (All Clients) and the account and the members of a client group, so the query is compiled once
 * for each, and the scope's ids are arguments. `build` gets a stand-in scope whose ids may be used only as
 * values, as inScope uses them; whether the group is null is the one thing it may decide on.
 */
export function compileScoped<A extends Record<string, unknown>, O>(build: (args: A, scope: Scope) => Compilable<O>): CompiledScoped<A, O> {
  const whole = compileOnce((args: A & ScopeArgs) => build(args, { accountId: args.scopeAccountId, clientGroupId: null }));
  const grouped = compileOnce((args: A & ScopeArgs) => build(args, { accountId: args.scopeAccountId, clientGroupId: args.scopeClientGroupId }));
  function execute(executor: Kysely<any>, scope: Scope, args: A): Promise<O[]> {
    const { accountId, clientGroupId } = scope;
    return clientGroupId === null
      ? whole.execute(executor, { ...args, scopeAccountId: accountId, scopeClientGroupId: 0 })
      : grouped.execute(executor, { ...args, scopeAccountId: accountId, scopeClientGroupId: clientGroupId });
  }
  return {
    execute,
    async takeFirst(executor, scope, args) {
      return (await execute(executor, scope, args))[0];
    },
  };
}
