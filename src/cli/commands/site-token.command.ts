import type { Command } from 'commander';
import type { Scope } from '../../access/scope.js';
import { SITE_TOKEN_DEFAULT_DAYS } from '../../sites/site-token.service.js';
import { UsageError, parsePositiveInt } from '../context.js';
import { CLI_SOURCE, accountCommand, formatTime, printTable, withAccount, type AccountOptions } from '../account-context.js';

type SiteOptions = AccountOptions & { site: number };

/** The operator sees every client of the account. */
const accountScope = (accountId: number): Scope => ({ accountId, clientGroupId: null });

function siteCommand(parent: Command, name: string, description: string): Command {
  return accountCommand(parent, name, description).requiredOption('--site <id>', 'site id', parsePositiveInt('--site', Number.MAX_SAFE_INTEGER));
}

/** `site-token create|list|revoke`: the enrolment tokens installation packages carry. */
export function registerSiteToken(program: Command): void {
  const siteToken = program.command('site-token').description('Site enrolment tokens: what installation packages carry to enrol devices into a site');

  siteCommand(siteToken, 'create', `Create a token for a site (valid ${SITE_TOKEN_DEFAULT_DAYS} days unless --expires). Prints the token alone on the last line`)
    .option('--expires <iso>', 'expiry time, e.g. 2027-01-31T00:00:00Z')
    .action(async (options: SiteOptions & { expires?: string }) => {
      const expiresAt = options.expires === undefined ? undefined : new Date(options.expires);
      if (expiresAt && Number.isNaN(expiresAt.getTime())) throw new UsageError('--expires takes an ISO 8601 time, e.g. 2027-01-31T00:00:00Z');
      await withAccount(options, async ({ services, account, actor }) => {
        const created = await services.siteTokens.create(actor, accountScope(account.id), CLI_SOURCE, options.site, { expiresAt });
        console.log(`New enrolment token ${created.prefix}… for site ${created.siteId} of "${account.name}", expires ${formatTime(created.expiresAt)}. It is shown only now:`);
        console.log(created.token);
      });
    });

  siteCommand(siteToken, 'list', "List a site's tokens (prefix, dates, state; never the token)").action(async (options: SiteOptions) => {
    await withAccount(options, async ({ services, account, actor }) => {
      const rows = await services.siteTokens.list(actor, accountScope(account.id), options.site);
      printTable(
        ['PREFIX', 'STATE', 'CREATED', 'BY', 'EXPIRES', 'LAST USED', 'REVOKED'],
        rows.map((t) => [t.prefix, t.state, formatTime(t.created_at), t.created_by, formatTime(t.expires_at), formatTime(t.last_used_at), formatTime(t.revoked_at)]),
      );
    });
  });

  siteCommand(siteToken, 'revoke', 'Revoke a token by its prefix: devices can no longer enrol with it (enrolled devices keep working)')
    .requiredOption('--prefix <prefix>', 'the token prefix, as list shows it (slt_ and 8 characters)')
    .action(async (options: SiteOptions & { prefix: string }) => {
      await withAccount(options, async ({ services, account, actor }) => {
        const prefix = options.prefix.replace(/…$/, '');
        await services.siteTokens.revoke(actor, accountScope(account.id), CLI_SOURCE, options.site, prefix);
        console.log(`Token ${prefix}… of site ${options.site} revoked`);
      });
    });
}
