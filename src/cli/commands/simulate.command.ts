import type { Command } from 'commander';
import type { Scope } from '../../access/scope.js';
import { simulateFleet, type SimulationProgress, type SiteToken } from '../../simulator/fleet-simulator.js';
import { parsePositiveInt, UsageError } from '../context.js';
import { CLI_SOURCE, accountCommand, withAccount, type AccountContext, type AccountOptions } from '../account-context.js';

type SimulateOptions = AccountOptions & {
  url: string;
  devices: number;
  clients?: number;
  duration: number;
  rate?: number;
  failRate: number;
  concurrency: number;
  json?: boolean;
};

/** Site tokens made for a simulation live an hour: long enough to enrol, short enough not to linger. */
const TOKEN_LIFETIME_SECONDS = 3600;

/**
 * `simulate`: a fleet of simulated devices that enrol and report through the real HTTP protocol of a
 * running server. The database is opened only to make site enrolment tokens (as an installation package
 * would carry), then closed: everything after that goes over HTTP, exactly as agents send it.
 */
export function registerSimulate(program: Command): void {
  accountCommand(program, 'simulate', 'Enrol N simulated devices with a running server and report on schedule until --duration has passed')
    .requiredOption('--url <url>', 'the running server, e.g. http://127.0.0.1:8080')
    .requiredOption('--devices <n>', 'devices to enrol (a second run enrols N more)', parsePositiveInt('--devices', 1_000_000))
    .option('--clients <n>', "spread the devices over the sites of the account's first N clients (default: all)", parsePositiveInt('--clients', 100_000))
    .option('--duration <seconds>', 'seconds to keep reporting after enrolment', parsePositiveInt('--duration', 31 * 86400), 60)
    .option('--rate <reports>', 'reports per second across the fleet (default: each device at its configured interval)', parseRate)
    .option('--fail-rate <p>', 'chance per report that a passing check starts failing (0 to 1)', parseProbability, 0.004)
    .option('--concurrency <n>', 'requests in flight at once', parsePositiveInt('--concurrency', 1024), 32)
    .option('--json', 'print the final figures as one JSON line on standard output')
    .action(async (options: SimulateOptions) => {
      let url: URL;
      try {
        url = new URL(options.url);
      } catch {
        throw new UsageError('--url takes the server URL, e.g. http://127.0.0.1:8080');
      }
      const sites = await withAccount(options, (ctx) => siteTokensFor(ctx, options.clients));
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
      try {
        const final = await simulateFleet({
          url: url.origin,
          sites,
          devices: options.devices,
          durationSeconds: options.duration,
          rate: options.rate,
          failRate: options.failRate,
          concurrency: options.concurrency,
          signal: stop.signal,
          onProgress: (p) => process.stderr.write(`${progressLine(p)}\n`),
        });
        process.stderr.write(`${progressLine(final)}\n`);
        if (options.json) console.log(JSON.stringify(final));
        else console.log(`Simulated ${final.enrolled} devices: ${final.reports} reports, ${final.checkResults} check results, ${final.commands} commands, ${final.errors} errors`);
        if (final.enrolled === 0) throw new UsageError(`no device could enrol: ${final.lastError ?? 'unknown error'}`);
      } finally {
        process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      }
    });
}

/** One fresh enrolment token per site of the account's first `clients` clients (by id). */
async function siteTokensFor({ services, account, actor }: AccountContext, clients: number | undefined): Promise<SiteToken[]> {
  const scope: Scope = { accountId: account.id, clientGroupId: null };
  const chosen = (await services.repos.clients.listForTree(scope)).sort((a, b) => a.id - b.id).slice(0, clients);
  const expiresAt = new Date(Date.now() + TOKEN_LIFETIME_SECONDS * 1000);
  const tokens: SiteToken[] = [];
  for (const client of chosen) {
    for (const site of await services.repos.sites.listByClientByName(scope, client.id)) {
      const created = await services.siteTokens.create(actor, scope, CLI_SOURCE, site.id, { expiresAt });
      tokens.push({ siteId: site.id, token: created.token });
    }
  }
  if (tokens.length === 0) throw new UsageError(`account "${account.name}" has no site to enrol devices in: add a client and a site first (or run seed)`);
  return tokens;
}

function progressLine(p: SimulationProgress): string {
  const perSecond = p.reportSeconds > 0 ? ` (${Math.round(p.checkResults / p.reportSeconds)} results/s)` : '';
  return (
    `simulate: ${p.phase} | enrolled ${p.enrolled}/${p.devices} | reports ${p.reports} | check results ${p.checkResults}${perSecond} | ` +
    `commands ${p.commands} | errors ${p.errors}${p.lastError ? ` (last: ${p.lastError})` : ''} | ${p.elapsedSeconds.toFixed(0)}s`
  );
}

function parseRate(value: string): number {
  const rate = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || rate <= 0 || rate > 1_000_000) throw new UsageError('--rate takes reports per second, e.g. 200');
  return rate;
}

function parseProbability(value: string): number {
  const p = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || p > 1) throw new UsageError('--fail-rate takes a probability from 0 to 1, e.g. 0.01');
  return p;
}
