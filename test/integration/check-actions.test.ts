import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CheckStatus } from '../../src/checks/check-status.js';
import type { DeviceRef } from '../../src/ingest/ingest.contract.js';
import { createIngestService } from '../../src/ingest/ingest.service.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { dashboardClient } from '../support/dashboard-client.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { expectGolden } from '../support/golden.js';
import { facts, movableClock } from '../support/ingest.js';
import { makeFleet, makeWriteKeys, NOW, type Fleet } from '../factories.js';

const FROM = '192.0.2.40';
const PASSWORD = 'Correct-Horse-9';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';
const ATTRS = 'created="2026-11-26T14:30:00+00:00" host="rmm.example.test"';
const fail = (code: number, message: string) => `${XML_HEAD}<result ${ATTRS} status="FAIL"><error><errorcode>${code}</errorcode><message>${message}</message></error></result>`;

/**
 * clear_check, add_check_note and task_run_now over the real app and database: what they change and what
 * the reads then show, each documented refusal (changing nothing, auditing nothing), scope, the audit
 * row, the clear kinds through ingestion and the sweep, and the same actions on the dashboard's device page.
 */
describe.each(DIALECTS)('check actions on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;
  let keys: { read: string; readWrite: string; standard: string; restricted: string };
  const { signIn, post, get } = dashboardClient(() => t.app, PASSWORD);

  const api = (params: Record<string, string | number>, apikey = fleet.apiKey) => callApi(t.app, { apikey, ...params }).then((r) => r.body);
  const check = (id: number) => database.db.selectFrom('checks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const device = (id: number) => database.db.selectFrom('devices').select(['check_fail', 'check_clear']).where('id', '=', id).executeTakeFirstOrThrow();
  const auditRows = (action: string) => database.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
  const notes = (checkId: number) => database.db.selectFrom('check_notes').selectAll().where('check_id', '=', checkId).orderBy('id').execute();
  const commands = () => database.db.selectFrom('agent_commands').selectAll().orderBy('id').execute();
  const setFailing = (id: number) => database.db.updateTable('checks').set({ statusid: CheckStatus.fail, clear_type: '', clear_until: null }).where('id', '=', id).execute();
  const settings = (values: { clear24x7checks?: number; cleardailysafetychecks?: number; forcenotes?: number }) =>
    database.db.updateTable('account_settings').set(values).where('account_id', '=', fleet.account.id).execute();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    await makeFleet(database, 'globex');
    t = await buildTestApp(database);
    await database.db.insertInto('account_settings').values({ account_id: fleet.account.id, clear24x7checks: 1, cleardailysafetychecks: 1, forcenotes: 0 }).execute();
    keys = await makeWriteKeys(fleet, FROM, PASSWORD);
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  describe('clear_check', () => {
    beforeEach(async () => {
      await setFailing(fleet.checks.disk.id);
      await settings({ clear24x7checks: 1, cleardailysafetychecks: 1, forcenotes: 0 });
    });

    it('clears a failing check with notes: statusid 2, out of the failing lists and counts, its outage open, the notes shown, one audit row', async () => {
      const before = await device(fleet.devices.alphaDc.id);
      const body = await api({ service: 'clear_check', checkid: fleet.checks.disk.id, private_note: 'Freed <space>', public_note: 'Fixed ]]> soon' });
      expectGolden('clear_check', body, dialect);
      expect(await check(fleet.checks.disk.id)).toMatchObject({ statusid: CheckStatus.cleared, clear_type: 'untilpasses', clear_until: null });
      expect(await device(fleet.devices.alphaDc.id)).toEqual({ check_fail: before.check_fail - 1, check_clear: before.check_clear + 1 });
      expect(await api({ service: 'list_checks', deviceid: fleet.devices.alphaDc.id })).toMatch(new RegExp(`<checkid>${fleet.checks.disk.id}</checkid>.*?<statusid>2</statusid>`));
      expect(await api({ service: 'list_failing_checks' })).not.toContain(`<checkid>${fleet.checks.disk.id}</checkid>`);
      expect(await api({ service: 'list_outages', deviceid: fleet.devices.alphaDc.id })).toContain('<state>OPEN</state>');
      const details = await api({ service: 'list_device_monitoring_details', deviceid: fleet.devices.alphaDc.id });
      expect(details).toContain('<![CDATA[Freed <space>]]>');
      expect(details).toContain('<![CDATA[Fixed ]]]]><![CDATA[> soon]]>');
      const agentKey = await database.db.selectFrom('users').select('id').where('account_id', '=', fleet.account.id).where('is_agent_key', '=', 1).executeTakeFirstOrThrow();
      expect((await notes(fleet.checks.disk.id)).at(-1)).toMatchObject({ user_id: agentKey.id, private_note: 'Freed <space>', public_note: 'Fixed ]]> soon', created_at: NOW });
      const audit = await auditRows('api.clear_check');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        account_id: fleet.account.id, actor_label: 'account API key',
        detail: JSON.stringify({ checkid: fleet.checks.disk.id, private_note: 'Freed <space>', public_note: 'Fixed ]]> soon' }),
      });
    });

    it('refuses, with the parameter named, a check not failing, a frequency the account does not clear, missing forced notes, bad clear types and dates; nothing changes', async () => {
      const auditBefore = (await auditRows('api.clear_check')).length;
      const notesBefore = (await notes(fleet.checks.disk.id)).length;
      const disk = fleet.checks.disk.id;
      expect(await api({ service: 'clear_check', checkid: fleet.checks.backup.id })).toBe(fail(4, 'Check is not failing: only a failing check can be cleared'));
      expect(await api({ service: 'clear_check', checkid: disk, clear_type: 'forever' })).toBe(fail(4, 'Invalid value for parameter: clear_type'));
      expect(await api({ service: 'clear_check', checkid: disk, clear_type: 'untildatetime' })).toBe(fail(5, 'Missing parameter: clear_until'));
      expect(await api({ service: 'clear_check', checkid: disk, clear_type: 'untildatetime', clear_until: 'tomorrow' })).toBe(fail(4, 'Invalid value for parameter: clear_until'));
      expect(await api({ service: 'clear_check', checkid: disk, clear_type: 'untildatetime', clear_until: '2026-11-26 14:00:00' })).toBe(fail(4, 'clear_until must be in the future'));
      await settings({ clear24x7checks: 0 });
      expect(await api({ service: 'clear_check', checkid: disk })).toBe(fail(4, 'Clearing 24x7 checks is not enabled on this account'));
      await settings({ clear24x7checks: 1, forcenotes: 1 });
      expect(await api({ service: 'clear_check', checkid: disk, private_note: 'only this' })).toBe(
        fail(5, 'Missing parameter: public_note (this account requires both notes to clear a check)'),
      );
      await setFailing(fleet.checks.backup.id);
      await settings({ forcenotes: 0, cleardailysafetychecks: 0 });
      expect(await api({ service: 'clear_check', checkid: fleet.checks.backup.id })).toBe(fail(4, 'Clearing Daily Safety Checks is not enabled on this account'));
      await database.db.updateTable('checks').set({ statusid: CheckStatus.pass }).where('id', '=', fleet.checks.backup.id).execute();
      expect(await check(disk)).toMatchObject({ statusid: CheckStatus.fail, clear_type: '' });
      expect(await notes(disk)).toHaveLength(notesBefore);
      expect(await auditRows('api.clear_check')).toHaveLength(auditBefore);
      // Cleared already: no longer failing.
      expect(await api({ service: 'clear_check', checkid: disk })).toContain('status="OK"');
      expect(await api({ service: 'clear_check', checkid: disk })).toBe(fail(4, 'Check is not failing: only a failing check can be cleared'));
    });

    it('answers a check outside the key\'s scope exactly like a missing one, and refuses read-only keys and roles without Devices', async () => {
      const missing = await api({ service: 'clear_check', checkid: 999_999_999 });
      expect(missing).toBe(fail(4, 'Invalid value for parameter: checkid'));
      expect(await api({ service: 'clear_check', checkid: fleet.checks.disk.id }, keys.restricted)).toBe(missing);
      const globexDisk = (await database.db.selectFrom('checks').select('id').where('account_id', '!=', fleet.account.id).where('description', '=', 'Disk Space Check - Drive C:').executeTakeFirstOrThrow()).id;
      expect(await api({ service: 'clear_check', checkid: globexDisk })).toBe(missing);
      expect(await api({ service: 'clear_check', checkid: fleet.checks.disk.id }, keys.read)).toBe(fail(6, 'Permission denied: this key is read-only'));
      expect(await check(fleet.checks.disk.id)).toMatchObject({ statusid: CheckStatus.fail });
      // The group-restricted key clears a check of its own client.
      await setFailing(fleet.checks.task.id);
      expect(await api({ service: 'clear_check', checkid: fleet.checks.task.id }, keys.restricted)).toContain('status="OK"');
    });

    it('untilnextrun ends with the next result; untildatetime holds through failures before clear_until and ends at it, by result or by the sweep', async () => {
      const clock = movableClock(NOW);
      const ingest = createIngestService({ database, clock });
      const ref: DeviceRef = { accountId: fleet.account.id, clientId: fleet.clients.alpha.id, siteId: fleet.sites.alphaHq.id, deviceId: fleet.devices.alphaDc.id };
      const disk = fleet.checks.disk.id;
      const result = async (at: number, status: 'pass' | 'fail' = 'fail') => {
        clock.at = at;
        await ingest.applyCheckResult(ref, { checkId: disk, at, status, output: 'still full' });
        return check(disk);
      };

      expect(await api({ service: 'clear_check', checkid: disk, clear_type: 'untilnextrun' })).toContain('cleared until its next result');
      expect(await result(NOW + 60)).toMatchObject({ statusid: CheckStatus.fail, clear_type: '', clear_until: null });

      // The account is on UTC in the fixture: 15:30 is an hour after the test's now.
      expect(await api({ service: 'clear_check', checkid: disk, clear_type: 'untildatetime', clear_until: '2026-11-26 15:30:00' })).toContain('cleared until 2026-11-26 15:30:00');
      expect(await check(disk)).toMatchObject({ statusid: CheckStatus.cleared, clear_type: 'untildatetime', clear_until: NOW + 3600 });
      expect(await result(NOW + 1800)).toMatchObject({ statusid: CheckStatus.cleared });
      expect(await result(NOW + 3600)).toMatchObject({ statusid: CheckStatus.fail, clear_type: '' });

      await setFailing(disk);
      expect(await api({ service: 'clear_check', checkid: disk, clear_type: 'untildatetime', clear_until: '2026-11-26T15:30:00Z' })).toContain('status="OK"');
      clock.at = NOW + 3599;
      expect((await ingest.sweep()).clearsEnded).toBe(0);
      clock.at = NOW + 3600;
      const before = await device(fleet.devices.alphaDc.id);
      expect((await ingest.sweep()).clearsEnded).toBe(1);
      expect(await check(disk)).toMatchObject({ statusid: CheckStatus.fail, clear_type: '', clear_until: null });
      expect(await device(fleet.devices.alphaDc.id)).toEqual({ check_fail: before.check_fail + 1, check_clear: before.check_clear - 1 });
    });
  });

  describe('add_check_note', () => {
    it('adds a note shown in list_device_monitoring_details, as the personal key\'s user, with one audit row', async () => {
      const body = await api({ service: 'add_check_note', checkid: fleet.checks.backup.id, private_note: '  Tape swapped  ' }, keys.readWrite);
      expectGolden('add_check_note', body, dialect);
      const admin = (await fleet.services.repos.users.findByEmail('admin@acme.test'))!;
      expect((await notes(fleet.checks.backup.id)).at(-1)).toMatchObject({ user_id: admin.id, private_note: 'Tape swapped', public_note: '' });
      expect(await api({ service: 'list_device_monitoring_details', deviceid: fleet.devices.alphaDc.id })).toContain('<![CDATA[Tape swapped]]>');
      const audit = await auditRows('api.add_check_note');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_user_id: admin.id, actor_label: 'personal key "rw" of admin@acme.test', detail: JSON.stringify({ checkid: fleet.checks.backup.id, private_note: '  Tape swapped  ' }) });
    });

    it('refuses an empty note, a check out of scope (as missing) and a Standard-less role; nothing is written', async () => {
      const before = (await database.db.selectFrom('check_notes').select('id').execute()).length;
      expect(await api({ service: 'add_check_note', checkid: fleet.checks.backup.id, private_note: '  ' })).toBe(fail(5, 'Missing parameter: private_note or public_note'));
      expect(await api({ service: 'add_check_note', checkid: fleet.checks.backup.id, public_note: 'x' }, keys.restricted)).toBe(fail(4, 'Invalid value for parameter: checkid'));
      expect(await api({ service: 'add_check_note', checkid: fleet.checks.backup.id, public_note: 'x' }, keys.read)).toBe(fail(6, 'Permission denied: this key is read-only'));
      expect(await api({ service: 'add_check_note', checkid: fleet.checks.backup.id, public_note: 'x'.repeat(2001) })).toBe(fail(4, 'Invalid value for parameter: public_note'));
      expect((await database.db.selectFrom('check_notes').select('id').execute()).length).toBe(before);
      expect(await auditRows('api.add_check_note')).toHaveLength(1);
    });
  });

  describe('task_run_now', () => {
    it('queues one run_check command for the device, waking its agent\'s long-poll at once, and answers message@time', async () => {
      // A device enrolled over the agent protocol, long-polling for commands.
      const token = (await fleet.services.siteTokens.create(fleet.services.access.systemActor(fleet.account.id), { accountId: fleet.account.id, clientGroupId: null }, FROM, fleet.sites.alphaHq.id)).token;
      const enrolled = await t.app.inject({ method: 'POST', url: '/agent/v1/enrol', payload: { siteToken: token, machineId: 'machine-task-1', facts: facts('task-host') } });
      expect(enrolled.statusCode, enrolled.body).toBe(200);
      const { deviceId, deviceSecret } = enrolled.json() as { deviceId: number; deviceSecret: string };
      const script = await database.db.selectFrom('checks').select('id').where('device_id', '=', deviceId).where('kind', '=', 'script').executeTakeFirstOrThrow();
      const poll = t.app.inject({ method: 'GET', url: '/agent/v1/commands?wait=20', headers: { authorization: `Bearer ${deviceSecret}` } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      const body = await api({ service: 'task_run_now', checkid: script.id });
      expect(body).toBe(`${XML_HEAD}<result ${ATTRS} status="OK"><message time="0">Task queued: it runs as soon as the agent of the device receives it</message></result>`);
      const delivered = (await poll).json() as { commands: unknown[] };
      expect(delivered.commands).toEqual([expect.objectContaining({ kind: 'run_check', params: { checkId: script.id }, createdAt: NOW, expiresAt: NOW + 900 })]);
      expect(Date.now() - started).toBeLessThan(5000);
      // While it is pending, asking again queues nothing more.
      expect(await api({ service: 'task_run_now', checkid: script.id })).toContain('<message time="0">Task already queued');
      expect((await commands()).filter((c) => c.kind === 'run_check' && c.device_id === deviceId)).toHaveLength(1);
      expect(await auditRows('api.task_run_now')).toHaveLength(2);
    });

    it('answers the golden bytes for an Automated Task of a seeded device', async () => {
      expectGolden('task_run_now', await api({ service: 'task_run_now', checkid: fleet.checks.task.id }), dialect);
    });

    it('refuses a check outside the scope like a missing one and a read-only key, queuing nothing', async () => {
      const count = (await commands()).length;
      expect(await api({ service: 'task_run_now', checkid: fleet.checks.disk.id }, keys.restricted)).toBe(fail(4, 'Invalid value for parameter: checkid'));
      expect(await api({ service: 'task_run_now', checkid: fleet.checks.disk.id }, keys.read)).toBe(fail(6, 'Permission denied: this key is read-only'));
      expect(await api({ service: 'task_run_now', checkid: fleet.checks.disk.id }, keys.standard)).toContain('status="OK"');
      expect(await commands()).toHaveLength(count + 1);
    });
  });

  describe('dashboard device page', () => {
    it('clears a check, adds a note and runs a task through the same rules, each audited; refusals show beside their field', async () => {
      const admin = await signIn('admin@acme.test');
      const disk = fleet.checks.disk.id;
      await setFailing(disk);
      await settings({ clear24x7checks: 1, forcenotes: 1 });
      const url = `/devices/${fleet.devices.alphaDc.id}`;
      const page = await get(admin, url);
      expect(page.body).toContain('Check actions');
      expect(page.body).toContain(`action="${url}/checks/clear"`);

      const refused = await post(admin, `${url}/checks/clear`, { checkid: String(disk), private_note: 'why', public_note: '', clear_type: 'untilpasses' });
      expect(refused.statusCode).toBe(422);
      expect(refused.body).toMatch(/id="clear-public"[^>]*>[^<]*<\/textarea><div class="error" role="alert">Missing parameter: public_note/);
      expect(await check(disk)).toMatchObject({ statusid: CheckStatus.fail });

      const cleared = await post(admin, `${url}/checks/clear`, { checkid: String(disk), private_note: 'Disk cleaned', public_note: 'All good', clear_type: 'untildatetime', clear_until: '2026-11-27T09:00' });
      expect(cleared.statusCode).toBe(200);
      expect(cleared.body).toContain('Check cleared.');
      expect(cleared.body).toContain('Disk cleaned');
      const stored = await check(disk);
      expect(stored).toMatchObject({ statusid: CheckStatus.cleared, clear_type: 'untildatetime' });
      expect(Number(stored.clear_until)).toBeGreaterThan(NOW + 12 * 3600);

      const noted = await post(admin, `${url}/checks/note`, { checkid: String(fleet.checks.backup.id), public_note: 'Dashboard <note>' });
      expect(noted.body).toContain('Note added.');
      expect(noted.body).toContain('Dashboard &lt;note&gt;');

      const ran = await post(admin, `${url}/checks/run`, { checkid: String(fleet.checks.backup.id) });
      expect(ran.body).toContain('Task sent to the device');
      expect(ran.body).toMatch(/Task runs[\s\S]*Backup Check - Backup &amp; Recovery[\s\S]*Queued/);

      // A check of another device, or one outside the user's group, is refused beside the check.
      const other = await post(admin, `${url}/checks/run`, { checkid: String(fleet.checks.task.id) });
      expect(other.statusCode).toBe(422);
      expect(other.body).toContain('Choose a check of this device');

      const admin2 = (await fleet.services.repos.users.findByEmail('admin@acme.test'))!;
      for (const action of ['dashboard.clear_check', 'dashboard.add_check_note', 'dashboard.task_run_now']) {
        const rows = await auditRows(action);
        expect(rows, action).toHaveLength(1);
        expect(rows[0]).toMatchObject({ actor_user_id: admin2.id, account_id: fleet.account.id });
      }
    });

    it('refuses a user outside the device\'s client group as for a missing device, writing nothing', async () => {
      const scoped = await signIn('scoped@acme.test');
      const refused = await post(scoped, `/devices/${fleet.devices.alphaDc.id}/checks/note`, { checkid: String(fleet.checks.backup.id), public_note: 'x' });
      expect(refused.statusCode).toBe(422);
      expect(refused.body).toContain('does not exist, or is not in your client group');
      expect(await auditRows('dashboard.add_check_note')).toHaveLength(1);
    });
  });
});

