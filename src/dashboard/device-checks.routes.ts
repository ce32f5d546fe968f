import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CLEAR_TYPES } from '../checks/check-status.js';
import { type DashboardRoutes, pageContext, sendHtml } from './dashboard.context.js';
import type { DeviceChecksService } from './device-checks.service.js';
import type { FleetService } from './fleet.service.js';
import { formRoute, formValues, positiveId, type RefusedForm, text } from './form.js';
import type { CheckActionForm, CheckActionsState } from './views/device-checks.view.js';
import { devicePage, notFoundPage } from './views/device.view.js';
import { clientTree } from './views/devices.view.js';

export type DeviceChecksRoutesDeps = { fleet: FleetService; deviceChecks: DeviceChecksService };

const checkid = z.string().regex(/^[1-9][0-9]{0,15}$/, 'Choose a check').transform(Number);
const notes = { private_note: text(2000), public_note: text(2000) };
const forms = {
  clear: z.object({ checkid, ...notes, clear_type: z.enum(CLEAR_TYPES, { error: 'Choose how long the check stays cleared' }).default('untilpasses'), clear_until: text(25) }),
  note: z.object({ checkid, ...notes }),
  run: z.object({ checkid }),
};

const deviceIdOf = (request: FastifyRequest) => positiveId((request.params as { id: string }).id);

/**
 * The device page's check actions (`/devices/:id/checks/…`): clear a failing check, add a note, run a
 * task. The device-checks service asks for the Devices permission, applies the API's rules and audits;
 * each answer is the device page again with a notice, or with the refusal beside its form's field.
 */
export function registerDeviceChecksRoutes(deps: DeviceChecksRoutesDeps): DashboardRoutes {
  return (scope, { assets }) => {
    const render = async (request: FastifyRequest, checkActions: CheckActionsState) => {
      const ctx = pageContext(request, assets);
      const id = deviceIdOf(request);
      const found = id === undefined ? null : await deps.fleet.devicePage(request.sessionUser, id);
      if (!found) return notFoundPage(ctx, 'device');
      const { detail, tree } = found;
      const tab = detail.device.device_type === 'workstation' ? 'workstation' : 'server';
      return devicePage(ctx, clientTree(tree, { tab, clientId: detail.client?.id, siteId: detail.site?.id }), { ...detail, checkActions });
    };
    const refused = (form: CheckActionForm): RefusedForm => (request, refusal) =>
      render(request, { values: formValues(request), error: { form, field: refusal.field, message: refusal.message } });
    /** The device of the URL; a missing one is refused like a check that is not on it. */
    const deviceOf = (request: FastifyRequest) => deviceIdOf(request) ?? 0;

    formRoute(scope, '/devices/:id/checks/clear', { schema: forms.clear, refused: refused('clear') }, async (request, reply, form) => {
      await deps.deviceChecks.clear(request.sessionUser, request.ip, deviceOf(request), form);
      return sendHtml(reply, await render(request, { notice: 'Check cleared.' }));
    });

    formRoute(scope, '/devices/:id/checks/note', { schema: forms.note, refused: refused('note') }, async (request, reply, form) => {
      await deps.deviceChecks.addNote(request.sessionUser, request.ip, deviceOf(request), form);
      return sendHtml(reply, await render(request, { notice: 'Note added.' }));
    });

    formRoute(scope, '/devices/:id/checks/run', { schema: forms.run, refused: refused('run') }, async (request, reply, { checkid }) => {
      const { queued } = await deps.deviceChecks.runTask(request.sessionUser, request.ip, deviceOf(request), checkid);
      return sendHtml(reply, await render(request, { notice: queued ? 'Task sent to the device\'s agent: it runs as soon as the agent receives it.' : 'This task is already waiting for the device\'s agent.' }));
    });
  };
}
