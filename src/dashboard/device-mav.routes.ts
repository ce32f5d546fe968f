import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type DashboardRoutes, isFragmentRequest, pageContext, sendHtml } from './dashboard.context.js';
import type { DeviceMavService } from './device-mav.service.js';
import { formRoute, positiveId } from './form.js';
import { mavPage, mavPanel, type MavPanelState } from './views/device-mav.view.js';

export type DeviceMavRoutesDeps = { deviceMav: DeviceMavService };

const deviceIdOf = (request: FastifyRequest) => positiveId((request.params as { id: string }).id);

/**
 * The device page's Managed Antivirus panel (`/devices/:id/mav`): an htmx fragment loaded into the device
 * page, or a page of its own for a plain request; Start a scan posts to `/devices/:id/mav/scan` and gets
 * the panel back with what happened. The service asks for the Devices permission and answers a device
 * outside the user's client group 404.
 */
export function registerDeviceMavRoutes(deps: DeviceMavRoutesDeps): DashboardRoutes {
  return (scope, { assets }) => {
    const answer = async (request: FastifyRequest, reply: FastifyReply, state: MavPanelState = {}) => {
      const ctx = pageContext(request, assets);
      const data = await deps.deviceMav.panel(request.sessionUser, deviceIdOf(request));
      return sendHtml(reply, isFragmentRequest(request) ? mavPanel(ctx, data, state) : mavPage(ctx, data, state));
    };

    scope.get('/devices/:id/mav', (request, reply) => answer(request, reply));

    formRoute(scope, '/devices/:id/mav/scan', { schema: z.object({}) }, async (request, reply) => {
      const result = await deps.deviceMav.startScan(request.sessionUser, request.ip, deviceIdOf(request));
      const state = result.ok
        ? { notice: result.queued ? 'Scan requested: the agent starts it when it next connects (at once if it is online).' : 'A scan was already requested and is waiting for the agent.' }
        : { error: `The scan was not started: ${result.message}.` };
      return answer(request, reply, state);
    });
  };
}
