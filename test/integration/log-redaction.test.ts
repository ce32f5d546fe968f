import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeFleet, type Fleet } from '../factories.js';

/**
 * Security review, item 7: redaction matched the raw URL, so `?%61pikey=KEY` (which the API reads as
 * `apikey`) logged the key at debug level. Redaction now reads the query as the parser does.
 */
describe.each(DIALECTS)('log redaction after parsing, on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database, { logLevel: 'trace' });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  it('a key the API accepts under an encoded name never reaches a log line', async () => {
    const key = fleet.apiKey;
    const encodings = [`%61pikey=${key}`, `%61%70%69%6B%65%79=${key}`, `APIKEY=${key}`, `api%4Bey=${key}`, `apikey=${key}&apikey=${key}`];
    for (const query of encodings) {
      const response = await t.app.inject({ method: 'GET', url: `/api/?${query}&service=list_clients` });
      // The lower-case encodings are the key the API uses: the call works, and still nothing is logged.
      if (!query.startsWith('APIKEY') && !query.startsWith('api%4B')) expect(response.body, query).toContain('status="OK"');
    }
    // The dashboard logs the URL of refused requests itself.
    await t.app.inject({ method: 'POST', url: `/login?%6Bey=${key}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a' });
    // A path that decodes to a query holding a key: not a route, answered 404 without echoing it.
    const unknown = await t.app.inject({ method: 'GET', url: `/api/%3Fapikey=${key}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).not.toContain(key);
    const log = t.logs.join('');
    expect(log).toContain('%61pikey=[REDACTED]');
    expect(log).toContain('dashboard request refused');
    expect(log).not.toContain(key);
  });
});
