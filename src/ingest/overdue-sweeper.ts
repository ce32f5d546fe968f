import type { Logger } from 'pino';
import type { IngestService } from './ingest.contract.js';

/** How often each server process sweeps for overdue devices (the threshold itself is per account, minutes). */
export const SWEEP_INTERVAL_SECONDS = 30;

/**
 * Runs the overdue sweep in this process every `intervalSeconds`, one sweep at a time. Every server
 * process runs one; the sweep claims each device in the database, so they never double up. Answers a
 * function that stops it and waits for a sweep in progress.
 */
export function startOverdueSweeper(ingest: Pick<IngestService, 'sweep'>, logger: Pick<Logger, 'info' | 'error'>, intervalSeconds = SWEEP_INTERVAL_SECONDS) {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= ingest
      .sweep()
      .then(
        ({ markedOverdue }) => {
          if (markedOverdue > 0) logger.info({ markedOverdue }, 'devices marked overdue');
        },
        (error: unknown) => logger.error({ err: error }, 'overdue sweep failed'),
      )
      .finally(() => {
        running = undefined;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
