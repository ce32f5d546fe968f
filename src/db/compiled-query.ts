import type { Compilable, CompiledQuery, Kysely } from 'kysely';

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
 * Builds and compiles a query once. Building and compiling a Kysely query takes longer than running most
 * of our indexed ones (about 20 µs for a four-table join), so queries every API call runs (the key
 * lookup, the bad-key counter) are compiled when the repository is created and only their parameters
 * change per call. `build` receives stand-ins for its arguments; each must be used as a plain value
 * (`where(col, '=', args.x)`, `limit(args.n)`, inside `sql```), not as an `in` list, which Kysely expands
 * by the array's length. The SQL text is the same on every call, so the SQLite statement cache keeps it.
 */
export function compileOnce<A extends Record<string, unknown>, O>(build: (args: A) => Compilable<O>): CompiledOnce<A, O> {
  const stand = new Proxy({}, { get: (_target, name) => (typeof name === 'string' ? new Argument(name) : undefined) }) as A;
  const compiled: CompiledQuery<O> = build(stand).compile();
  const slots = compiled.parameters.map((value) => (value instanceof Argument ? value.name : undefined));

  async function execute(executor: Kysely<any>, args: A): Promise<O[]> {
    const parameters = slots.map((name, i) => (name === undefined ? compiled.parameters[i] : args[name]));
    const result = await executor.executeQuery<O>({ ...compiled, parameters });
    return result.rows;
  }

  return {
    execute,
    async takeFirst(executor, args) {
      return (await execute(executor, args))[0];
    },
  };
}
