import type { Command } from 'commander';
import { withContext, type GlobalOptions } from '../context.js';

export function registerApiKey(program: Command): void {
  const apikey = program.command('apikey').description("Manage an account's API key (the Agent Key user's key)");
  apikey
    .command('regenerate')
    .description('Generate a new API key; the old one stops working at once. Prints the key alone on the last line')
    .requiredOption('--account <name>', 'account name')
    .option('--db <path|url>', 'SQLite file or postgres:// URL')
    .action(async (options: GlobalOptions & { account: string }) => {
      await withContext(options, async ({ services, config }) => {
        const account = await services.accounts.require(options.account);
        const key = await services.apiKeys.regenerate(account.id, null);
        console.log(`New API key for "${account.name}" (the previous key no longer works). Query: ${config.publicUrl}/api/`);
        console.log(key);
      });
    });
}
