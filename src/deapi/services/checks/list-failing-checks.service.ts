import { shiftedParts } from '../../../lib/dates.js';
import { CheckStatus } from '../../../checks/check-status.js';
import type { Scope } from '../../../access/scope.js';
import { defineService, x, param, type DataOf, type ServiceContext } from '../../service-spec.js';
import { checkStatusText, localRun } from './check-presenter.js';

const deviceChildren = [
  x.int('id', 'Device id'),
  x.text('name', 'Device name'),
  x.group('failed_checks', [
    x.list('check', 'checks', [
      x.int('checkid', 'Check id'),
      x.int('check_type', 'Check type code'),
      x.text('description', 'Check description'),
      x.text('formatted_output', 'Formatted first line of the result (may contain HTML)', { canBeEmpty: true }),
      x.str('checkstatus', 'Check status, e.g. testerror'),
      x.date('date', 'Device-local date of the failing run'),
      x.str('time', 'Device-local time of the failing run'),
    ]),
  ], { key: 'failed' }),
  x.group('overdue', [x.date('startdate', 'Date the device became overdue (UTC)'), x.str('starttime', 'Time it became overdue (UTC)')], {
    key: 'overdue',
    optional: true,
  }),
  x.group('offline', [x.text('description', 'Why the device is offline, e.g. "offline - maintenance mode"')], { key: 'offline', optional: true }),
] as const;

export const listFailingChecks = defineService({
  name: 'list_failing_checks',
  family: 'checks',
  description: 'Lists the failing checks, and overdue or offline devices, of every client or of one client.',
  params: {
    clientid: param.id('Optional. Limit the result to one client.', false),
    check_type: param.oneOf(['checks', 'tasks', 'random'], 'Optional. checks or random: all failing checks; tasks: Windows Automated Tasks only.'),
  },
  permission: null,
  notes:
    'check_type is disputed between clients: without it, or with checks or random, every failing check is listed (with overdue and offline devices); tasks lists only failing automated tasks. Clients are streamed in id order, sites by name, devices by name.',
  shape: [
    x.group('items', [
      x.list('client', 'clients', [
        x.int('clientid', 'Client id'),
        x.text('name', 'Client name'),
        x.list('site', 'sites', [
          x.int('siteid', 'Site id'),
          x.text('name', 'Site name'),
          x.group('servers', [x.list('server', 'servers', deviceChildren)], { key: undefined }),
          x.group('workstations', [x.list('workstation', 'workstations', deviceChildren)], { key: undefined }),
        ]),
      ], { stream: true }),
    ]),
  ],
  async handler(ctx, params) {
    const onlyTasks = params.check_type === 'tasks';
    if (params.clientid !== undefined) {
      const client = await ctx.clients.requireVisible(ctx.caller.scope, params.clientid);
      return { clients: failingClients(ctx, ctx.caller.scope, onlyTasks, [client]) };
    }
    return { clients: failingClients(ctx, ctx.caller.scope, onlyTasks) };
  },
});

type ClientRef = { id: number; name: string; device_count?: number };
type Reads = Pick<ServiceContext, 'clients' | 'sites' | 'devices' | 'checks'>;
type SiteName = Awaited<ReturnType<Reads['sites']['namesOfClients']>>[number];
type ProblemDevice = Awaited<ReturnType<Reads['devices']['problemDevicesOfClients']>>[number];
type FailingCheck = Awaited<ReturnType<Reads['checks']['failingOfClients']>>[number];

/**
 * Devices a batch of clients may hold at most (a client with more is a batch of its own): the rows a
 * batch's two queries read stay about one keyset page, while a whole account takes a few queries per
 * thousand devices instead of two per client (measured, 200 clients: two queries per client 97 ms of
 * SQLite, by ranges of clients 78 ms, plus Kysely's cost of building 400 queries instead of ~100).
 */
const BATCH_DEVICES = 1000;

/** Rows of `rows` (ordered by client id) from `from` on whose client is `clientId`: the range [start, end). */
function runOf(rows: readonly { client_id: number }[], from: number, clientId: number): [number, number] {
  let start = from;
  while (start < rows.length && rows[start]!.client_id < clientId) start++;
  let end = start;
  while (end < rows.length && rows[end]!.client_id === clientId) end++;
  return [start, end];
}

/**
 * The clients in batches of consecutive ids, their problem devices and failing checks read with two
 * range queries per batch and grouped by client and site (the sites' names and order read once per
 * page of clients). Each client is yielded as soon as its batch is read, so the answer starts at once
 * and only one batch is held in memory.
 */
async function* failingClients(reads: Reads, scope: Scope, onlyTasks: boolean, only?: ClientRef[]) {
  const clientPages: AsyncIterable<ClientRef[]> | Iterable<ClientRef[]> = only ? [only] : reads.clients.pages(scope);
  for await (const page of clientPages) {
    const sites = await reads.sites.namesOfClients(scope, { from: page[0]!.id, to: page[page.length - 1]!.id });
    let s = 0;
    for (const batch of batchesOf(page)) {
      const clients = { from: batch[0]!.id, to: batch[batch.length - 1]!.id };
      const [devices, checks] = await Promise.all([
        reads.devices.problemDevicesOfClients(scope, clients, onlyTasks),
        reads.checks.failingOfClients(scope, clients, onlyTasks),
      ]);
      // All three lists are ordered by client id, as the batch is: walk them along the clients.
      let d = 0;
      let k = 0;
      for (const client of batch) {
        const [firstSite, endSite] = runOf(sites, s, client.id);
        const [firstDevice, endDevice] = runOf(devices, d, client.id);
        const [firstCheck, endCheck] = runOf(checks, k, client.id);
        [s, d, k] = [endSite, endDevice, endCheck];
        if (firstDevice === endDevice) continue;
        const failing = failingSites(sites.slice(firstSite, endSite), devices.slice(firstDevice, endDevice), checks.slice(firstCheck, endCheck), onlyTasks);
        if (failing.length > 0) yield [{ clientid: client.id, name: client.name, sites: failing }];
      }
    }
  }
}

/** Consecutive clients (in id order) holding at most BATCH_DEVICES devices together, or one client each. */
function* batchesOf(clients: readonly ClientRef[]): Generator<ClientRef[]> {
  let batch: ClientRef[] = [];
  let devices = 0;
  for (const client of clients) {
    const count = client.device_count ?? BATCH_DEVICES;
    if (batch.length > 0 && devices + count > BATCH_DEVICES) {
      yield batch;
      batch = [];
      devices = 0;
    }
    batch.push(client);
    devices += count;
  }
  if (batch.length > 0) yield batch;
}

const FAILING = checkStatusText(CheckStatus.fail);

/**
 * One client's problem devices (by site id, then name) and their failing checks, grouped by site in
 * the order of the client's sites (by name, then id).
 */
function failingSites(siteNames: readonly SiteName[], devices: readonly ProblemDevice[], checks: readonly FailingCheck[], onlyTasks: boolean) {
  const checksByDevice = new Map<number, FailingCheck[]>();
  for (const k of checks) {
    let list = checksByDevice.get(k.device_id);
    if (!list) checksByDevice.set(k.device_id, (list = []));
    list.push(k);
  }
  type SiteOut = { siteid: number; name: string; servers: DataOf<typeof deviceChildren>[]; workstations: DataOf<typeof deviceChildren>[] };
  const bySite = new Map<number, SiteOut>();
  let current: SiteOut | undefined;
  for (const d of devices) {
    if (current?.siteid !== d.site_id) bySite.set(d.site_id, (current = { siteid: d.site_id, name: '', servers: [], workstations: [] }));
    const failed = (checksByDevice.get(d.id) ?? []).map((k) => {
      const run = localRun(k.last_run_at, d.utc_offset);
      return { checkid: k.id, check_type: k.check_type, description: k.description, formatted_output: k.formatted_output, checkstatus: FAILING, date: run.date, time: run.time };
    });
    const since = d.overdue_since === null ? undefined : shiftedParts(d.overdue_since, 0);
    const overdue = since && { startdate: since.date, starttime: since.time };
    const device = {
      id: d.id,
      name: d.name,
      failed: { checks: failed },
      overdue: onlyTasks ? undefined : overdue,
      offline: onlyTasks || d.offline_reason === null ? undefined : { description: d.offline_reason },
    };
    if (d.device_type === 'server') current.servers.push(device);
    else if (d.device_type === 'workstation') current.workstations.push(device);
  }
  const sites: SiteOut[] = [];
  for (const site of siteNames) {
    const out = bySite.get(site.id);
    if (!out) continue;
    out.name = site.name;
    sites.push(out);
  }
  return sites;
}
