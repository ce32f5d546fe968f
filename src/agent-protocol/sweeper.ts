import type { FastifyInstance } from 'fastify';
import type { CommandService } from '../commands/command.service.js';
import type { IngestService } from '../ingest/ingest.contract.js';
import { epochSeconds, type Clock } from '../lib/clock.js';
import type { SweepClaimRepository } from './sweep-claim.repository.js';

/**
 * Runs the periodic sweep from this server process: devices overdue past their account's threshold (the
 * ingestion service claims each change in the database, so N processes never double-open an outage) and
 * agent commands past their deadline. Every process ticks, but a tick first claims the interval in the
 * database and only the process whose claim lands sweeps: N processes sweep once per interval between
 * them, not N times (and a process that dies leaves the next interval to the others). Started when the
 * app is ready, stopped when it closes; a sweep still running when the next is due is not doubled.
 */
export function registerSweeper(
  app: FastifyInstance,
  deps: { ingest: IngestService; commands: CommandService; claims: Pick<SweepClaimRepository, 'claim'>; clock: Clock; intervalSeconds: number },
): void {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  // Ticks of one process drift by a little: a claim a second or two early still takes its interval.
  const slack = Math.min(2, deps.intervalSeconds / 2);
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const now = epochSeconds(deps.clock);
      if (!(await deps.claims.claim('sweep', now, Math.floor(now - deps.intervalSeconds + slack)))) return;
      await deps.ingest.sweep();
      await deps.commands.expireDue();
    } catch (error) {
      app.log.error({ err: error }, 'sweep failed');
    } finally {
      running = false;
    }
  };
  app.addHook('onReady', async () => {
    // 0 turns the sweep off in this process (a read benchmark over a fixed fixture; another process sweeps).
    if (deps.intervalSeconds === 0) return;
    timer = setInterval(() => void sweep(), deps.intervalSeconds * 1000).unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
