import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { objectLiteralOf } from './object-literal.js';

/**
 * How Sightline talks to PostgreSQL (dialect.ts hands this pool to Kysely). Three things, each measured
 * in docs/performance.md:
 * - Queries outside a transaction share a few *pipelined* connections: each is written at once behind
 *   those already in flight, and those written in one tick leave in one packet. PostgreSQL then reads
 *   several per wake-up and Node several answers per read: half the CPU per query on both sides with 8
 *   in flight, and a process needs a few backends instead of one per concurrent query.
 * - A transaction takes a connection of its own (from an ordinary pool) from its `begin` to its release.
 * - Parameterised statements are prepared once per connection under a name (PostgreSQL then neither
 *   parses nor, once it keeps a generic plan, plans them again), and rows are built from arrays.
 */
export function createPostgresPool(url: string, options: { transactions: number; shared: number }): PostgresPool {
  const transactions = new pg.Pool({ connectionString: url, max: options.transactions });
  // (Named for what takes them most: transactions; also any session with state of its own, see OWN_CONNECTION.)
  // An idle connection PostgreSQL ended (a restart, a terminated backend): pg-pool drops it and re-emits
  // the error on the pool, where without a listener it would end the process. The next transaction opens another.
  transactions.on('error', () => undefined);
  const runners = new WeakMap<pg.ClientBase, Runner>();
  const runnerOf = (client: pg.ClientBase) => {
    let runner = runners.get(client);
    if (!runner) runners.set(client, (runner = preparingRunner(client)));
    return runner;
  };

  type Shared = { client: pg.Client; ready: Promise<unknown>; inFlight: number };
  const shared: Shared[] = [];
  const open = (): Shared => {
    const client = new pg.Client({ connectionString: url, pipeline: true });
    const connection: Shared = { client, ready: client.connect(), inFlight: 0 };
    // A lost connection fails the queries in flight on it (pg rejects them); the next ones open another.
    const drop = () => {
      const at = shared.indexOf(connection);
      if (at >= 0) shared.splice(at, 1);
    };
    client.on('error', drop).on('end', drop);
    connection.ready.catch(drop);
    shared.push(connection);
    return connection;
  };
  /** The shared connection with the fewest queries in flight (another is opened while there is room). */
  const sharedConnection = (): Shared => {
    let best: Shared | undefined;
    for (const c of shared) if (!best || c.inFlight < best.inFlight) best = c;
    return best && (best.inFlight === 0 || shared.length >= options.shared) ? best : open();
  };
  const runShared = async (text: string, values: readonly unknown[]) => {
    const connection = sharedConnection();
    connection.inFlight++;
    try {
      await connection.ready;
      corkUntilNextTick(connection.client);
      return await runnerOf(connection.client)(text, values);
    } finally {
      connection.inFlight--;
    }
  };

  /**
   * What Kysely holds between acquiring and releasing a connection. Nothing is taken until a query needs
   * it: one that starts a transaction or leaves state on the session takes a connection of its own until
   * the release (Kysely's migrator takes a session lock on `db.connection()`, then runs a transaction and
   * unlocks on it); any other runs on a shared one.
   */
  const handle = (): PostgresPoolClient => {
    let own: pg.PoolClient | undefined;
    const query = async (text: string, values: readonly unknown[] = []) => {
      if (!own && OWN_CONNECTION.test(text)) own = await transactions.connect();
      return own ? runnerOf(own)(text, values) : runShared(text, values);
    };
    return {
      query,
      release(destroy?: boolean) {
        own?.release(destroy);
        own = undefined;
        idle.push(this as PostgresPoolClient);
      },
    } as unknown as PostgresPoolClient;
  };
  const idle: PostgresPoolClient[] = []; // released handles, reused (Kysely keeps state per handle object)

  return {
    connect: async () => idle.pop() ?? handle(),
    async end() {
      await transactions.end();
      await Promise.all(shared.splice(0).map((c) => c.client.end().catch(() => undefined)));
    },
  };
}

/**
 * Statements that need a connection of their own: the start of a transaction (`begin`, or `start
 * transaction` with an isolation level), and those whose effect stays on the session: settings, session
 * advisory locks, LISTEN, temporary tables.
 */
const OWN_CONNECTION = /^\s*(begin|start\s+transaction|set\s|reset\s|listen\s|create\s+(temp|temporary)\s)|pg_(try_)?advisory_lock(_shared)?\s*\(|set_config\s*\(/i;

/**
 * Holds a connection's writes until the end of this tick, so the queries submitted in it leave in one
 * packet (pg corks around each query's own messages; corks nest).
 */
function corkUntilNextTick(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: NodeJS.WritableStream & { cork?(): void; uncork?(): void; writableCorked?: number } } }).connection?.stream;
  if (!stream?.cork || !stream.uncork || stream.writableCorked) return;
  stream.cork();
  process.nextTick(() => stream.uncork!());
}

type Runner = (text: string, values: readonly unknown[]) => Promise<{ command: string; rowCount: number | null; rows: Record<string, unknown>[] }>;

/** Named prepared statements one PostgreSQL connection keeps (the least recently used is deallocated). */
export const PG_STATEMENTS_PER_CONNECTION = 200;
/**
 * Statements with more parameters than this are sent unnamed: their texts vary with the size of a list
 * (IN lists, multi-row VALUES), so keeping each would only churn the cache.
 */
const PG_STATEMENT_MAX_PARAMETERS = 64;

/**
 * Runs queries on one connection, parameterised ones as named statements: Kysely's driver sends every
 * query unnamed, so PostgreSQL would parse, analyse and plan it anew on every call. Repositories build the
 * same SQL text for every call, so the connection prepares a text once under a name of its own; later
 * calls only bind and execute, and PostgreSQL settles on a generic plan where it is as good. At most
 * PG_STATEMENTS_PER_CONNECTION are kept.
 */
function preparingRunner(client: pg.ClientBase): Runner {
  const names = new Map<string, string>(); // SQL text → statement name, in order of last use
  let prepared = 0;
  // pg's record of what this connection has prepared or sent to prepare (a name there is bound without
  // parsing): a name leaves it when deallocated. Names are never reused, so a stale entry is harmless.
  const connection = (client as unknown as { connection?: { parsedStatements?: Record<string, string>; submittedNamedStatements?: Record<string, string> } }).connection;
  const parsed = connection?.parsedStatements ?? {};
  const submitted = connection?.submittedNamedStatements ?? {};

  const forget = (text: string, name: string) => {
    names.delete(text);
    if (parsed[name] === undefined && submitted[name] === undefined) return; // its Parse failed: nothing to deallocate
    delete parsed[name];
    delete submitted[name];
    // Queued on this connection behind every query already sent with it, so nothing waits for it;
    // inside a transaction that has already failed it fails too, harmlessly (the statement then lives
    // as long as the connection).
    client.query(`deallocate ${name}`).catch(() => undefined);
  };

  const named = async (text: string, values: unknown[], retry = true): Promise<pg.QueryResult<unknown[]>> => {
    let name = names.get(text);
    if (name !== undefined) {
      names.delete(text);
    } else {
      if (names.size >= PG_STATEMENTS_PER_CONNECTION) {
        const [oldText, oldName] = names.entries().next().value!;
        forget(oldText, oldName);
      }
      name = `sightline_${++prepared}`;
    }
    names.set(text, name);
    try {
      return await client.query({ name, text, values, rowMode: 'array' });
    } catch (error) {
      // "cached plan must not change result type": a table changed under a `select *` (a migration run by
      // a newer process). Prepare it afresh, and retry at once unless a transaction has already failed.
      if ((error as { code?: string }).code !== '0A000') throw error;
      forget(text, name);
      if (!retry || client.getTransactionStatus() === 'E') throw error;
      return named(text, values, false);
    }
  };

  return async (text, values) => {
    // No parameters: pg uses the simple protocol (begin, commit, fixed queries); a long list: see above.
    const result =
      values.length === 0 || values.length > PG_STATEMENT_MAX_PARAMETERS
        ? await client.query<unknown[]>({ text, values: values as unknown[], rowMode: 'array' })
        : await named(text, values as unknown[]);
    return { command: result.command, rowCount: result.rowCount, rows: objectsOf(result) };
  };
}

/** Row builders kept, one per list of column names (beyond this, rows are built by a plain loop). */
const ROW_BUILDERS = 2000;
const rowBuilders = new Map<string, (values: unknown[]) => Record<string, unknown>>();

/**
 * The rows of a result (fetched as arrays) as objects. pg builds each object by copying an empty one and
 * assigning every column by name; a builder compiled per list of columns (an object literal with those
 * keys) makes objects of one shape for ~10 % less CPU on a list of a few hundred wide rows (measured:
 * 442 rows of 64 columns, 5.0 -> 4.5 ms). The same objects: keys in column order, a later duplicate
 * name winning.
 */
function objectsOf(result: pg.QueryResult<unknown[]>): Record<string, unknown>[] {
  if (result.rows.length === 0) return [];
  const names = result.fields.map((field) => field.name);
  const key = names.join('\u0000');
  let build = rowBuilders.get(key);
  if (!build) {
    // A `__proto__` key in an object literal would set the prototype: such rows take the plain loop.
    build = rowBuilders.size < ROW_BUILDERS && !names.includes('__proto__')
      ? objectLiteralOf(names)
      : (values) => {
          const row: Record<string, unknown> = {};
          for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
          return row;
        };
    if (rowBuilders.size < ROW_BUILDERS) rowBuilders.set(key, build);
  }
  return result.rows.map(build);
}
