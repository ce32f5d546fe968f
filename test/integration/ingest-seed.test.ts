import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { CheckStatus } from '../../src/checks/check-status.js';
import { DEFAULT_OVERDUE_AFTER_SECONDS } from '../../src/devices/device-derivation.js';
import { seedDemoData } from '../../src/seed/demo-generator.js';
import { createServices } from '../../src/services.js';
import { makeAccount, NOW } from '../factories.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

/** The demo seeder bulk-inserts what ingestion would have written: its derived columns obey ingestion's rules. */
describe.each(DIALECTS)('demo data derived like ingested data on %s', (dialect) => {
  let database: TestDatabase;
  let accountId: number;
  const rows = async <T>(query: string) => (await sql<T>`${sql.raw(query)}`.execute(database.db)).rows;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const made = await makeAccount(database, 'demo');
    accountId = made.account.id;
    await seedDemoData(made.services.seedRepository, { accountId, clients: 6, devices: 600, seed: 'ingest-rules', now: NOW });
  }, 120_000);
  afterAll(async () => {
    await database?.drop();
  });

  it('has one open CHECK_FAILURE outage for each failing or cleared check and none for the others', async () => {
    const checks = await rows<{ id: number; statusid: number; consecutive_fails: number; open: number }>(
      `select k.id, k.statusid, k.consecutive_fails, (select count(*) from outages o where o.check_id = k.id and o.ended_at is null) as open from checks k where k.account_id = ${accountId}`,
    );
    const failing = checks.filter((k) => k.statusid === CheckStatus.fail || k.statusid === CheckStatus.cleared);
    expect(failing.length).toBeGreaterThan(10);
    for (const k of checks) {
      const isFailing = k.statusid === CheckStatus.fail || k.statusid === CheckStatus.cleared;
      expect(Number(k.open), `check ${k.id}`).toBe(isFailing ? 1 : 0);
      if (k.statusid === CheckStatus.fail) expect(k.consecutive_fails).toBeGreaterThan(0);
      if (k.statusid === CheckStatus.pass || k.statusid === CheckStatus.notRun) expect(k.consecutive_fails).toBe(0);
    }
    expect(checks.some((k) => k.statusid === CheckStatus.cleared)).toBe(true);
  });

  it('marks overdue exactly the devices the sweeper would, with their open DEVICE_OVERDUE outage', async () => {
    const devices = await rows<{ id: number; last_response_at: number; overdue_since: number | null; online: number; open: number }>(
      `select d.id, d.last_response_at, d.overdue_since, d.online, (select count(*) from outages o where o.device_id = d.id and o.reason = 'DEVICE_OVERDUE' and o.ended_at is null) as open from devices d where d.account_id = ${accountId}`,
    );
    const overdue = devices.filter((d) => d.overdue_since !== null);
    expect(overdue.length).toBeGreaterThan(0);
    for (const d of overdue) {
      expect(d.overdue_since).toBe(d.last_response_at + DEFAULT_OVERDUE_AFTER_SECONDS);
      expect([Number(d.open), d.online]).toEqual([1, 0]);
    }
    // At the seed's own time (rounded down to the hour), a sweep finds nothing left to mark.
    const seededAt = Math.floor(NOW / 3600) * 3600;
    const ingest = createServices({ config: loadConfig({}), database, clock: { now: () => new Date(seededAt * 1000) } }).ingest;
    expect((await ingest.sweep()).markedOverdue).toBe(0);
    // A day later, with no reports, every device not overdue or offline on purpose is marked, each once.
    const later = createServices({ config: loadConfig({}), database, clock: { now: () => new Date((seededAt + 86400) * 1000) } }).ingest;
    const offline = (await rows<{ n: number }>(`select count(*) as n from devices where account_id = ${accountId} and offline_reason is not null`))[0]!.n;
    expect((await later.sweep()).markedOverdue).toBe(devices.length - overdue.length - Number(offline));
    const open = await rows<{ n: number }>(`select count(*) as n from outages where reason = 'DEVICE_OVERDUE' and ended_at is null`);
    expect(Number(open[0]!.n)).toBe(devices.length - Number(offline));
  });

  it('derives Backup Checks of Backup & Recovery devices from their sessions', async () => {
    const checks = await rows<{ id: number; statusid: number; last_run_at: number; last_end: number }>(
      `select k.id, k.statusid, k.last_run_at, (select max(m.ended_at) from mob_sessions m where m.device_id = k.device_id) as last_end
       from checks k join devices d on d.id = k.device_id where k.account_id = ${accountId} and k.check_type = 1002 and d.mob = 1`,
    );
    expect(checks.length).toBeGreaterThan(0);
    for (const k of checks) expect(k.last_run_at).toBe(Number(k.last_end));
  });
});
