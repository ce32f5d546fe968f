import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/database.js';
import { systemClock } from './lib/clock.js';
import { createIngestService } from './ingest/ingest.service.js';
import { startOverdueSweeper } from './ingest/overdue-sweeper.js';

/** Builds the app and listens; the one place (with main.ts) that opens a port. */
export async function listen(config: Config, database: DatabaseHandle, logger: Logger): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildApp({ config, database, clock: systemClock, logger });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  // Every serving process sweeps for devices that stopped reporting (the database decides who marks each).
  const stopSweeper = startOverdueSweeper(createIngestService({ database, clock: systemClock }), logger);
  const shutdown = async () => {
    await stopSweeper();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return { app, url };
}
