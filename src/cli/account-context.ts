import type { Command } from 'commander';
import type { Actor } from '../access/access.service.js';
import type { AccountRow } from '../accounts/account.repository.js';
import { AppError } from '../errors.js';
import { UsageError, withContext, type CliContext, type GlobalOptions } from './context.js';

/** The audit log's source address for anything done from the command line. */
export const CLI_SOURCE = 'cli';

export type AccountOptions = GlobalOptions & { account: string; as?: string };

export type AccountContext = CliContext & { account: AccountRow; actor: Actor };

/** Adds a sub-command taking `--db` and `--account NAME` (and, with `withAs`, `--as EMAIL`). */
export function accountCommand(parent: Command, name: string, description: string, options: { withAs?: boolean } = {}): Command {
  const command = parent
    .command(name)
    .description(description)
    .requiredOption('--account <name>', 'account name')
    .option('--db <path|url>', 'SQLite file or postgres:// URL');
  if (options.withAs) command.option('--as <email>', 'act as this user of the account (default: the system, with full rights)');
  return command;
}

/**
 * Opens the database, finds the account and the actor: the named user with `--as`, otherwise the system
 * actor (the deployment's operator), which the audit log records as `system (CLI)`.
 */
export async function withAccount<T>(options: AccountOptions, work: (ctx: AccountContext) => Promise<T>): Promise<T> {
  return withContext(options, async (ctx) => {
    const account = await ctx.services.accounts.require(options.account);
    let actor = ctx.services.access.systemActor(account.id);
    if (options.as !== undefined) {
      const user = await ctx.services.repos.users.findByEmail(options.as);
      if (!user || user.account_id !== account.id) throw new AppError('invalidValue', `no user "${options.as}" in account "${account.name}"`);
      actor = await ctx.services.access.actorFor(user);
    }
    return work({ ...ctx, account, actor });
  });
}

/** `1,2,3` → ids; an empty text is an empty list. */
export function parseIdList(flag: string) {
  return (value: string): number[] => {
    const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
    if (parts.some((p) => !/^\d{1,15}$/.test(p))) throw new UsageError(`${flag} takes client ids separated by commas, e.g. 12,15`);
    return parts.map(Number);
  };
}

export function parseNameList(value: string): string[] {
  return value.split(',').map((p) => p.trim()).filter(Boolean);
}

/** Epoch seconds → `2026-11-26 14:30:00Z`, or `-`. */
export function formatTime(seconds: number | null): string {
  return seconds === null ? '-' : new Date(seconds * 1000).toISOString().replace('T', ' ').replace('.000Z', 'Z');
}

/** Prints rows as aligned columns under a header. */
export function printTable(header: string[], rows: (string | number)[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells: (string | number)[]) => cells.map((c, i) => String(c).padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
