import type { FastifyInstance } from 'fastify';
import type { CommandService } from '../commands/command.service.js';
import type { IngestService } from '../ingest/ingest.contract.js';

/**
 * Runs the periodic sweep in this server process: devices overdue past their account's threshold (the
 * ingestion service claims each change in the database, so N processes never double-open an outage) and
 * agent commands past their deadline. Started when the app is ready, stopped when it closes; a sweep
 * still running when the next is due is not doubled.
 */
export function registerSweeper(app: FastifyInstance, deps: { ingest: IngestService; commands: CommandService; intervalSeconds: number }): void {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
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
