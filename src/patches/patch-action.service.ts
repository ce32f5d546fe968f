import type { Scope } from '../access/scope.js';
import type { CommandRepository, CommandRow } from '../commands/command.repository.js';
import type { CommandQueue } from '../commands/command.service.js';
import type { DeviceService } from '../devices/device.service.js';
import { errors } from '../errors.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import { PatchPolicy, PatchStatus } from './patch-codes.js';
import type { PatchRepository } from './patch.repository.js';

/** What a user may do to a device's patches (patch_approve, patch_do_nothing, … of api-services.md §7.2). */
export const PATCH_ACTIONS = ['approve', 'do_nothing', 'ignore', 'reprocess', 'retry'] as const;
export type PatchAction = (typeof PATCH_ACTIONS)[number];

/** The user-set policy each policy action stores (patch_list_all shows 66, 68, 65 afterwards). */
const POLICY_OF = { approve: PatchPolicy.userApprove, do_nothing: PatchPolicy.userDoNothing, ignore: PatchPolicy.userIgnore } as const;

/** The msg of a policy action, before the patch ids. */
const POLICY_MSG = { approve: 'Patches approved', do_nothing: 'Patches set to the applied policy', ignore: 'Patches ignored' } as const;

/** The msg of a redeploy action before the patch ids queued again (PY's example: "Reprocessing patches: 4,5"). */
const REDEPLOY_MSG = { reprocess: 'Reprocessing patches', retry: 'Retrying patches' } as const;

/** The command kind an agent receives for a patch to deploy again. */
export const PATCH_COMMAND_KINDS = { reprocess: 'patch_reprocess', retry: 'patch_retry' } as const;
const COMMAND_KINDS: ReadonlySet<string> = new Set(Object.values(PATCH_COMMAND_KINDS));

/** Most patch ids one call may name (a device lists a few hundred at most). */
export const MAX_PATCH_IDS = 500;

/** A patch command's state as reads show it: queued, delivered, succeeded, failed, unsupported or expired. */
export type PatchCommandState = { kind: string; state: string; message: string; at: number };

/**
 * `patchids` as N-sight takes it: comma-separated patch ids (spaces around commas allowed), at least one,
 * at most MAX_PATCH_IDS; a repeated id counts once. Anything else is "Invalid value for parameter: patchids".
 */
export function parsePatchIds(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length > MAX_PATCH_IDS || !parts.every((part) => /^\d{1,15}$/.test(part) && Number(part) > 0)) throw errors.invalidValue('patchids');
  return [...new Set(parts.map(Number))];
}

/** The state of a stored command now: an unacknowledged one past its deadline reads as expired before the sweeper marks it. */
function commandState(row: CommandRow, now: number): string {
  if (row.status === 'acked') return row.outcome ?? 'acked';
  if (row.status !== 'expired' && row.expires_at <= now) return 'expired';
  return row.status;
}

/**
 * The latest reprocess/retry command of each patch of a device (the device must already be known visible),
 * by patch id: what patch_list_all and the device page show of an agent's answer.
 */
export async function lastPatchCommands(commandLog: Pick<CommandRepository, 'listByDevice'>, now: number, accountId: number, deviceId: number): Promise<Map<number, PatchCommandState>> {
  const latest = new Map<number, PatchCommandState>();
  for (const row of await commandLog.listByDevice(accountId, deviceId, 1000)) {
    if (!COMMAND_KINDS.has(row.kind)) continue;
    const patchId = (JSON.parse(row.params) as { patchid?: unknown }).patchid;
    // Newest first: the first seen of a patch is its latest.
    if (typeof patchId !== 'number' || latest.has(patchId)) continue;
    latest.set(patchId, { kind: row.kind, state: commandState(row, now), message: row.message ?? '', at: row.acked_at ?? row.created_at });
  }
  return latest;
}

/**
 * The rules of the patch actions, shared by the Data Extraction API and the dashboard. Built over the
 * repositories of the caller's transaction: a call naming one bad, unknown or foreign patch id is refused
 * before anything changes, and a refused call queues no command.
 */
export function createPatchActionService(deps: {
  patches: Pick<PatchRepository, 'findOnDevice' | 'update'>;
  devices: Pick<DeviceService, 'requireVisible'>;
  /** Where commands are queued; absent over a read-only domain (then reprocess/retry cannot run). */
  commands?: Pick<CommandQueue, 'enqueue'>;
  commandLog: Pick<CommandRepository, 'listByDevice'>;
  clock: Clock;
}) {
  const { patches, devices, clock } = deps;
  return {
    /**
     * Applies an action to patches of a device and answers the `msg` of the reply. Approve, do nothing and
     * ignore store the user-set policy (ignoring a missing patch makes it Ignored, and un-ignoring an Ignored
     * one makes it Missing again); reprocess and retry set failed patches back to Pending and queue one
     * command per patch for the agent, the others are listed as already applied.
     */
    async apply(scope: Scope, deviceId: number, action: PatchAction, patchIdsText: string): Promise<string> {
      const device = await devices.requireVisible(scope, deviceId);
      const ids = parsePatchIds(patchIdsText);
      const found = await patches.findOnDevice(scope, device.id, ids);
      // Unknown and foreign ids are refused alike, and before anything changes.
      if (found.length !== ids.length) throw errors.invalidValue('patchids');
      if (action === 'reprocess' || action === 'retry') {
        const failed = found.filter((p) => p.status === PatchStatus.failed);
        const applied = found.filter((p) => p.status !== PatchStatus.failed);
        if (failed.length > 0) {
          if (!deps.commands) throw new Error('patch commands need a command queue');
          await patches.update(scope, device.id, failed.map((p) => p.id), { status: PatchStatus.pending });
          for (const p of failed) {
            await deps.commands.enqueue({ accountId: device.account_id, deviceId: device.id }, PATCH_COMMAND_KINDS[action], { patchid: p.id, patchKey: p.patch_key ?? '', title: p.title });
          }
        }
        return [
          failed.length > 0 ? `${REDEPLOY_MSG[action]}: ${failed.map((p) => p.id).join(',')}` : '',
          applied.length > 0 ? `Patches already applied: ${applied.map((p) => p.id).join(',')}` : '',
        ].filter(Boolean).join(' ');
      }
      const policy = POLICY_OF[action];
      const [from, to] = action === 'ignore' ? [PatchStatus.missing, PatchStatus.ignored] : [PatchStatus.ignored, PatchStatus.missing];
      const moved = found.filter((p) => p.status === from).map((p) => p.id);
      await patches.update(scope, device.id, found.filter((p) => p.status !== from).map((p) => p.id), { policy });
      await patches.update(scope, device.id, moved, { policy, status: to });
      return `${POLICY_MSG[action]}: ${found.map((p) => p.id).join(',')}`;
    },

    /** The latest reprocess/retry command of each patch of a device (see lastPatchCommands). */
    lastCommands: (accountId: number, deviceId: number) => lastPatchCommands(deps.commandLog, epochSeconds(clock), accountId, deviceId),
  };
}

export type PatchActionService = ReturnType<typeof createPatchActionService>;
