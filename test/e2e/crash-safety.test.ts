import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { facts } from '../support/ingest.js';
import { makeFleet, type Fleet } from '../factories.js';
import { serve, type Server } from '../support/cli.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

const KILLS = 5;
const DEVICES = 6;
/** add_client calls in flight at once. */
const CLIENT_WORKERS = 3;
/** Backup sessions per batch: rows of their own (mob_sessions), countable per batch. */
const SESSIONS_PER_BATCH = 10;
/** Where the test's report times start: in the past, so no report is refused as from the future. */
const EPOCH = Math.floor(Date.now() / 1000) - 100_000;
const ENV = { LOG_LEVEL: 'warn', SIGHTLINE_SWEEP_SECONDS: '0' };

type Batch = { seq: number; id: string; at: number; body: string };
type Device = { id: number; secret: string; checkIds: number[]; nextSeq: number; acked: Batch[]; pending: Batch | null };

/** The n-th batch of a device: every check fails at one time of its own, plus its own backup sessions. */
function batchOf(device: Device, seq: number): Batch {
  const at = EPOCH + seq;
  const id = `crash-${device.id}-${seq}`;
  const report = {
    batchId: id,
    sentAt: at,
    checkResults: device.checkIds.map((checkId) => ({ checkId, at, status: 'fail', output: `batch ${id}` })),
    backupSessions: Array.from({ length: SESSIONS_PER_BATCH }, (_, j) => {
      const startedAt = EPOCH + seq * SESSIONS_PER_BATCH + j;
      return { type: 'RESTORE', plugin: 'crash-test', startedAt, endedAt: startedAt + 1, status: 'COMPLETED' };
    }),
  };
  return { seq, id, at, body: JSON.stringify(report) };
}

/** The batch a backup session row belongs to (inverse of the startedAt in `batchOf`). */
const batchOfSession = (startedAt: number) => Math.floor((startedAt - EPOCH) / SESSIONS_PER_BATCH);

async function postReport(server: Server, device: Device, batch: Batch): Promise<{ applied: boolean }> {
  const response = await fetch(`${server.url}/agent/v1/reports`, {
    method: 'POST', headers: { authorization: `Bearer ${device.secret}`, 'content-type': 'application/json' }, body: batch.body,
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`report ${batch.id}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as { applied: boolean };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A real server process under agent report batches and add_client calls, killed with SIGKILL at random
// moments and restarted on the same database: whatever it acknowledged must be there afterwards, and
// every batch must be there whole or not at all.
describe.each(DIALECTS)('kill -9 during writes on %s', { timeout: 180_000 }, (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let server: Server;
  const devices: Device[] = [];
  const ackedClients = new Set<string>();
  const unackedClients = new Set<string>();
  /** Anything but an acknowledgement or a dropped connection: the server must not fail a write it is not killed in. */
  const unexpected: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    const system = fleet.services.access.systemActor(fleet.account.id);
    const { token } = await fleet.services.siteTokens.create(system, { accountId: fleet.account.id, clientGroupId: null }, 'test', fleet.sites.gammaSurgery.id, {
      expiresAt: new Date('2099-01-01T00:00:00Z'),
    });
    // From here on only server processes hold the database: a restarted one recovers it (SQLite's WAL) alone.
    await database.close();
    server = await serve(database.url, ENV);
    for (let i = 0; i < DEVICES; i++) {
      const enrol = await fetch(`${server.url}/agent/v1/enrol`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ siteToken: token, machineId: `crash-machine-${i}`, facts: facts(`CRASH-${i}`) }),
      });
      expect(enrol.status).toBe(200);
      const { deviceId, deviceSecret } = (await enrol.json()) as { deviceId: number; deviceSecret: string };
      const config = (await (await fetch(`${server.url}/agent/v1/config`, { headers: { authorization: `Bearer ${deviceSecret}` } })).json()) as { checks: { checkId: number }[] };
      devices.push({ id: deviceId, secret: deviceSecret, checkIds: config.checks.map((c) => c.checkId), nextSeq: 0, acked: [], pending: null });
    }
    expect(devices.every((d) => d.checkIds.length > 0)).toBe(true);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  /** Sends batches one after another, as an agent does, until the connection drops. */
  async function reportUntilKilled(device: Device, killed: () => boolean): Promise<void> {
    while (!killed()) {
      const batch = (device.pending = batchOf(device, device.nextSeq++));
      try {
        await postReport(server, device, batch);
      } catch (error) {
        if (!killed()) unexpected.push(String(error));
        return;
      }
      device.acked.push(batch);
      device.pending = null;
    }
  }

  let clientCounter = 0;
  async function addClientsUntilKilled(killed: () => boolean): Promise<void> {
    while (!killed()) {
      const name = `crash client ${clientCounter++}`;
      unackedClients.add(name);
      try {
        const body = await (await fetch(`${server.url}/api/?apikey=${fleet.apiKey}&service=add_client&name=${encodeURIComponent(name)}`)).text();
        if (!body.includes('status="OK"')) throw new Error(body);
      } catch (error) {
        if (!killed()) unexpected.push(String(error));
        return;
      }
      unackedClients.delete(name);
      ackedClients.add(name);
    }
  }

  /**
   * What the database holds against what was acknowledged. A batch is half-applied when its parts disagree:
   * its agent_batches row without all SESSIONS_PER_BATCH backup sessions, some of its sessions without the
   * rest, or sessions without the row; and the device's check results are half-applied when a check's
   * consecutive_fails (every batch fails every check once) differs from the number of the device's applied
   * batches, or its last result is not the newest applied batch's.
   */
  async function verify() {
    const handle = await openDatabase(database.url, { migrate: false });
    try {
      const db = handle.db;
      const stored = new Set((await db.selectFrom('clients').select('name').where('account_id', '=', fleet.account.id).where('name', 'like', 'crash client %').execute()).map((r) => r.name));
      const audited = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', fleet.account.id).where('action', '=', 'api.add_client').executeTakeFirstOrThrow();
      const result = {
        missing: [...ackedClients].filter((name) => !stored.has(name)).length,
        halfApplied: 0,
        /** add_client calls cut off by a kill that had committed nonetheless (their answer was lost). */
        unansweredClientsStored: [...unackedClients].filter((name) => stored.has(name)).length,
        clientsWithoutAudit: stored.size - Number(audited.n),
        applied: new Map<Device, Set<string>>(),
      };
      for (const device of devices) {
        const applied = new Set((await db.selectFrom('agent_batches').select('batch_id').where('device_id', '=', device.id).execute()).map((r) => r.batch_id));
        result.applied.set(device, applied);
        const sessions = new Map<number, number>();
        for (const row of await db.selectFrom('mob_sessions').select('started_at').where('device_id', '=', device.id).where('plugin', '=', 'crash-test').execute()) {
          sessions.set(batchOfSession(row.started_at), (sessions.get(batchOfSession(row.started_at)) ?? 0) + 1);
        }
        const sent = [...device.acked, ...(device.pending ? [device.pending] : [])];
        for (const batch of sent) {
          const whole = applied.has(batch.id) && sessions.get(batch.seq) === SESSIONS_PER_BATCH;
          const absent = !applied.has(batch.id) && !sessions.has(batch.seq);
          if (device.acked.includes(batch) && !whole) result.missing++;
          else if (!whole && !absent) result.halfApplied++;
        }
        // Rows of no batch this test sent would be a batch applied twice or out of nowhere.
        if ([...sessions.keys()].some((seq) => !sent.some((b) => b.seq === seq))) result.halfApplied++;
        const newest = sent.filter((b) => applied.has(b.id)).at(-1);
        const checks = await db.selectFrom('checks').select(['consecutive_fails', 'last_run_at', 'extra']).where('device_id', '=', device.id).execute();
        expect(checks).toHaveLength(device.checkIds.length);
        for (const check of checks) {
          const consistent = check.consecutive_fails === applied.size && check.last_run_at === (newest?.at ?? null) && check.extra === (newest ? `batch ${newest.id}` : '');
          if (!consistent) result.halfApplied++;
        }
      }
      return result;
    } finally {
      await handle.close();
    }
  }

  it('keeps every acknowledged write and applies every batch whole, exactly once, across kills and restarts', async () => {
    const delays: number[] = [];
    let retriedApplied = 0;
    for (let round = 0; round < KILLS; round++) {
      let killed = false;
      const load = [
        ...devices.map((device) => reportUntilKilled(device, () => killed)),
        ...Array.from({ length: CLIENT_WORKERS }, () => addClientsUntilKilled(() => killed)),
      ];
      const delay = 500 + Math.floor(Math.random() * 1000);
      delays.push(delay);
      await sleep(delay);
      killed = true;
      const exited = new Promise((resolve) => server.process.once('exit', resolve));
      server.process.kill('SIGKILL');
      await exited;
      await Promise.all(load);

      server = await serve(database.url, ENV);
      const after = await verify();
      expect({ round, missing: after.missing, halfApplied: after.halfApplied, clientsWithoutAudit: after.clientsWithoutAudit }).toEqual({ round, missing: 0, halfApplied: 0, clientsWithoutAudit: 0 });

      // The agent retries the batch it got no answer for: applied now if the kill lost it, else answered as a retry.
      for (const device of devices) {
        const batch = device.pending;
        if (!batch) continue;
        const wasApplied = after.applied.get(device)!.has(batch.id);
        const answer = await postReport(server, device, batch);
        expect(answer.applied, batch.id).toBe(!wasApplied);
        if (wasApplied) retriedApplied++;
        device.acked.push(batch);
        device.pending = null;
      }
    }
    const final = await verify();
    expect({ missing: final.missing, halfApplied: final.halfApplied, clientsWithoutAudit: final.clientsWithoutAudit }).toEqual({ missing: 0, halfApplied: 0, clientsWithoutAudit: 0 });
    expect(unexpected).toEqual([]);
    for (const device of devices) expect(final.applied.get(device)!.size).toBe(device.acked.length);

    const batches = devices.reduce((n, d) => n + d.acked.length, 0);
    const results = devices.reduce((n, d) => n + d.acked.length * d.checkIds.length, 0);
    expect(batches).toBeGreaterThan(KILLS * DEVICES);
    expect(ackedClients.size).toBeGreaterThan(0);
    console.log(
      `crash (${dialect}): ${KILLS} kills (after ${delays.join(', ')} ms of load), ${(results + batches * SESSIONS_PER_BATCH + ackedClients.size).toLocaleString('en')} acknowledged writes ` +
        `(${results.toLocaleString('en')} check results and ${(batches * SESSIONS_PER_BATCH).toLocaleString('en')} backup sessions in ${batches} batches of ${DEVICES} devices, ${ackedClients.size} add_client), ` +
        `0 missing, 0 half-applied batches; ${retriedApplied} batches committed but unanswered at a kill were answered applied=false on retry, ` +
        `${final.unansweredClientsStored} of ${unackedClients.size} unanswered add_client had committed`,
    );
  });
});
