import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccountApiKey, newPersonalApiKey, newPrefixedSecret } from '../../src/lib/secrets.js';
import { Prng } from '../../src/seed/prng.js';
import { SimulatedDevice } from '../../src/simulator/simulated-device.js';
import { cli, lastLine, serve, type Server } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { browse, httpBrowser, logInOverHttp, type HttpBrowser } from '../support/http-browser.js';
import { startSmtpServer, type SmtpServer } from '../support/mail.js';
import { scanForSecrets, scanSummary, secretCollector, storedHashesOf, type Haystack, type SecretKind } from '../support/secret-scan.js';

const ACCOUNT = 'acme';
const ADMIN = 'admin@acme.test';
const TECH = 'tech@acme.test';

/** What a page shows once between `<code … data-testid="NAME">` and `</code>` (a new key or token). */
const shownOnce = (body: string, testid: string) => {
  const match = new RegExp(`data-testid="${testid}">([^<]+)<`).exec(body);
  if (!match) throw new Error(`no ${testid} on the page: ${body.slice(0, 400)}`);
  return match[1]!;
};

/** The enrolment token an installation package carries (in its config.json, inside the gzipped tar). */
const tokenInPackage = (gzipped: Buffer) => {
  const match = /slt_[A-Za-z0-9_-]{43}/.exec(gunzipSync(gzipped).toString('latin1'));
  if (!match) throw new Error('the package holds no enrolment token');
  return match[0];
};

/**
 * Issue 12, "Secrets at rest and in logs": every path that creates or carries a secret is exercised
 * through the real interfaces (the CLI, the dashboard and the API of two `serve` processes, one with a
 * password-protected SMTP server and one without, and /agent/v1/), every secret seen is collected, and
 * then the database (SQLite: the file, its -wal and -shm, live and after the servers stop; PostgreSQL:
 * every row of every table as text, and the database's own data files when readable), the servers' logs
 * at trace and debug level, the CLI's error output and the outbox are searched for each of them in every
 * encoding, and for anything shaped like a key, token or device secret.
 */
describe.each(DIALECTS)('secrets at rest and in logs on %s', { timeout: 300_000 }, (dialect) => {
  const found = secretCollector();
  const add = found.add;
  let database: TestDatabase;
  let dir: string;
  let smtp: SmtpServer;
  /** Server A has SMTP and logs at trace; server B has none and logs at debug. */
  let withSmtp: Server;
  let withoutSmtp: Server;
  const logFiles = { withSmtp: '', withoutSmtp: '', cli: '' };
  /** The CLI's standard output: where a new key or token is shown once, on purpose (the scan's positive control). */
  let cliShown = '';
  let siteId: number;
  let clientId: number;
  /** The URL the CLI and the servers use: on PostgreSQL, with a password in it (the test server trusts local connections and ignores it). */
  let databaseUrl: string;

  const password = (note: string) => add('password', `Pw9-${randomBytes(9).toString('base64url')}!é`, note);
  const adminPassword = password('admin, set with `user add --password`');

  /** Runs `sightline COMMAND… --db … --account acme OPTIONS…`; its stderr is one of the logs scanned, its stdout the shown-once output. */
  async function sightline(command: string[], options: string[] = []) {
    const result = await cli([...command, '--db', databaseUrl, '--account', ACCOUNT, ...options], { LOG_LEVEL: 'trace' });
    writeFileSync(logFiles.cli, `$ sightline ${command.join(' ')}\n${result.stderr}`, { flag: 'a' });
    cliShown += result.stdout;
    return result;
  }

  async function signIn(base: string, email: string, secret: string): Promise<HttpBrowser> {
    const browser = httpBrowser(base);
    const login = await logInOverHttp(browser, email, secret);
    expect(login.status, login.body.slice(0, 300)).toBe(303);
    // The signed cookie is `token.signature`: the token is the secret.
    const cookie = decodeURIComponent(browser.cookies.get('sl_session')!);
    add('session token', cookie.slice(0, cookie.lastIndexOf('.')), `session of ${email}`);
    return browser;
  }

  const ok = (body: string) => expect(body).toContain('status="OK"');
  const api = (server: Server, query: string, init: RequestInit = {}) => fetch(`${server.url}/api/?${query}`, init).then((r) => r.text());
  const agent = (path: string, init: { body?: unknown; secret?: string } = {}) =>
    fetch(`${withSmtp.url}/agent/v1${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { ...(init.secret ? { authorization: `Bearer ${init.secret}` } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-secrets-'));
    logFiles.withSmtp = join(dir, 'serve-smtp.log');
    logFiles.withoutSmtp = join(dir, 'serve-outbox.log');
    logFiles.cli = join(dir, 'cli-stderr.log');
    database = await createTestDatabase(dialect);
    databaseUrl = database.url;
    if (dialect === 'postgres') {
      const url = new URL(database.url);
      url.password ||= randomBytes(12).toString('hex');
      add('configuration secret', decodeURIComponent(url.password), 'PostgreSQL password in --db');
      databaseUrl = url.toString();
    }
    const seeded = await sightline(['seed'], ['--clients', '2', '--devices', '4']);
    expect(seeded.code, seeded.stderr).toBe(0);
    const site = await database.db.selectFrom('sites').select(['id', 'client_id']).orderBy('id').executeTakeFirstOrThrow();
    siteId = site.id;
    clientId = site.client_id;

    const smtpAuth = { user: 'sightline', pass: add('configuration secret', `smtp-${randomBytes(12).toString('hex')}`, 'SMTP password in SIGHTLINE_SMTP_URL') };
    smtp = await startSmtpServer(smtpAuth);
    const cookieSecret = (note: string) => add('configuration secret', randomBytes(32).toString('base64url'), note);
    withSmtp = await serve(databaseUrl, { LOG_LEVEL: 'trace', SIGHTLINE_SMTP_URL: smtp.url, SIGHTLINE_COOKIE_SECRET: cookieSecret('cookie secret of server A') }, 0, logFiles.withSmtp);
    withoutSmtp = await serve(databaseUrl, { LOG_LEVEL: 'debug', SIGHTLINE_COOKIE_SECRET: cookieSecret('cookie secret of server B') }, 0, logFiles.withoutSmtp);
  }, 240_000);

  afterAll(async () => {
    await withSmtp?.stop();
    await withoutSmtp?.stop();
    await smtp?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the CLI: account key, a user with a password, a personal key, a site token; Email Token without SMTP refused', async () => {
    const key = add('account API key', lastLine((await sightline(['apikey', 'regenerate'])).stdout), 'apikey regenerate');
    expect((await sightline(['user', 'add'], ['--email', ADMIN, '--role', 'superuser', '--password', adminPassword])).code).toBe(0);
    add('personal API key', lastLine((await sightline(['keys', 'create'], ['--user', ADMIN, '--name', 'cli', '--scope', 'read-write'])).stdout), 'keys create');
    add('site enrolment token', lastLine((await sightline(['site-token', 'create'], ['--site', String(siteId)])).stdout), 'site-token create');
    const emailed = await sightline(['apikey', 'email'], ['--to', 'ops@customer.test', '--key', key]);
    expect(emailed.code).not.toBe(0);
    expect(emailed.stderr).toContain('no SMTP server is configured');
  });

  it('the dashboard: log-ins right and wrong, Generate and Email Token over SMTP, personal keys, a new user who changes the password', async () => {
    const base = withSmtp.url;
    const refused = httpBrowser(base);
    await browse(refused, 'GET', '/login');
    expect((await browse(refused, 'POST', '/login', { email: ADMIN, password: password('wrong password at log-in') })).status).toBe(401);
    // The classic slip: the password typed into the email field.
    expect((await browse(refused, 'POST', '/login', { email: adminPassword, password: adminPassword })).status).toBe(401);

    const admin = await signIn(base, ADMIN, adminPassword);
    const htmx = { 'hx-request': 'true' };
    const generated = shownOnce((await browse(admin, 'POST', '/settings/general/api/key', {}, htmx)).body, 'api-key');
    add('account API key', generated, 'Generate (dashboard)');
    const emailed = await browse(admin, 'POST', '/settings/general/api/email', { to: 'ops@customer.test', key: generated }, htmx);
    expect(emailed.status, emailed.body.slice(0, 300)).toBe(200);
    expect(smtp.received).toHaveLength(1);
    expect((await simpleParser(smtp.received[0]!)).text).toContain(generated);
    const wrongKey = add('account API key', newAccountApiKey(), 'a key that is not the current one, typed into Email Token');
    expect((await browse(admin, 'POST', '/settings/general/api/email', { to: 'ops@customer.test', key: wrongKey }, htmx)).status).toBe(422);
    add('account API key', shownOnce((await browse(admin, 'POST', '/settings/general/api/key', {}, htmx)).body, 'api-key'), 'Regenerate (dashboard)');

    add('personal API key', shownOnce((await browse(admin, 'POST', '/settings/account/personal-keys', { name: 'mine', scope: 'read-write', expires: '' })).body, 'personal-key'), 'My account');
    add('personal API key', shownOnce((await browse(admin, 'POST', '/settings/general/api/personal-keys', { name: 'ops', scope: 'read', expires: '' })).body, 'personal-key'), 'API page');

    const techPassword = password('set for a new user on Settings > Users');
    const user = { email: TECH, role: 'administrator', group: '', password: techPassword };
    expect((await browse(admin, 'POST', '/settings/users/add', { ...user, confirm: password('wrong confirmation of a change') })).status).toBe(422);
    expect((await browse(admin, 'POST', '/settings/users/add', { ...user, confirm: adminPassword })).status).toBe(303);

    const tech = await signIn(base, TECH, techPassword);
    const refusedNew = password('a new password refused with a wrong current one');
    const wrongCurrent = await browse(tech, 'POST', '/settings/account/password', { current: password('wrong current password'), password: refusedNew, repeat: refusedNew });
    expect(wrongCurrent.status).toBe(422);
    const changed = password('changed on My account');
    expect((await browse(tech, 'POST', '/settings/account/password', { current: techPassword, password: changed, repeat: changed })).status).toBe(303);
    const again = await signIn(base, TECH, changed);
    expect((await browse(again, 'POST', '/logout', {})).status).toBe(303);
  });

  it('site tokens from the dashboard, its package and get_site_installation_package; agents enrol and report', async () => {
    const admin = await signIn(withSmtp.url, ADMIN, adminPassword);
    const created = add('site enrolment token', shownOnce((await browse(admin, 'POST', `/sites/${siteId}/tokens`, { expires: '' })).body, 'site-token'), 'site page');
    const downloaded = await browse(admin, 'POST', `/sites/${siteId}/package`, { os: 'linux' });
    expect(downloaded.status).toBe(200);
    add('site enrolment token', tokenInPackage(downloaded.bytes), 'package from the site page');
    const key = found.secrets.filter((s) => s.kind === 'account API key').at(-1)!.value;
    const viaApi = await fetch(`${withSmtp.url}/api/?apikey=${key}&service=get_site_installation_package&endcustomerid=${clientId}&siteid=${siteId}&type=remote_worker&os=linux`);
    expect(viaApi.headers.get('content-type')).toBe('application/gzip');
    add('site enrolment token', tokenInPackage(Buffer.from(await viaApi.arrayBuffer())), 'get_site_installation_package');

    const cliToken = found.secrets.find((s) => s.note === 'site-token create')!.value;
    const rng = new Prng('secrets');
    for (const [index, siteToken] of [created, cliToken].entries()) {
      const device = new SimulatedDevice(rng, siteId, index + 1);
      const enrolled = await agent('/enrol', { body: { siteToken, machineId: device.machineId, facts: device.facts } });
      expect(enrolled.status).toBe(200);
      const secret = add('device secret', ((await enrolled.json()) as { deviceSecret: string }).deviceSecret, `device enrolled with a ${index ? 'CLI' : 'dashboard'} token`);
      expect((await agent('/config', { secret })).status).toBe(200);
      expect((await agent('/reports', { secret, body: device.nextReport(Math.floor(Date.now() / 1000)) })).status).toBe(200);
      expect((await agent('/commands?wait=0', { secret })).status).toBe(200);
    }
    expect((await agent('/config', { secret: add('device secret', newPrefixedSecret('sld_'), 'unknown device secret') })).status).toBe(401);
    const badToken = add('site enrolment token', newPrefixedSecret('slt_'), 'unknown enrolment token');
    const stranger = new SimulatedDevice(rng, siteId, 9);
    expect((await agent('/enrol', { body: { siteToken: badToken, machineId: stranger.machineId, facts: stranger.facts } })).status).toBe(401);

    // The fleet simulator enrols with tokens of its own: the scan finds those by their format alone.
    const simulated = await sightline(['simulate'], ['--url', withSmtp.url, '--devices', '2', '--clients', '1', '--duration', '1', '--json']);
    expect(simulated.code, simulated.stderr).toBe(0);
  });

  it('API calls with every key, in every place a key travels, and bad keys', async () => {
    const of = (kind: SecretKind) => found.secrets.filter((s) => s.kind === kind).map((s) => s.value);
    const key = of('account API key').at(-1)!;
    const [cliKey, mine, ops] = of('personal API key');
    const everyByte = [...key].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    ok(await api(withSmtp, `apikey=${key}&service=list_clients`));
    ok(await api(withSmtp, `%61pikey=${key}&service=list_clients`));
    ok(await api(withSmtp, `apikey=${everyByte}&service=list_clients`));
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    ok(await api(withSmtp, '', { ...form, body: `apikey=${key}&service=list_clients` }));
    ok(await api(withSmtp, '', { ...form, body: `apikey=${cliKey}&service=add_client&name=Keyed%20Client` }));
    ok(await api(withSmtp, 'service=list_clients', { headers: { 'x-api-key': mine! } }));
    ok(await api(withSmtp, 'service=list_clients', { headers: { authorization: `Bearer ${ops}` } }));
    ok(await api(withSmtp, `apikey=${ops}&service=list_sites&clientid=${clientId}`));

    const refusedKey = (body: string) => expect(body).toContain('<errorcode>3</errorcode>');
    refusedKey(await api(withSmtp, `apikey=${of('account API key')[0]}&service=list_clients`));
    refusedKey(await api(withSmtp, `apikey=${add('account API key', newAccountApiKey(), 'bad key in the query')}&service=list_clients`));
    refusedKey(await api(withSmtp, `%61pikey=${add('account API key', newAccountApiKey(), 'bad key under an encoded name')}&service=list_clients`));
    refusedKey(await api(withSmtp, 'service=list_clients', { headers: { 'x-api-key': add('personal API key', newPersonalApiKey(), 'bad personal key in X-API-Key') } }));
    refusedKey(await api(withSmtp, 'service=list_clients', { headers: { authorization: `Bearer ${add('account API key', newAccountApiKey(), 'bad key as Bearer')}` } }));
    refusedKey(await api(withSmtp, '', { ...form, body: `apikey=${add('personal API key', newPersonalApiKey(), 'bad personal key in a form body')}&service=list_clients` }));
  });

  it('without SMTP, Email Token is refused and nothing reaches the outbox', async () => {
    const admin = await signIn(withoutSmtp.url, ADMIN, adminPassword);
    const htmx = { 'hx-request': 'true' };
    const key = add('account API key', shownOnce((await browse(admin, 'POST', '/settings/general/api/key', {}, htmx)).body, 'api-key'), 'Generate on the server without SMTP');
    const emailed = await browse(admin, 'POST', '/settings/general/api/email', { to: 'ops@customer.test', key }, htmx);
    expect(emailed.status).toBe(422);
    expect(emailed.body).toContain('No SMTP server is configured');
    ok(await api(withoutSmtp, `apikey=${key}&service=list_clients`));
    expect(await database.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it('finds none of them in the database, the logs or the outbox', async () => {
    expect(found.kinds()).toEqual(new Set(['account API key', 'personal API key', 'site enrolment token', 'device secret', 'session token', 'password', 'configuration secret']));
    // SQLite: the files as they are while both servers run (the WAL holds the recent writes) and after they stop.
    const live = await databaseHaystacks('live');
    await withSmtp.stop();
    await withoutSmtp.stop();
    const stored = [...live, ...(await databaseHaystacks('after the servers stopped'))];
    const logs = Object.entries(logFiles).map(([name, file]) => ({ name: `log ${name}`, bytes: readFileSync(file) }));
    const outbox = await database.db.selectFrom('outbox').selectAll().execute();
    const haystacks = [...stored, ...logs, { name: 'outbox', bytes: Buffer.from(JSON.stringify(outbox)) }];

    // 32 hex characters that are not keys: the GUIDs of AD users (seeded and reported by agents).
    const guids = new Set((await database.db.selectFrom('ad_users').select('object_guid').execute()).map((r) => r.object_guid));
    expect(guids.size).toBeGreaterThan(0);
    const findings = scanForSecrets(haystacks, found.secrets, guids);
    const dumps = stored.filter((h) => h.name.startsWith('every table'));
    const files = stored.filter((h) => !dumps.includes(h));
    console.log(scanSummary(found.secrets, [
      ...(dumps.length ? [{ label: 'dumps of every table', haystacks: dumps }] : []),
      { label: dialect === 'sqlite' ? 'database files' : 'copies of the data files', haystacks: files },
      { label: 'logs', haystacks: logs },
    ], findings) + `; outbox: ${outbox.length} messages`);
    expect(findings).toEqual([]);

    // The scan sees what it should: the database holds the sha256 of each kind of key, token and secret…
    const storedText = Buffer.concat(stored.map((h) => h.bytes));
    const hashedKinds = new Set(storedHashesOf(found.secrets).filter((s) => storedText.includes(s.hash)).map((s) => s.kind));
    expect(hashedKinds).toEqual(new Set(['account API key', 'personal API key', 'site enrolment token', 'device secret', 'session token']));
    // …the logs hold every request, redacted…
    const log = logs.map((l) => l.bytes.toString()).join('');
    for (const line of ['"url":"/api/?%61pikey=[REDACTED]', '"url":"/agent/v1/enrol"', '"url":"/login"', '"url":"/settings/general/api/email"']) expect(log).toContain(line);
    // …and the same search finds the secrets where they are meant to be: the CLI's one-time output.
    const shown = scanForSecrets([{ name: 'cli stdout', bytes: Buffer.from(cliShown) }], found.secrets).map((f) => f.note);
    expect(shown).toEqual(expect.arrayContaining(['apikey regenerate', 'keys create', 'site-token create']));
  });

  /** SQLite: the database file and its -wal and -shm; PostgreSQL: every table as text, and its data files when this process can read them. */
  async function databaseHaystacks(when: string): Promise<Haystack[]> {
    if (dialect === 'sqlite') {
      return ['', '-wal', '-shm'].filter((suffix) => existsSync(database.url + suffix)).map((suffix) => ({ name: `test.db${suffix} (${when})`, bytes: readFileSync(database.url + suffix) }));
    }
    const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(database.db);
    const dumps: Haystack[] = [];
    for (const { name } of tables.rows) {
      const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(name)} t`.execute(database.db);
      dumps.push({ name: `table ${name} (${when})`, bytes: Buffer.from(rows.rows.map((r) => r.row).join('\n')) });
    }
    return [{ name: `every table as text (${when})`, bytes: Buffer.concat(dumps.map((d) => d.bytes)) }, ...(await postgresDataFiles(when))];
  }

  /** The database's own files (dead rows included), after a checkpoint; none when the server's data directory is elsewhere. */
  async function postgresDataFiles(when: string): Promise<Haystack[]> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('checkpoint');
      const dataDir = (await client.query('show data_directory')).rows[0].data_directory as string;
      const oid = (await client.query('select oid from pg_database where datname = current_database()')).rows[0].oid as number;
      const folder = join(dataDir, 'base', String(oid));
      if (!existsSync(folder)) return [];
      const files = readdirSync(folder).map((file) => join(folder, file)).filter((file) => statSync(file).isFile());
      return [{ name: `data files of the database (${when})`, bytes: Buffer.concat(files.map((file) => readFileSync(file))) }];
    } catch {
      return [];
    } finally {
      await client.end();
    }
  }
});
