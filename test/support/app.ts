import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { fixedClock, type Clock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';

/** The fixed "now" of tests: a Thursday afternoon in November, outside daylight saving in Europe. */
export const TEST_NOW = '2026-11-26T14:30:00Z';

export type TestApp = { app: FastifyInstance; logs: string[]; config: Config; clock: Clock };

/** Builds the real app over a test database with a fixed clock and a captured log. */
export async function buildTestApp(database: DatabaseHandle, overrides: Partial<Config> = {}, clock = fixedClock(TEST_NOW)): Promise<TestApp> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const config = loadConfig({}, { publicUrl: 'https://rmm.example.test', hostname: 'rmm.example.test', logLevel: 'info', ...overrides });
  const app = await buildApp({ config, database, clock, logger: createLogger(config.logLevel, sink) });
  await app.ready();
  return { app, logs, config, clock };
}

/** Calls the Data Extraction API in-process and returns the body text. */
export async function callApi(app: FastifyInstance, params: Record<string, string | number>, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; path?: string } = {}) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const path = init.path ?? '/api/';
  const response =
    init.method === 'POST'
      ? await app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers }, payload: query })
      : await app.inject({ method: 'GET', url: `${path}?${query}`, headers: init.headers });
  return response;
}
