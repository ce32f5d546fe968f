import { z } from 'zod';
import type { DashboardRoutes } from './dashboard.context.js';
import { DASHBOARD_PATCH_ACTIONS, type DevicePatchesService } from './device-patches.service.js';
import { formRoute, positiveId, text } from './form.js';

const patchForm = z.object({ patchid: text(20) });

/**
 * Approve / Ignore on the device page's Patches panel. The service checks the Devices permission, the
 * device (404 outside the client group) and the patch (422 when not the device's), writes and audits;
 * a refusal is answered by the dashboard's error handler as a page saying why. Done, the browser goes
 * back to the device page, which shows the new policy.
 */
export function registerDevicePatchRoutes(deps: { devicePatches: DevicePatchesService }): DashboardRoutes {
  return (scope) => {
    for (const action of DASHBOARD_PATCH_ACTIONS) {
      formRoute(scope, `/devices/:id/patches/${action}`, { schema: patchForm }, async (request, reply, { patchid }) => {
        const deviceId = positiveId((request.params as { id: string }).id);
        await deps.devicePatches.act(request.sessionUser, request.ip, deviceId, action, patchid);
        return reply.redirect(`/devices/${deviceId}#patches`, 303);
      });
    }
  };
}
