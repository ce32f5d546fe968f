import type { Command } from 'commander';
import { UsageError } from '../context.js';
import { CLI_SOURCE, accountCommand, formatTime, parseIdList, parseNameList, printTable, withAccount, type AccountOptions } from '../account-context.js';

/** `user`, `group`, `role`, `agent-key`, `keys`, `audit` and `outbox`: the access model from the command line. */
export function registerAccess(program: Command): void {
  const user = program.command('user').description('Users of an account (Staff and Client)');
  accountCommand(user, 'add', 'Add a user. ROLE: superuser, administrator, administrator-classic, standard, standard-classic, client, or a custom role name')
    .requiredOption('--email <email>', 'email address (the user name)')
    .requiredOption('--role <role>', 'role')
    .option('--password <password>', 'password (8+ characters, no spaces, upper, lower and digit); without it the user cannot log in yet')
    .option('--group <name>', 'client group (default: All Clients)')
    .option('--client', 'a Client user (takes the client role or a custom role derived from it)')
    .action(async (options: AccountOptions & { email: string; role: string; password?: string; group?: string; client?: boolean }) => {
      await withAccount(options, async ({ services, actor }) => {
        const added = await services.users.add(actor, CLI_SOURCE, options);
        console.log(`Added ${added.user_type} user ${added.email}`);
      });
    });

  accountCommand(user, 'list', 'List users with role, group and dashboard access').action(async (options: AccountOptions) => {
    await withAccount(options, async ({ services, actor }) => {
      const rows = await services.users.list(actor);
      printTable(
        ['EMAIL', 'TYPE', 'ROLE', 'GROUP', 'DASHBOARD', 'ACTIVE'],
        rows.map((u) => [u.email, u.isAgentKey ? 'agent-key' : u.userType, u.role, u.group, u.dashboardAccess ? 'on' : 'off', u.active ? 'yes' : 'no']),
      );
    });
  });

  accountCommand(user, 'set-group', "Move a user (or the Agent Key: --user agent-key) to a client group; its keys see the new group at once")
    .requiredOption('--user <email|agent-key>', 'the user')
    .requiredOption('--group <name>', 'client group')
    .action(async (options: AccountOptions & { user: string; group: string }) => {
      await withAccount(options, async ({ services, actor }) => {
        await services.users.setGroup(actor, CLI_SOURCE, options.user, options.group);
        console.log(`${options.user} is now in client group "${options.group}"`);
      });
    });

  accountCommand(user, 'set-role', "Change a user's role (not the Agent Key's)")
    .requiredOption('--user <email>', 'the user')
    .requiredOption('--role <role>', 'role')
    .action(async (options: AccountOptions & { user: string; role: string }) => {
      await withAccount(options, async ({ services, actor }) => {
        await services.users.setRole(actor, CLI_SOURCE, options.user, options.role);
        console.log(`${options.user} now has role ${options.role}`);
      });
    });

  accountCommand(user, 'delete', 'Delete a user (the Agent Key cannot be deleted)')
    .requiredOption('--user <email>', 'the user')
    .action(async (options: AccountOptions & { user: string }) => {
      await withAccount(options, async ({ services, actor }) => {
        await services.users.remove(actor, CLI_SOURCE, options.user);
        console.log(`Deleted ${options.user}`);
      });
    });

  const group = program.command('group').description('Client groups (All Clients is built in and always holds every client)');
  accountCommand(group, 'create', 'Create a client group')
    .requiredOption('--name <name>', 'group name')
    .option('--clients <ids>', 'client ids separated by commas', parseIdList('--clients'), [])
    .action(async (options: AccountOptions & { name: string; clients: number[] }) => {
      await withAccount(options, async ({ services, actor }) => {
        await services.clientGroups.create(actor, CLI_SOURCE, { name: options.name, clientIds: options.clients });
        console.log(`Created client group "${options.name}" with ${options.clients.length} client(s)`);
      });
    });

  accountCommand(group, 'set-clients', "Replace a group's clients")
    .requiredOption('--name <name>', 'group name')
    .requiredOption('--clients <ids>', 'client ids separated by commas (empty for none)', parseIdList('--clients'))
    .action(async (options: AccountOptions & { name: string; clients: number[] }) => {
      await withAccount(options, async ({ services, actor }) => {
        await services.clientGroups.setClients(actor, CLI_SOURCE, options.name, options.clients);
        console.log(`Client group "${options.name}" now holds ${options.clients.length} client(s)`);
      });
    });

  accountCommand(group, 'rename', 'Rename a client group')
    .requiredOption('--name <name>', 'group name')
    .requiredOption('--to <name>', 'new name')
    .action(async (options: AccountOptions & { name: string; to: string }) => {
      await withAccount(options, async ({ services, actor }) => {
        await services.clientGroups.rename(actor, CLI_SOURCE, options.name, options.to);
        console.log(`Renamed client group "${options.name}" to "${options.to}"`);
      });
    });

  accountCommand(group, 'delete', 'Delete a client group no user belongs to')
    .requiredOption('--name <name>', 'group name')
    .action(async (options: AccountOptions & { name: string }) => {
      await withAccount(options, async ({ services, actor }) => {
        await services.clientGroups.remove(actor, CLI_SOURCE, options.name);
        console.log(`Deleted client group "${options.name}"`);
      });
    });

  accountCommand(group, 'list', 'List client groups with their clients and users').action(async (options: AccountOptions) => {
    await withAccount(options, async ({ services, actor }) => {
      const rows = await services.clientGroups.list(actor);
      printTable(
        ['NAME', 'CLIENTS', 'USERS', 'CLIENT IDS'],
        rows.map((g) => [g.name, g.client_count, g.user_count, g.clientIds === null ? '(every client)' : g.clientIds.join(',') || '-']),
      );
    });
  });

  const role = program.command('role').description('Custom roles: a system role with Allow/Deny per permission');
  accountCommand(role, 'create', 'Create a custom role')
    .requiredOption('--name <name>', 'role name')
    .requiredOption('--base <role>', 'system role it derives from')
    .option('--allow <permissions>', 'permissions to allow, comma-separated (e.g. "Clients,Sites")', parseNameList, [])
    .option('--deny <permissions>', 'permissions to deny, comma-separated', parseNameList, [])
    .action(async (options: AccountOptions & { name: string; base: string; allow: string[]; deny: string[] }) => {
      await withAccount(options, async ({ services, actor }) => {
        await services.roles.create(actor, CLI_SOURCE, options);
        console.log(`Created role "${options.name}"`);
      });
    });

  accountCommand(role, 'list', 'List custom roles with their effective permissions').action(async (options: AccountOptions) => {
    await withAccount(options, async ({ services, actor }) => {
      printTable(['NAME', 'BASE', 'PERMISSIONS'], (await services.roles.list(actor)).map((r) => [r.name, r.base, r.permissions.join(', ') || '-']));
    });
  });

  const agentKey = program.command('agent-key').description('The built-in Agent Key user');
  accountCommand(agentKey, 'access', 'Turn the Agent Key\'s dashboard access on or off (the API key keeps working either way)')
    .option('--enable', 'allow dashboard login')
    .option('--disable', 'block dashboard login')
    .action(async (options: AccountOptions & { enable?: boolean; disable?: boolean }) => {
      if (Boolean(options.enable) === Boolean(options.disable)) throw new UsageError('give exactly one of --enable or --disable');
      await withAccount(options, async ({ services, actor }) => {
        await services.users.setAgentKeyDashboardAccess(actor, CLI_SOURCE, Boolean(options.enable));
        console.log(`Agent Key dashboard access ${options.enable ? 'enabled' : 'disabled'}`);
      });
    });

  const keys = program.command('keys').description('Named personal API keys (slk_…)');
  accountCommand(keys, 'create', 'Create a personal API key for a user. Prints the key alone on the last line')
    .requiredOption('--user <email>', 'the user the key acts as')
    .requiredOption('--name <name>', 'key name')
    .option('--scope <scope>', 'read or read-write', 'read')
    .option('--expires <iso>', 'expiry time, ISO 8601 (e.g. 2027-01-31T00:00:00Z)')
    .action(async (options: AccountOptions & { user: string; name: string; scope: string; expires?: string }) => {
      let expiresAt: Date | null = null;
      if (options.expires !== undefined) {
        expiresAt = new Date(options.expires);
        if (!/^\d{4}-\d{2}-\d{2}/.test(options.expires) || Number.isNaN(expiresAt.getTime())) throw new UsageError('--expires takes an ISO 8601 time, e.g. 2027-01-31T00:00:00Z');
      }
      await withAccount(options, async ({ services, actor, account }) => {
        const owner = await services.users.find(account.id, options.user);
        const created = await services.personalKeys.create(actor, CLI_SOURCE, owner, { name: options.name, scope: options.scope, expiresAt });
        console.log(`Personal key "${created.name}" for ${owner.email} (${created.scope}, expires ${formatTime(created.expiresAt)}); shown once:`);
        console.log(created.key);
      });
    });

  accountCommand(keys, 'list', "List a user's personal API keys")
    .requiredOption('--user <email>', 'the user')
    .action(async (options: AccountOptions & { user: string }) => {
      await withAccount(options, async ({ services, actor, account }) => {
        const owner = await services.users.find(account.id, options.user);
        const rows = await services.personalKeys.list(actor, owner);
        printTable(
          ['NAME', 'PREFIX', 'SCOPE', 'CREATED', 'LAST USED', 'EXPIRES', 'CALLS'],
          rows.map((k) => [k.name, `${k.prefix}…`, k.scope, formatTime(k.created_at), formatTime(k.last_used_at), formatTime(k.expires_at),
            Object.entries(k.usage).map(([s, n]) => `${s}=${n}`).join(' ') || '-']),
        );
      });
    });

  accountCommand(keys, 'revoke', 'Revoke one personal API key')
    .requiredOption('--user <email>', 'the user')
    .requiredOption('--name <name>', 'key name')
    .action(async (options: AccountOptions & { user: string; name: string }) => {
      await withAccount(options, async ({ services, actor, account }) => {
        const owner = await services.users.find(account.id, options.user);
        await services.personalKeys.revoke(actor, CLI_SOURCE, owner, options.name);
        console.log(`Revoked key "${options.name}" of ${owner.email}`);
      });
    });

  const audit = program.command('audit').description("The account's audit log");
  accountCommand(audit, 'list', 'Newest entries first')
    .option('--limit <n>', 'entries to show', (v: string) => {
      if (!/^\d{1,5}$/.test(v) || Number(v) < 1) throw new UsageError('--limit must be a whole number from 1 to 99999');
      return Number(v);
    }, 50)
    .action(async (options: AccountOptions & { limit: number }) => {
      await withAccount(options, async ({ services, account }) => {
        const rows = await services.audit.list(account.id, options.limit);
        printTable(['TIME', 'ACTOR', 'ADDRESS', 'ACTION', 'DETAIL'], rows.map((e) => [formatTime(e.created_at), e.actor_label, e.source_address, e.action, e.detail]));
      });
    });

  const outbox = program.command('outbox').description('Mail kept because no SMTP server is configured (SIGHTLINE_SMTP_URL)');
  accountCommand(outbox, 'list', 'Newest first, with full text').action(async (options: AccountOptions) => {
    await withAccount(options, async ({ services, account }) => {
      const rows = await services.repos.outbox.list(account.id, 100);
      if (rows.length === 0) console.log('The outbox is empty');
      for (const m of rows) {
        console.log(`--- #${m.id} ${formatTime(m.created_at)}\nTo: ${m.recipient}\nSubject: ${m.subject}\n\n${m.body}\n`);
      }
    });
  });
}
