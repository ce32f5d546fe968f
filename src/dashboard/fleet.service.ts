import type { AccessService } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { Scope } from '../access/scope.js';
import type { DeviceType } from '../devices/device-type.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import type { Repositories } from '../repositories.js';
import { devicePatchRows } from './device-patches.service.js';
import { RUN_CHECK_COMMAND } from '../checks/check-action.service.js';
import type { SessionUser } from './session.service.js';

export const DEVICE_PAGE_SIZE = 50;
/** The device page shows outages still open or closed within this many days. */
export const OUTAGE_HISTORY_DAYS = 30;
/** The device page lists this many of the latest task runs. */
const TASK_RUNS_SHOWN = 10;

export type DeviceListQuery = {
  deviceType: DeviceType;
  clientId?: number;
  siteId?: number;
  after?: { name: string; id: number };
};

/** What the All Devices view and the device page show, always within the signed-in user's scope. */
export function createFleetService(deps: { repos: Repositories; clock: Clock; access: AccessService }) {
  const { repos, clock, access } = deps;

  /** The client tree; the selected client (if visible) comes with its sites. */
  async function tree(scope: Scope, selectedClientId?: number) {
    const clients = await repos.clients.listForTree(scope);
    const selected = selectedClientId === undefined ? undefined : clients.find((c) => c.id === selectedClientId);
    const sites = selected ? await repos.sites.listByClientByName(scope, selected.id) : [];
    return { clients, selectedClientId: selected?.id, sites };
  }

  /**
   * One page of devices, each marked `enrolled` when a Sightline agent reports for it (an unrevoked
   * device secret). A client or site outside the scope is treated as absent (null), like an id that does
   * not exist, so scope cannot be probed.
   */
  async function listDevices(scope: Scope, query: DeviceListQuery) {
    let client: { id: number; name: string } | undefined;
    let site: { id: number; name: string; client_id: number } | undefined;
    if (query.siteId !== undefined) {
      site = await repos.sites.findVisible(scope, query.siteId);
      if (!site) return null;
      client = await repos.clients.findVisible(scope, site.client_id);
    } else if (query.clientId !== undefined) {
      client = await repos.clients.findVisible(scope, query.clientId);
      if (!client) return null;
    }
    const filter = { siteId: site?.id, clientId: client?.id };
    const [rows, counts] = await Promise.all([
      repos.devices.listPage(scope, { ...filter, deviceType: query.deviceType }, query.after, DEVICE_PAGE_SIZE + 1),
      repos.devices.countByType(scope, filter),
    ]);
    const hasMore = rows.length > DEVICE_PAGE_SIZE;
    const page = rows.slice(0, DEVICE_PAGE_SIZE);
    const last = page[page.length - 1];
    const enrolled = await repos.deviceCredentials.enrolledAmong(scope, page.map((d) => d.id));
    return {
      client,
      site,
      rows: page.map((d) => ({ ...d, enrolled: enrolled.has(d.id) })),
      counts,
      next: hasMore && last ? { name: last.name, id: last.id } : undefined,
      now: epochSeconds(clock),
    };
  }

  /** A device with its checks, recent outages, notes, patches and whether an agent is enrolled; null when absent or outside the scope. */
  async function device(scope: Scope, deviceId: number) {
    const found = await repos.devices.findVisible(scope, deviceId);
    if (!found) return null;
    const now = epochSeconds(clock);
    const [client, site, checks, outages, notes, enrolled, patches, taskRuns] = await Promise.all([
      repos.clients.findVisible(scope, found.client_id),
      repos.sites.findVisible(scope, found.site_id),
      repos.checks.listByDevice(scope, found.id),
      repos.outages.listByDevice(scope, found.id, now - OUTAGE_HISTORY_DAYS * 86400),
      repos.checks.notesByDevice(scope, found.id),
      repos.deviceCredentials.enrolledAmong(scope, [found.id]),
      devicePatchRows(repos, scope, found, now),
      repos.commands.listByDeviceOfKind(scope.accountId, found.id, RUN_CHECK_COMMAND, TASK_RUNS_SHOWN),
    ]);
    return { device: found, client, site, checks, outages: outages.reverse(), notes, patches, enrolled: enrolled.has(found.id), now, taskRuns };
  }

  /** The fleet pages need the Devices permission (a Client role has none unless a custom role adds it). */
  const requireDevices = (user: SessionUser) => access.require(user.actor, Permission.devices, 'seeing devices');

  return {
    tree,
    listDevices,
    device,

    /** The All Devices page: a page of devices and the tree beside it; null when the client or site is absent. */
    async devicesPage(user: SessionUser, query: DeviceListQuery) {
      requireDevices(user);
      const list = await listDevices(user.scope, query);
      return list && { ...list, tree: await tree(user.scope, list.client?.id) };
    },

    /** A device's page and the tree beside it; null when the device is absent or outside the scope. */
    async devicePage(user: SessionUser, deviceId: number) {
      requireDevices(user);
      const detail = await device(user.scope, deviceId);
      return detail && { detail, tree: await tree(user.scope, detail.client?.id) };
    },
  };
}

export type FleetService = ReturnType<typeof createFleetService>;
