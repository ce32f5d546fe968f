import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { depthLine, describeFailure, judge, runFuzz, summaryLine, type Answer } from '../support/fuzz.js';
import { FORM_FIELDS } from '../support/fuzz-requests.js';
import { createFuzzWorld, type FuzzWorld } from '../support/fuzz-world.js';

/** 10,000 per database in CI; FUZZ_CASES and FUZZ_SEED to run another number or replay a run. */
const CASES = Number(process.env.FUZZ_CASES ?? 10_000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/**
 * Issue 12's fuzzing (docs/security.md, "Fuzzing"): random query strings, headers, methods, encodings,
 * bodies and huge values against /api/, the dashboard and /agent/v1/ of the real app over a seeded
 * database. No answer may be a 5xx, log an error or be the API's code 99; every /api/ answer is
 * well-formed XML, every /agent/v1/ answer well-formed JSON. A failure prints the shrunk request and the
 * seed to replay it with `npm run fuzz`.
 */
describe.each(DIALECTS)('fuzzing on %s', (dialect) => {
  let database: TestDatabase;
  let world: FuzzWorld;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    world = await createFuzzWorld(database);
  });
  afterAll(async () => {
    await world?.close();
    await database?.drop();
  });

  it('knows the form fields of every dashboard route that takes a form', () => {
    const forms = world.routes.filter((r) => r.methods.includes('POST') && !r.url.startsWith('/api') && !r.url.startsWith('/agent/')).map((r) => r.url);
    expect(forms.length).toBeGreaterThan(20);
    expect(forms.filter((url) => FORM_FIELDS[url] === undefined), 'add these routes to FORM_FIELDS in test/support/fuzz-requests.ts').toEqual([]);
    expect(world.routes.filter((r) => r.url.startsWith('/agent/v1/')).map((r) => r.url).sort()).toEqual(
      ['/agent/v1/commands', '/agent/v1/commands/:id/ack', '/agent/v1/config', '/agent/v1/enrol', '/agent/v1/reports'],
    );
  });

  it(`answers ${CASES} random requests without a server error, and in the format of each transport`, async () => {
    const run = await runFuzz(world, { cases: CASES, seed: SEED });
    console.log(`${dialect}, seed ${run.seed}\n${depthLine(run.stats)}\n${summaryLine(run.stats)}`);
    expect(run.failures.map((failure) => describeFailure(failure, run))).toEqual([]);
    expect(run.stats.cases).toBe(CASES);
    // The requests reach the services, not only the refusals at the door.
    expect(run.stats.apiOk).toBeGreaterThan(run.stats.byTarget.api / 10);
    expect(run.stats.accepted.dashboard).toBeGreaterThan(run.stats.byTarget.dashboard / 10);
    expect(run.stats.accepted.agent).toBeGreaterThan(run.stats.byTarget.agent / 10);
  }, 900_000);
});

describe('the fuzzer\'s oracle', () => {
  const answer = (statusCode: number, type: string | undefined, body: string, headers: Record<string, string> = {}): Answer =>
    ({ statusCode, body, headers: { ...(type ? { 'content-type': type } : {}), ...headers } }) as Answer;
  const xml = 'application/xml; charset=utf-8';
  const json = 'application/json; charset=utf-8';
  const api = { method: 'GET', url: '/api/?service=list_clients' };
  const agent = { method: 'POST', url: '/agent/v1/reports' };
  const verdict = (wire: { method: string; url: string }, a: Answer, logs: string[] = []) => {
    const v = judge(wire, a, logs);
    return v.ok ? 'ok' : v.kind;
  };

  it('passes the answers each transport documents', () => {
    expect(verdict(api, answer(200, xml, '<?xml version="1.0" encoding="ISO-8859-1"?>\n<result created="x" host="h" status="OK"><items/></result>'))).toBe('ok');
    expect(verdict(api, answer(200, xml, '<?xml version="1.0"?>\n<settings created="x"><a>1</a></settings>'))).toBe('ok');
    expect(verdict(api, answer(200, 'application/zip', 'PK\u0003\u0004', { 'content-disposition': 'attachment; filename="a.zip"' }))).toBe('ok');
    expect(verdict(api, answer(415, json, '{"statusCode":415,"code":"FST_ERR_CTP_INVALID_MEDIA_TYPE","error":"Unsupported Media Type","message":"x"}'))).toBe('ok');
    expect(verdict({ method: 'HEAD', url: '/api/' }, answer(200, xml, ''))).toBe('ok');
    expect(verdict(agent, answer(400, json, '{"error":{"code":"invalid","message":"m","field":"batchId"}}'))).toBe('ok');
    // `/agent/v2/` is not the agent protocol: fastify's not-found answer is fine there.
    expect(verdict({ method: 'GET', url: '/agent/v2/config' }, answer(404, json, '{"statusCode":404,"error":"Not Found","message":"Not found"}'))).toBe('ok');
    expect(verdict({ method: 'GET', url: '/settings' }, answer(303, undefined, ''))).toBe('ok');
  });

  it('fails a 5xx, a logged error and code 99 as server errors', () => {
    expect(verdict({ method: 'GET', url: '/settings' }, answer(500, 'text/html', '<p>'))).toBe('server error');
    expect(verdict({ method: 'GET', url: '/login' }, answer(200, 'text/html', '<p>'), ['{"level":50,"msg":"dashboard request failed"}'])).toBe('server error');
    expect(verdict(api, answer(200, xml, '<?xml version="1.0"?>\n<result status="FAIL"><error><errorcode>99</errorcode><message>An error has occurred</message></error></result>'))).toBe('server error');
  });

  it('fails XML that is not well-formed or has an undocumented root, and agent answers that are not JSON', () => {
    expect(verdict(api, answer(200, xml, '<result><a></result>'))).toBe('malformed answer');
    expect(verdict(api, answer(200, xml, '<result>\u0001</result>'))).toBe('malformed answer');
    expect(verdict(api, answer(200, xml, '<html></html>'))).toBe('malformed answer');
    expect(verdict(api, answer(200, 'text/html', '<p>'))).toBe('malformed answer');
    expect(verdict({ method: 'GET', url: '/%61pi/default.php' }, answer(200, json, '{"ok":true}'))).toBe('malformed answer');
    expect(verdict(agent, answer(200, 'text/html', '<p>'))).toBe('malformed answer');
    expect(verdict(agent, answer(200, json, '{"a":'))).toBe('malformed answer');
    expect(verdict(agent, answer(400, json, '{"statusCode":400,"message":"x"}'))).toBe('malformed answer');
  });
});
