import { spawn } from 'node:child_process';
import pg from 'pg';
import { MIGRATION_TABLE, migrationStatus, type MigrationStatus } from './migrate.js';

/**
 * PostgreSQL backups are PostgreSQL's own tools, run for the operator: `pg_dump --format=custom` (a
 * consistent snapshot in one transaction, taken while the servers keep writing) and `pg_restore`. They
 * must be on PATH, of the server's major version or newer (Debian: postgresql-client). The password of a
 * URL goes to them in PGPASSWORD, never on a command line other users can read in `ps`.
 */

/** Thrown when a PostgreSQL tool is missing or fails; its message is meant for the operator as it is. */
export class PostgresToolError extends Error {}

/** `pg_dump --format=custom` of the database at `url` into `file`. */
export async function dumpPostgres(url: string, file: string): Promise<void> {
  await runTool('pg_dump', ['--format=custom', '--no-owner', '--file', file], url);
}

/** The migrations recorded in a dump, read back with `pg_restore` (no database needed); null when it has no migrations table. */
export async function migrationsInDump(file: string): Promise<MigrationStatus | null> {
  const list = await runTool('pg_restore', ['--list', file]);
  if (!new RegExp(`TABLE DATA public ${MIGRATION_TABLE} `).test(list)) return null;
  const data = await runTool('pg_restore', ['--data-only', '--table', MIGRATION_TABLE, '--file', '-', file]);
  // The table's rows as COPY text: one tab-separated line per row, name first, between "COPY … FROM stdin;" and "\.".
  const copy = /^COPY [^\n]*FROM stdin;\n([\s\S]*?)^\\\.$/m.exec(data);
  const names = (copy?.[1] ?? '').split('\n').filter(Boolean).map((line) => line.split('\t')[0]!);
  return migrationStatus(names);
}

/** What restoring into the database at `url` would replace: its Sightline tables, and other sessions connected to it. */
export async function postgresTarget(url: string): Promise<{ hasSightline: boolean; otherSessions: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query('select to_regclass($1) is not null as present', [`public.${MIGRATION_TABLE}`]);
    const sessions = await client.query('select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    return { hasSightline: Boolean(table.rows[0].present), otherSessions: Number(sessions.rows[0].n) };
  } finally {
    await client.end();
  }
}

/**
 * `pg_restore` of a custom-format dump into the database at `url`, in one transaction (all or nothing);
 * with `replace`, the dump's objects are dropped first (`--clean --if-exists`).
 */
export async function restorePostgres(file: string, url: string, options: { replace: boolean }): Promise<void> {
  const clean = options.replace ? ['--clean', '--if-exists'] : [];
  await runTool('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', ...clean, file], url);
}

/** Runs a PostgreSQL client tool (with `--dbname` from `url` when given) and returns its standard output. */
function runTool(tool: string, args: string[], url?: string): Promise<string> {
  const env = { ...process.env };
  const dbArgs: string[] = [];
  if (url) {
    const parsed = new URL(url);
    if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
    parsed.password = '';
    dbArgs.push('--dbname', parsed.toString());
  }
  return new Promise((resolve, reject) => {
    const child = spawn(tool, [...args, ...dbArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT'
        ? new PostgresToolError(`${tool} is not on PATH: install PostgreSQL's client tools (Debian: apt-get install postgresql-client), of the server's major version or newer`)
        : error);
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(new PostgresToolError(`${tool} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ') || 'no message'}`));
    });
  });
}
