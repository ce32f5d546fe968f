import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/lib/secrets.js';
import { addDashboardUsers, makeFleet, type Fleet } from '../factories.js';
import { serve, type Server } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

const PASSWORD = 'Race-Test-Pass1';
const REGENERATIONS = 50;
const KEY_SHOWN = /data-testid="api-key">([0-9a-f]{32})</;

/** A browser over real HTTP: its cookies and the CSRF token the last page carried. */
type Browser = { cookies: Map<string, string>; csrf: string };

const cookieHeader = (browser: Browser) => [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
const csrfIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;

async function request(browser: Browser, url: string, form?: Record<string, string>): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: cookieHeader(browser), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams({ _csrf: browser.csrf, ...form }).toString() : undefined,
  });
  for (const set of response.headers.getSetCookie()) {
    const [pair] = set.split(';');
    const at = pair!.indexOf('=');
    browser.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
  }
  return { status: response.status, body: await response.text() };
}

/** Signs in through one process's login form, as a person does; the session then works on every process. */
async function signIn(server: Server, email: string): Promise<Browser> {
  const browser: Browser = { cookies: new Map(), csrf: '' };
  browser.csrf = csrfIn((await request(browser, `${server.url}/login`)).body);
  expect((await request(browser, `${server.url}/login`, { email, password: PASSWORD })).status).toBe(303);
  browser.csrf = csrfIn((await request(browser, `${server.url}/settings/general/api`)).body);
  return browser;
}

/** What one process answers a key: 'ok', 'refused' (errorcode 3) or the unexpected body. */
async function verdict(server: Server, key: string): Promise<string> {
  const body = await (await fetch(`${server.url}/api/?service=list_clients&apikey=${key}`)).text();
  if (body.includes('status="OK"')) return 'ok';
  if (body.includes('<errorcode>3</errorcode><message>Login failed</message>')) return 'refused';
  return body;
}

// Two real `serve` processes over one database (one SQLite file, or one PostgreSQL database), a user
// pressing Settings > General Settings > API > Regenerate 50 times at once, spread over both.
describe.each(DIALECTS)('concurrent key regenerations from two server processes on %s', { timeout: 120_000 }, (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  const servers: Server[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    await addDashboardUsers(fleet, PASSWORD, { roles: ['administrator'] });
    // One cookie secret for the deployment, so a session signed in on one process is valid on the other;
    // no bad-key throttle in the way of the 2 × 50 refused keys this test presents from one address.
    const env = { SIGHTLINE_COOKIE_SECRET: randomBytes(32).toString('hex'), SIGHTLINE_BAD_KEY_LIMIT: '100000', LOG_LEVEL: 'warn' };
    servers.push(...(await Promise.all([serve(database.url, env), serve(database.url, env)])));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it('leaves exactly one valid key, the last committed; every other key is refused by both processes at the next request', async () => {
    const before = fleet.apiKey;
    expect(await Promise.all(servers.map((s) => verdict(s, before)))).toEqual(['ok', 'ok']);
    // Two people (a Superuser and an Administrator), each signed in on a different process.
    const browsers = [await signIn(servers[0]!, 'admin@acme.test'), await signIn(servers[1]!, 'administrator@acme.test')];
    const auditBefore = await regenerationEntries();
    // The account starts without a key: of the 50, exactly one is the Generate and 49 are Regenerates.
    await fleet.services.apiKeys.revoke(fleet.services.access.systemActor(fleet.account.id), 'test');

    const started = process.hrtime.bigint();
    const answers = await Promise.all(
      Array.from({ length: REGENERATIONS }, (_, i) =>
        request(browsers[i % 2]!, `${servers[Math.floor(i / 2) % 2]!.url}/settings/general/api/key`, {})),
    );
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    for (const answer of answers) expect(answer.status, answer.body.slice(0, 500)).toBe(200);
    const shown = answers.map((answer) => KEY_SHOWN.exec(answer.body)?.[1]);
    expect(shown.every((key) => key !== undefined)).toBe(true);
    const keys = shown as string[];
    expect(new Set(keys).size).toBe(REGENERATIONS);

    // The last committed regeneration is the one whose hash is stored.
    const stored = await database.db.selectFrom('account_api_keys').select('key_hash').where('account_id', '=', fleet.account.id).executeTakeFirstOrThrow();
    const winners = keys.filter((key) => sha256Hex(key) === stored.key_hash);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;

    // The very next request on each process, for every key any regeneration showed, and the one before them all.
    const losers = [before, ...keys.filter((key) => key !== winner)];
    const verdicts = await Promise.all(servers.flatMap((server) => [winner, ...losers].map(async (key) => ({ server, key, answer: await verdict(server, key) }))));
    const valid = verdicts.filter((v) => v.answer === 'ok');
    expect(valid.map((v) => v.key)).toEqual([winner, winner]);
    const refused = verdicts.filter((v) => v.answer === 'refused');
    expect(refused).toHaveLength(losers.length * servers.length);

    const entries = await regenerationEntries();
    expect({ generate: entries.generate - auditBefore.generate, regenerate: entries.regenerate - auditBefore.regenerate }).toEqual({ generate: 1, regenerate: REGENERATIONS - 1 });
    console.log(
      `regeneration race (${dialect}): ${REGENERATIONS} concurrent regenerations over 2 processes and 2 sessions in ${Math.round(wallMs)} ms wall → ` +
        `${new Set(valid.map((v) => v.key)).size} valid key (the last committed), ${losers.length} old keys × 2 processes refused (errorcode 3) at the next request, ` +
        `${entries.generate - auditBefore.generate + entries.regenerate - auditBefore.regenerate} audit entries (1 generate, the rest regenerate)`,
    );
  });

  /** The account's audit entries of each kind of key generation. */
  async function regenerationEntries(): Promise<{ generate: number; regenerate: number }> {
    const rows = await database.db.selectFrom('audit_log').select(['action', (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', fleet.account.id).where('action', 'in', ['apikey.generate', 'apikey.regenerate']).groupBy('action').execute();
    const count = (action: string) => Number(rows.find((r) => r.action === action)?.n ?? 0);
    return { generate: count('apikey.generate'), regenerate: count('apikey.regenerate') };
  }
});
