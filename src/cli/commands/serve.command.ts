import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import { createLogger } from '../../lib/logger.js';
import { listen } from '../../server.js';
import { parsePositiveInt, type GlobalOptions } from '../context.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the Sightline server (Data Extraction API and dashboard)')
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: SIGHTLINE_DB or ./data/sightline.db)')
    .option('--port <n>', 'port to listen on (default: PORT or 8080)', parsePositiveInt('--port', 65535))
    .option('--host <h>', 'address to listen on (default: HOST or 127.0.0.1)')
    .action(async (options: GlobalOptions & { port?: number; host?: string }) => {
      const config = loadConfig(process.env, {
        ...(options.db ? { db: options.db } : {}),
        ...(options.port !== undefined ? { port: options.port } : {}),
        ...(options.host ? { host: options.host } : {}),
      });
      const database = await openDatabase(config.db, { sqliteSynchronous: config.sqliteSynchronous });
      const { url } = await listen(config, database, createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel));
      console.log(`Sightline listening on ${url} (database: ${database.location})`);
    });
}
