import type { AccessService } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { Scope } from '../access/scope.js';
import type { CommandRepository } from '../commands/command.repository.js';
import type { WriteUnit } from '../deapi/api-call.service.js';
import { AppError } from '../errors.js';
import { lastPatchCommands, type PatchAction } from '../patches/patch-action.service.js';
import type { PatchRepository } from '../patches/patch.repository.js';
import type { SessionUser } from './session.service.js';

/** What the device page's patch panel may do to one patch. */
export const DASHBOARD_PATCH_ACTIONS = ['approve', 'ignore'] as const satisfies readonly PatchAction[];
export type DashboardPatchAction = (typeof DASHBOARD_PATCH_ACTIONS)[number];

/** The device page's patches (the device already known visible), each with its latest reprocess/retry command. */
export async function devicePatchRows(
  repos: { patches: Pick<PatchRepository, 'listByDevice'>; commands: Pick<CommandRepository, 'listByDevice'> },
  scope: Scope,
  device: { id: number; account_id: number },
  now: number,
) {
  const [rows, commands] = await Promise.all([repos.patches.listByDevice(scope, device.id), lastPatchCommands(repos.commands, now, device.account_id, device.id)]);
  return rows.map((p) => ({ ...p, command: commands.get(p.id) }));
}

export type DevicePatchRow = Awaited<ReturnType<typeof devicePatchRows>>[number];

const deviceNotFound = () => new AppError('invalidValue', 'This device does not exist, or is not in your client group.', { status: 404 }, 'deviceid');

/**
 * Approve / ignore a patch from the device page, through the rule of patch_approve / patch_ignore
 * (patches/patch-action.service.ts) in one transaction with its audit entry (`dashboard.patch_<action>`).
 */
export function createDevicePatchesService(deps: { access: AccessService; inWriteUnit: <T>(work: (unit: WriteUnit) => Promise<T>) => Promise<T> }) {
  return {
    /**
     * Approves or ignores one patch of a device and answers what was done. Needs the Devices permission;
     * a device outside the user's client group is refused 404 like the device page, a patch not on it 422.
     */
    async act(user: SessionUser, sourceAddress: string, deviceId: number | undefined, action: DashboardPatchAction, patchId: string): Promise<string> {
      deps.access.require(user.actor, Permission.devices, 'changing patches');
      if (deviceId === undefined) throw deviceNotFound();
      return deps.inWriteUnit(async ({ domain, audit }) => {
        if (!(await domain.devices.findVisible(user.scope, deviceId))) throw deviceNotFound();
        const msg = await domain.patchActions.apply(user.scope, deviceId, action, patchId);
        await audit.record(user.actor, sourceAddress, `dashboard.patch_${action}`, JSON.stringify({ deviceid: deviceId, patchids: patchId }));
        return msg;
      });
    },
  };
}

export type DevicePatchesService = ReturnType<typeof createDevicePatchesService>;
