import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { makeAccount } from '../factories.js';

/**
 * The error codes deapi-core.test.ts does not reach: 99 for anything unexpected (logged with context,
 * never leaking internals) and the configurable "Service unknown" code. Codes 6 and 7 come with the access
 * model (permissions, throttling) and are tested there.
 */
describe.each(DIALECTS)('error codes on %s', (dialect) => {
  let database: TestDatabase;
  let apiKey: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    ({ apiKey } = await makeAccount(database, 'acme'));
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('answers an unexpected failure with code 99 and a generic message, and logs the cause', async () => {
    // An app whose database connection is gone: every query fails with a driver error.
    const broken = await openDatabase(database.url);
    const t: TestApp = await buildTestApp(broken);
    await broken.close();
    try {
      const res = await callApi(t.app, { apikey: apiKey, service: 'list_clients' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(
        '<?xml version="1.0" encoding="UTF-8"?>\n<result created="2026-11-26T14:30:00+00:00" host="rmm.example.test" status="FAIL"><error><errorcode>99</errorcode><message>An error has occurred</message></error></result>',
      );
      const log = t.logs.join('');
      expect(log).toContain('unexpected error in API call');
      expect(log).toContain('"service":"list_clients"');
      expect(log).not.toContain(apiKey);
    } finally {
      await t.app.close();
    }
  });

  it('uses the configured code for "Service unknown"', async () => {
    const t = await buildTestApp(database, { unknownServiceCode: 9 });
    try {
      const res = await callApi(t.app, { apikey: apiKey, service: 'no_such_service' });
      expect(res.body).toContain('<errorcode>9</errorcode><message>Service unknown</message>');
    } finally {
      await t.app.close();
    }
  });
});
