import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { epochSeconds, systemClock } from '../../lib/clock.js';
import { seedDemoData } from '../../seed/demo-generator.js';
import { parsePositiveInt, withContext, type GlobalOptions } from '../context.js';

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('Create the account if missing and add deterministic demo data (clients, sites, devices, checks, outages)')
    .requiredOption('--account <name>', 'account to fill')
    .option('--db <path|url>', 'SQLite file or postgres:// URL')
    .option('--clients <n>', 'number of clients', parsePositiveInt('--clients', 100_000), 10)
    .option('--devices <n>', 'total number of devices, spread unevenly over the clients', parsePositiveInt('--devices', 1_000_000), 200)
    .option('--seed <s>', 'seed of the generator: same seed, same data', 'sightline')
    .action(async (options: GlobalOptions & { account: string; clients: number; devices: number; seed: string }) => {
      await withContext(options, async ({ services, database }) => {
        const { account, created } = await services.accounts.findOrCreate(options.account);
        console.log(`${created ? 'Created' : 'Adding to'} account "${account.name}" in ${database.location}`);
        const bar = new SingleBar(
          { format: 'Seeding [{bar}] {percentage}% | {value}/{total} devices | {duration}s', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 5000 },
          Presets.shades_classic,
        );
        const started = performance.now();
        bar.start(options.devices, 0);
        const summary = await seedDemoData(services.seedRepository, {
          accountId: account.id,
          clients: options.clients,
          devices: options.devices,
          seed: options.seed,
          now: epochSeconds(systemClock),
          onProgress: (done) => bar.update(done),
        });
        bar.stop();
        await database.refreshStatistics();
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        console.log(
          `Seeded ${summary.clients} clients, ${summary.sites} sites, ${summary.devices} devices, ${summary.checks} checks, ${summary.outages} outages in ${seconds}s`,
        );
      });
    });
}
