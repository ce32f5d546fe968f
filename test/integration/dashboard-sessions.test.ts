import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { csrfTokenFor, SESSION_IDLE_SECONDS, SESSION_LIFETIME_SECONDS } from '../../src/dashboard/session.service.js';
import type { Clock } from '../../src/lib/clock.js';
import { sha256Hex } from '../../src/lib/secrets.js';
import { createServices } from '../../src/services.js';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../support/databases.js';
import { TEST_NOW } from '../support/app.js';
import { makeAccount } from '../factories.js';

const PASSWORD = 'Correct-Horse-9';

/** Dashboard sessions in the database: hashed tokens, idle and absolute expiry, revocation. */
describe.each(DIALECTS)('dashboard sessions on %s', (dialect) => {
  let database: TestDatabase;
  let now = new Date(TEST_NOW);
  const clock: Clock = { now: () => new Date(now) };
  let services: ReturnType<typeof createServices>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const { account } = await makeAccount(database, 'acme');
    services = createServices({ config: loadConfig({}), database, clock });
    await services.users.add(services.access.systemActor(account.id), 'test', { email: 'ann@acme.test', role: 'standard', password: PASSWORD });
  });

  afterAll(async () => {
    await database?.drop();
  });

  const login = () => services.sessions.login({ email: 'Ann@Acme.test ', password: PASSWORD, sourceAddress: '192.0.2.1', userAgent: 'test' });

  it('stores only the sha256 of the token, and a second process (a second service set) accepts it', async () => {
    now = new Date(TEST_NOW);
    const result = await login();
    if (!result.ok) throw new Error('login refused');
    const rows = await database.db.selectFrom('dashboard_sessions').select('token_hash').execute();
    expect(rows.map((r) => r.token_hash)).toContain(sha256Hex(result.token));
    expect(JSON.stringify(rows)).not.toContain(result.token);
    const other = createServices({ config: loadConfig({}), database, clock });
    expect((await other.sessions.authenticate(result.token))?.email).toBe('ann@acme.test');
    expect(await other.sessions.authenticate(`${result.token}x`)).toBeNull();
  });

  it('ends a session after the idle limit, and after the absolute lifetime even when in use', async () => {
    now = new Date(TEST_NOW);
    const idle = await login();
    if (!idle.ok) throw new Error('login refused');
    now = new Date(Date.parse(TEST_NOW) + (SESSION_IDLE_SECONDS - 60) * 1000);
    expect(await services.sessions.authenticate(idle.token)).not.toBeNull();
    now = new Date(now.getTime() + SESSION_IDLE_SECONDS * 1000);
    expect(await services.sessions.authenticate(idle.token)).toBeNull();

    now = new Date(TEST_NOW);
    const busy = await login();
    if (!busy.ok) throw new Error('login refused');
    for (let t = 3600; t < SESSION_LIFETIME_SECONDS; t += 3600) {
      now = new Date(Date.parse(TEST_NOW) + t * 1000);
      expect(await services.sessions.authenticate(busy.token)).not.toBeNull();
    }
    now = new Date(Date.parse(TEST_NOW) + SESSION_LIFETIME_SECONDS * 1000);
    expect(await services.sessions.authenticate(busy.token)).toBeNull();
  });

  it('revokes on logout, and derives a different CSRF token per session', async () => {
    now = new Date(TEST_NOW);
    const a = await login();
    const b = await login();
    if (!a.ok || !b.ok) throw new Error('login refused');
    expect(csrfTokenFor(a.token)).not.toBe(csrfTokenFor(b.token));
    await services.sessions.logout(a.token);
    expect(await services.sessions.authenticate(a.token)).toBeNull();
    expect(await services.sessions.authenticate(b.token)).not.toBeNull();
  });

  it('refuses a wrong password without opening a session', async () => {
    const before = await database.db.selectFrom('dashboard_sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(await services.sessions.login({ email: 'ann@acme.test', password: 'Wrong-Horse-9', sourceAddress: '192.0.2.9', userAgent: '' })).toEqual({ ok: false, reason: 'invalid' });
    const after = await database.db.selectFrom('dashboard_sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
