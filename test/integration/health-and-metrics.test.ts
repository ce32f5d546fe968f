import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResponse, EnrolResponse } from '../../src/agent-protocol/protocol.schema.js';
import { openDatabase } from '../../src/db/database.js';
import { MIGRATION_NAMES } from '../../src/db/migrate.js';
import { SERVICES } from '../../src/deapi/registry.js';
import { AREAS } from '../../src/metrics/request-metrics.js';
import { buildTestApp, callApi, type TestApp } from '../support/app.js';
import { csrfIn } from '../support/dashboard-client.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';
import { facts } from '../support/ingest.js';
import { makeFleet, NOW, type Fleet } from '../factories.js';

type Sample = { name: string; labels: Record<string, string>; value: number };

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]Inf|NaN)$/;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(?:,|$)/;

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is a HELP, a TYPE or a sample; each
 * family's HELP and TYPE come once, before its samples, which are contiguous; label pairs and values are
 * well-formed; histogram buckets are cumulative and end in +Inf equal to _count. Fails on anything else.
 */
function parseExposition(text: string): Sample[] {
  expect(text.endsWith('\n'), 'the exposition ends with a line feed').toBe(true);
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  let current: string | undefined;
  const finished = new Set<string>();
  for (const line of text.slice(0, -1).split('\n')) {
    const help = new RegExp(`^# HELP (${NAME}) \\S.*$`).exec(line);
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (help || type) {
      const name = (help ?? type)![1]!;
      if (current !== name && current !== undefined) finished.add(current);
      expect(finished.has(name), `${name} declared after its samples ended`).toBe(false);
      current = name;
      if (help) {
        expect(helped.has(name), `HELP of ${name} twice`).toBe(false);
        helped.add(name);
      } else {
        expect(types.has(name), `TYPE of ${name} twice`).toBe(false);
        types.set(name, type![2]!);
      }
      continue;
    }
    const match = SAMPLE.exec(line);
    expect(match, `not a sample line: ${JSON.stringify(line)}`).not.toBeNull();
    const [, name, labelText = '', valueText] = match!;
    expect(valueText, line).toMatch(VALUE);
    const labels: Record<string, string> = {};
    for (let rest = labelText; rest.length > 0;) {
      const pair = LABEL.exec(rest);
      expect(pair, `bad labels in ${line}`).not.toBeNull();
      expect(labels[pair![1]!], `label ${pair![1]} twice in ${line}`).toBeUndefined();
      labels[pair![1]!] = pair![2]!;
      rest = rest.slice(pair![0].length);
    }
    const family = types.get(name!) === undefined ? name!.replace(/_(bucket|sum|count)$/, '') : name!;
    expect(family, `${line} outside its family's block`).toBe(current);
    expect(types.has(family), `${name} has no TYPE`).toBe(true);
    if (types.get(family) === 'counter') expect(family).toMatch(/_total$/);
    samples.push({ name: name!, labels, value: Number(valueText!.replace('Inf', 'Infinity')) });
  }
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
      expect(buckets.at(-1)!.labels.le).toBe('+Inf');
      const count = samples.find((x) => x.name === `${family}_count` && JSON.stringify(x.labels) === key);
      expect(count?.value, `${family}_count ${key}`).toBe(buckets.at(-1)!.value);
      expect(samples.some((x) => x.name === `${family}_sum` && JSON.stringify(x.labels) === key)).toBe(true);
    }
  }
  return samples;
}

/** The value of one series, 0 when absent (a counter not yet incremented is not written). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

/** Every label value /metrics may write: a closed set, so nothing about an account, key or address can appear. */
const ALLOWED_LABEL_VALUES = new Set<string>([
  ...AREAS, '1xx', '2xx', '3xx', '4xx', '5xx', ...SERVICES.map((s) => s.name), 'unknown', 'ok', 'error', 'throttled',
  'queued', 'delivered', 'bad_api_key', 'password',
]);

describe.each(DIALECTS)('/healthz and /metrics on %s', (dialect) => {
  let database: TestDatabase;
  let fleet: Fleet;
  let t: TestApp;

  const scrape = async (app = t.app) => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return { text: res.body, samples: parseExposition(res.body) };
  };

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    fleet = await makeFleet(database);
    t = await buildTestApp(database, { badKeyLimit: 2, passwordTriesPerMinute: 1, metricsToken: 'a-long-enough-scrape-token' });
  });
  afterAll(async () => {
    await t?.app.close();
    await database?.drop();
  });

  describe('/healthz', () => {
    it('answers 200 with both checks ok on a reachable, fully migrated database (HEAD too)', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ok: true, checks: { database: 'ok', migrations: 'ok' } });
      expect(res.headers['cache-control']).toBe('no-store');
      expect((await t.app.inject({ method: 'HEAD', url: '/healthz' })).statusCode).toBe(200);
    });

    it('answers 503 naming the migrations check when the database lacks the last migration, or has one this version does not know', async () => {
      const behind = await createTestDatabase(dialect);
      try {
        const last = MIGRATION_NAMES.at(-1)!;
        await sql`delete from sightline_migrations where name = ${last}`.execute(behind.db);
        const app = await buildTestApp(behind);
        const res = await app.app.inject({ method: 'GET', url: '/healthz' });
        await app.app.close();
        expect(res.statusCode).toBe(503);
        expect(res.json()).toEqual({ ok: false, checks: { database: 'ok', migrations: `behind: 1 migration(s) not applied, from ${last}` } });

        await sql`insert into sightline_migrations (name, timestamp) values (${last}, '2026-01-01T00:00:00.000Z'), ('9999-from-a-newer-version', '2026-01-01T00:00:00.000Z')`.execute(behind.db);
        const ahead = await buildTestApp(behind);
        const newer = await ahead.app.inject({ method: 'GET', url: '/healthz' });
        await ahead.app.close();
        expect(newer.statusCode).toBe(503);
        expect(newer.json().checks).toEqual({ database: 'ok', migrations: expect.stringContaining('unknown migration(s) 9999-from-a-newer-version') });
      } finally {
        await behind.drop();
      }
    });

    it('answers 503 naming the database check when the database is gone, and when it does not answer in time', async () => {
      const closed = await openDatabase(database.url, { migrate: false });
      const gone = await buildTestApp(closed);
      // Kysely connects on the first query: without one, closing it would do nothing.
      await sql`select 1`.execute(closed.db);
      await closed.close();
      const res = await gone.app.inject({ method: 'GET', url: '/healthz' });
      await gone.app.close();
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ ok: false, checks: { database: 'query failed', migrations: 'not checked' } });
      expect(res.body).not.toContain(database.url);

      // Every connection busy for longer than the probe's 2 s timeout: SQLite's one connection held by a
      // transaction, PostgreSQL's whole pool (10) asleep.
      const busy = await openDatabase(database.url, { migrate: false });
      const slow = await buildTestApp(busy);
      const holding = dialect === 'sqlite'
        ? busy.db.transaction().execute(() => new Promise((resolve) => setTimeout(resolve, 3000)))
        : Promise.all(Array.from({ length: 10 }, () => sql`select pg_sleep(3)`.execute(busy.db)));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const late = await slow.app.inject({ method: 'GET', url: '/healthz' });
      await holding;
      await slow.app.close();
      await busy.close();
      expect(late.statusCode).toBe(503);
      expect(late.json()).toEqual({ ok: false, checks: { database: 'no answer within 2000 ms', migrations: 'not checked' } });
    }, 30_000);
  });

  describe('/metrics', () => {
    it('is well-formed Prometheus text with the request, ingestion, command, throttle and process families', async () => {
      const { samples } = await scrape();
      const names = new Set(samples.map((s) => s.name));
      for (const name of [
        'sightline_http_requests_total', 'sightline_http_request_duration_seconds_bucket', 'sightline_agent_reports_applied_total',
        'sightline_agent_check_results_applied_total', 'sightline_agent_commands_pending', 'sightline_throttled_addresses',
        'process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'process_uptime_seconds',
      ]) expect(names, name).toContain(name);
      expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
      expect(valueOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    });

    it('counts API calls by service and outcome, and requests by area with their latency', async () => {
      const before = (await scrape()).samples;
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).statusCode).toBe(200);
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_clients' })).statusCode).toBe(200);
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'list_sites' })).body).toContain('<errorcode>5</errorcode>');
      expect((await callApi(t.app, { apikey: fleet.apiKey, service: 'no_such_service' })).body).toContain('<errorcode>2</errorcode>');
      const bad = (address: string) => t.app.inject({ method: 'GET', url: `/api/?apikey=${'0'.repeat(32)}&service=list_devices_at_client`, remoteAddress: address });
      for (const address of ['203.0.113.40', '203.0.113.40']) expect((await bad(address)).body).toContain('<errorcode>3</errorcode>');
      expect((await bad('203.0.113.40')).statusCode).toBe(429);
      expect((await t.app.inject({ method: 'GET', url: '/login' })).statusCode).toBe(200);
      const after = (await scrape()).samples;

      const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
      expect(delta('sightline_api_requests_total', { service: 'list_clients', outcome: 'ok' })).toBe(2);
      expect(delta('sightline_api_requests_total', { service: 'list_sites', outcome: 'error', code: '5' })).toBe(1);
      expect(delta('sightline_api_requests_total', { service: 'unknown', outcome: 'error', code: '2' })).toBe(1);
      expect(delta('sightline_api_requests_total', { service: 'list_devices_at_client', outcome: 'error', code: '3' })).toBe(2);
      expect(delta('sightline_api_requests_total', { service: 'list_devices_at_client', outcome: 'throttled' })).toBe(1);
      expect(delta('sightline_http_requests_total', { area: 'api', status: '2xx' })).toBe(6);
      expect(delta('sightline_http_requests_total', { area: 'api', status: '4xx' })).toBe(1);
      expect(delta('sightline_http_requests_total', { area: 'dashboard', status: '2xx' })).toBe(1);
      expect(delta('sightline_http_request_duration_seconds_count', { area: 'api' })).toBe(7);
      expect(delta('sightline_http_request_duration_seconds_sum', { area: 'api' })).toBeGreaterThan(0);
      // The scrape before this one is itself a request of the "other" area.
      expect(delta('sightline_http_requests_total', { area: 'other', status: '2xx' })).toBe(1);
      expect(valueOf(after, 'sightline_throttled_addresses', { limiter: 'bad_api_key' })).toBe(1);
    });

    it('counts applied agent reports and check results (a retried batch once) and pending commands', async () => {
      const system = fleet.services.access.systemActor(fleet.account.id);
      const { token } = await fleet.services.siteTokens.create(system, { accountId: fleet.account.id, clientGroupId: null }, 'test', fleet.sites.alphaHq.id);
      const enrolled = await t.app.inject({ method: 'POST', url: '/agent/v1/enrol', payload: { siteToken: token, machineId: 'metrics-machine', facts: facts('metrics-probe-01') } });
      expect(enrolled.statusCode, enrolled.body).toBe(200);
      const { deviceId, deviceSecret } = EnrolResponse.parse(enrolled.json());
      const headers = { authorization: `Bearer ${deviceSecret}` };
      const config = ConfigResponse.parse((await t.app.inject({ method: 'GET', url: '/agent/v1/config', headers })).json());
      expect(config.checks.length).toBeGreaterThan(1);
      const before = (await scrape()).samples;

      const report = { batchId: 'metrics-batch-1', sentAt: NOW, checkResults: config.checks.map((c) => ({ checkId: c.checkId, at: NOW - 10, status: 'pass', output: 'fine' })) };
      for (let i = 0; i < 2; i++) expect((await t.app.inject({ method: 'POST', url: '/agent/v1/reports', headers, payload: report })).statusCode).toBe(200);
      await database.db.insertInto('agent_commands').values({
        account_id: fleet.account.id, device_id: deviceId, kind: 'run_check', params: '{}', dedupe_key: 'metrics', status: 'queued', created_at: NOW, delivered_at: null, acked_at: null, expires_at: NOW + 3600, outcome: null,
      }).execute();
      const after = (await scrape()).samples;

      const delta = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
      expect(delta('sightline_agent_reports_applied_total')).toBe(1);
      expect(delta('sightline_agent_check_results_applied_total')).toBe(config.checks.length);
      expect(delta('sightline_agent_commands_pending', { status: 'queued' })).toBe(1);
      expect(delta('sightline_http_requests_total', { area: 'agent', status: '2xx' })).toBe(2);
    });

    it('counts addresses out of password tries', async () => {
      const page = await t.app.inject({ method: 'GET', url: '/login', remoteAddress: '198.51.100.77' });
      const cookie = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      const login = () => t.app.inject({
        method: 'POST', url: '/login', remoteAddress: '198.51.100.77', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        payload: new URLSearchParams({ _csrf: csrfIn(page.body), email: 'nobody@acme.test', password: 'Wrong1Password' }).toString(),
      });
      expect((await login()).statusCode).not.toBe(429);
      expect((await login()).statusCode).toBe(429);
      expect(valueOf((await scrape()).samples, 'sightline_throttled_addresses', { limiter: 'password' })).toBe(1);
    });

    it('names no account, client, user, key or address: every label value comes from a closed set', async () => {
      const { text, samples } = await scrape();
      for (const sample of samples) {
        for (const [label, value] of Object.entries(sample.labels)) {
          if (label === 'le') expect(value).toMatch(VALUE);
          else if (label === 'code') expect(value).toMatch(/^\d{1,2}$/);
          else expect(ALLOWED_LABEL_VALUES, `${sample.name}{${label}="${value}"}`).toContain(value);
        }
      }
      for (const secret of [fleet.apiKey, fleet.account.name, 'Alpha Dental', 'metrics-probe-01', 'metrics-machine', '203.0.113.40', '198.51.100.77', '127.0.0.1']) {
        expect(text).not.toContain(secret);
      }
    });

    it('answers loopback, and elsewhere only a scraper with SIGHTLINE_METRICS_TOKEN', async () => {
      const from = (remoteAddress: string, authorization?: string) =>
        t.app.inject({ method: 'GET', url: '/metrics', remoteAddress, headers: authorization ? { authorization } : {} });
      expect((await from('127.0.0.1')).statusCode).toBe(200);
      expect((await from('::1')).statusCode).toBe(200);
      expect((await from('192.0.2.10')).statusCode).toBe(403);
      expect((await from('192.0.2.10', 'Bearer a-long-enough-scrape-tokeX')).statusCode).toBe(403);
      const allowed = await from('192.0.2.10', 'Bearer a-long-enough-scrape-token');
      expect(allowed.statusCode).toBe(200);
      parseExposition(allowed.body);
      // A request forwarded by an untrusted peer stays that peer's; one a proxy on this host forwarded is not local.
      expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.0.2.10', headers: { 'x-forwarded-for': '127.0.0.1' } })).statusCode).toBe(403);
      for (const header of [{ 'x-forwarded-for': '203.0.113.50' }, { forwarded: 'for=203.0.113.50' }, { 'x-real-ip': '203.0.113.50' }]) {
        expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers: header })).statusCode).toBe(403);
      }
      expect((await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': '203.0.113.50', authorization: 'Bearer a-long-enough-scrape-token' } })).statusCode).toBe(200);
    });
  });
});
