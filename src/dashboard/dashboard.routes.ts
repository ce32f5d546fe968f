import type { DeviceType } from '../devices/device-type.js';
import { type DashboardRoutes, pageContext, sendHtml } from './dashboard.context.js';
import type { FleetService } from './fleet.service.js';
import { positiveId } from './form.js';
import { devicePage, notFoundPage } from './views/device.view.js';
import { clientTree, devicesPage, devicesUrl } from './views/devices.view.js';

/**
 * All Devices and the device page. The fleet service checks the Devices permission and the scope; a
 * client, site or device it does not find (absent, or outside the user's client group) is answered 404.
 */
export function registerFleetRoutes(fleet: FleetService): DashboardRoutes {
  return (scope, { assets }) => {
    scope.get('/', async (request, reply) => {
      const q = request.query as Record<string, string | undefined>;
      const tab: DeviceType = q.tab === 'workstations' ? 'workstation' : 'server';
      const siteId = positiveId(q.site);
      const after = decodeCursor(q.after);
      const ctx = pageContext(request, assets);
      const list = await fleet.devicesPage(request.sessionUser, { deviceType: tab, clientId: positiveId(q.client), siteId, after });
      if (!list) return sendHtml(reply, notFoundPage(ctx, siteId !== undefined ? 'site' : 'client'), 404);
      const filter = { tab, clientId: list.client?.id, siteId: list.site?.id };
      return sendHtml(reply, devicesPage(ctx, clientTree(list.tree, filter), {
        tab, client: list.client, site: list.site, rows: list.rows, counts: list.counts, now: list.now,
        nextUrl: list.next ? devicesUrl({ ...filter, after: encodeCursor(list.next) }) : undefined,
        firstUrl: after ? devicesUrl(filter) : undefined,
      }));
    });

    scope.get('/devices/:id', async (request, reply) => {
      const ctx = pageContext(request, assets);
      const id = positiveId((request.params as { id: string }).id);
      const found = id === undefined ? null : await fleet.devicePage(request.sessionUser, id);
      if (!found) return sendHtml(reply, notFoundPage(ctx, 'device'), 404);
      const { detail, tree } = found;
      const tab = detail.device.device_type === 'workstation' ? 'workstation' : 'server';
      return sendHtml(reply, devicePage(ctx, clientTree(tree, { tab, clientId: detail.client?.id, siteId: detail.site?.id }), detail));
    });
  };
}

/** The keyset cursor of the device list, opaque in the URL: base64url of [name, id]. */
export function encodeCursor(cursor: { name: string; id: number }): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string | undefined): { name: string; id: number } | undefined {
  if (!value || value.length > 1400) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    // A NUL in the name would fail the query on PostgreSQL, whose text cannot hold one.
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && !parsed[0].includes('\u0000') && Number.isSafeInteger(parsed[1])) return { name: parsed[0], id: parsed[1] };
  } catch {
    // A mangled cursor starts from the first page.
  }
  return undefined;
}
