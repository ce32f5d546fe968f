import type { Command } from 'commander';
import { UsageError } from '../context.js';
import { CLI_SOURCE, accountCommand, withAccount, type AccountOptions } from '../account-context.js';

export function registerApiKey(program: Command): void {
  const apikey = program.command('apikey').description("Manage an account's API key (the Agent Key user's key)");

  accountCommand(apikey, 'regenerate', 'Generate a new API key; the old one stops working at once. Prints the key alone on the last line', { withAs: true })
    .action(async (options: AccountOptions) => {
      await withAccount(options, async ({ services, account, actor }) => {
        const key = await services.apiKeys.generate(actor, CLI_SOURCE);
        const url = await services.apiKeys.queryUrlOf(account.id);
        console.log(`New API key for "${account.name}" (the previous key no longer works). Query: ${url}`);
        console.log(key);
      });
    });

  accountCommand(apikey, 'revoke', 'Remove the API key: every call with it fails from now on', { withAs: true })
    .action(async (options: AccountOptions) => {
      await withAccount(options, async ({ services, account, actor }) => {
        const revoked = await services.apiKeys.revoke(actor, CLI_SOURCE);
        console.log(revoked ? `API key of "${account.name}" revoked` : `"${account.name}" had no API key`);
      });
    });

  accountCommand(apikey, 'email', 'Email the API key and the URL to query; KEY must be the current key', { withAs: true })
    .requiredOption('--to <address>', 'recipient')
    .requiredOption('--key <key>', 'the current API key (it is stored only as a hash)')
    .action(async (options: AccountOptions & { to: string; key: string }) => {
      await withAccount(options, async ({ services, actor }) => {
        // Without SMTP the service refuses (the key is never kept in the outbox), so reaching here means sent.
        await services.apiKeys.email(actor, CLI_SOURCE, { to: options.to, key: options.key });
        console.log(`API token sent to ${options.to}`);
      });
    });

  accountCommand(apikey, 'allow-networks', 'Restrict API calls (account key and personal keys) to these CIDR networks', { withAs: true })
    .option('--networks <list>', 'comma-separated CIDR networks, e.g. 203.0.113.0/24,2001:db8::/32')
    .option('--any', 'remove the restriction')
    .action(async (options: AccountOptions & { networks?: string; any?: boolean }) => {
      if ((options.networks === undefined) === !options.any) throw new UsageError('give exactly one of --networks LIST or --any');
      await withAccount(options, async ({ services, actor }) => {
        const saved = await services.apiKeys.setAllowedNetworks(actor, CLI_SOURCE, options.any ? null : options.networks!);
        console.log(saved ? `API calls allowed from: ${saved}` : 'API calls allowed from any address');
      });
    });
}
