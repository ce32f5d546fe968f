import type { Scope } from '../access/scope.js';
import type { CommandQueue, CommandService } from '../commands/command.service.js';
import { createDeviceService, type DeviceService } from '../devices/device.service.js';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { Repositories } from '../repositories.js';
import { MavEngine } from './mav-codes.js';
import type { MavRepository } from './mav.repository.js';

/** The command kinds the MAV action services queue (the wire names of the services that queue them). */
export const MavCommandKind = {
  scanStart: 'mav_scan_start',
  scanPause: 'mav_scan_pause',
  scanResume: 'mav_scan_resume',
  scanCancel: 'mav_scan_cancel',
  quarantineRelease: 'mav_quarantine_release',
  quarantineRemove: 'mav_quarantine_remove',
  definitionsUpdate: 'mav_definitions_update',
} as const;
export type MavCommandKind = (typeof MavCommandKind)[keyof typeof MavCommandKind];

/** The failure texts N-sight answers in `<msg>` (api-services.md §8, api-errors.md §3.2). */
export const MavFailure = {
  error: 'An error has occurred',
  unsupported: 'Unsupported action type',
  definitionsPending: 'There is already a MAV definition update pending',
} as const;

/** Most guids one release or removal takes (a quarantine rarely holds more; the bound keeps the query small). */
export const MAX_GUIDS = 200;

/** How long an agent has to acknowledge a MAV command before it expires (a day: scans may wait for a machine to wake). */
export const MAV_COMMAND_TTL_SECONDS = 86_400;

/** Quarantine statusids (§8.1) still in the quarantine, which a release or removal may act on. */
const ACTIONABLE_QUARANTINE = new Set([1, 2, 4, 8, 9]);

/** A MAV action's answer: queued (or already pending), or refused with N-sight's failure text. */
export type MavActionResult = { ok: true; commandId: number; queued: boolean } | { ok: false; message: string };

export type ScanAction = 'start' | 'pause' | 'resume' | 'cancel';
export type QuarantineAction = 'release' | 'remove';

const SCAN_KINDS: Record<ScanAction, MavCommandKind> = {
  start: MavCommandKind.scanStart, pause: MavCommandKind.scanPause, resume: MavCommandKind.scanResume, cancel: MavCommandKind.scanCancel,
};

export type MavActionDeps = {
  devices: Pick<DeviceService, 'requireVisible'>;
  mav: Pick<MavRepository, 'latestScan' | 'quarantineByGuids'>;
  /** Queues in the caller's transaction: a refused action queues nothing. */
  commands: Pick<CommandService, 'enqueue'>;
};

/**
 * The rules of the Managed Antivirus actions (mav_scan_*, mav_quarantine_*, mav_definitions_update),
 * shared by the API and the dashboard: each becomes a command for the device's agent, queued once while
 * an identical one is pending. A device outside the scope answers code 4 on deviceid; a guid that is not
 * in the device's quarantine answers code 4 on guids before anything is queued. A state that forbids the
 * action answers N-sight's own failure text instead (PY saw these live).
 */
export function createMavActionService(deps: MavActionDeps) {
  const { devices, mav, commands } = deps;

  async function queue(scope: Scope, deviceId: number, kind: MavCommandKind, params: Record<string, string | number> = {}) {
    const { command, queued } = await commands.enqueue({ accountId: scope.accountId, deviceId }, kind, params, { ttlSeconds: MAV_COMMAND_TTL_SECONDS });
    return { command, queued };
  }

  return {
    /**
     * Start needs no scan running or paused (a pending start is repeated, not doubled); pause needs a
     * running scan, resume a paused one (else "Unsupported action type"); cancel a running or paused
     * one (else "An error has occurred"). The scan acted on travels in the command as `scanId`.
     */
    async scan(scope: Scope, deviceId: number, action: ScanAction): Promise<MavActionResult> {
      const device = await devices.requireVisible(scope, deviceId);
      const kind = SCAN_KINDS[action];
      if (action === 'start') {
        if (await mav.latestScan(scope, device.id, ['running', 'paused'])) return { ok: false, message: MavFailure.error };
        const { command, queued } = await queue(scope, device.id, kind);
        return { ok: true, commandId: command.id, queued };
      }
      const needs = action === 'pause' ? (['running'] as const) : action === 'resume' ? (['paused'] as const) : (['running', 'paused'] as const);
      const scan = await mav.latestScan(scope, device.id, needs);
      if (!scan) return { ok: false, message: action === 'cancel' ? MavFailure.error : MavFailure.unsupported };
      const { command, queued } = await queue(scope, device.id, kind, { scanId: scan.id });
      return { ok: true, commandId: command.id, queued };
    },

    /**
     * Every guid must name an item still in the device's quarantine (statusid 1, 2, 4, 8 or 9), or the call
     * answers code 4 on guids and queues nothing. The command carries the guids sorted, so the same set
     * in another order is the same pending command.
     */
    async quarantine(scope: Scope, deviceId: number, action: QuarantineAction, guids: readonly string[]): Promise<MavActionResult> {
      const device = await devices.requireVisible(scope, deviceId);
      const wanted = [...new Set(guids)].sort();
      const found = await mav.quarantineByGuids(scope, device.id, wanted);
      const actionable = new Set(found.filter((q) => ACTIONABLE_QUARANTINE.has(q.statusid)).map((q) => q.guid));
      if (wanted.length === 0 || wanted.some((guid) => !actionable.has(guid))) throw errors.invalidValue('guids');
      const kind = action === 'release' ? MavCommandKind.quarantineRelease : MavCommandKind.quarantineRemove;
      const { command, queued } = await queue(scope, device.id, kind, { guids: wanted.join(',') });
      return { ok: true, commandId: command.id, queued };
    },

    /** Bitdefender only: a device whose newest scan is VIPRE's is refused; a pending update is refused as documented. */
    async updateDefinitions(scope: Scope, deviceId: number): Promise<MavActionResult> {
      const device = await devices.requireVisible(scope, deviceId);
      if ((await mav.latestScan(scope, device.id))?.engine === MavEngine.vipre) return { ok: false, message: MavFailure.unsupported };
      const { command, queued } = await queue(scope, device.id, MavCommandKind.definitionsUpdate);
      if (!queued) return { ok: false, message: MavFailure.definitionsPending };
      return { ok: true, commandId: command.id, queued };
    },
  };
}

export type MavActionService = ReturnType<typeof createMavActionService>;

/**
 * The MAV actions over one set of repositories (a write's transaction's), queueing through that
 * transaction's command queue (`CommandService.within`; the caller wakes it once committed).
 */
export function mavActionsOver(repos: Pick<Repositories, 'devices' | 'mav'>, commands: Pick<CommandQueue, 'enqueue'>): MavActionService {
  return createMavActionService({ devices: createDeviceService(repos.devices), mav: repos.mav, commands });
}

/** Splits a `guids` parameter: comma-separated, blanks around items ignored; undefined when malformed. */
export function parseGuids(text: string): string[] | undefined {
  const items = text.split(',').map((item) => item.trim());
  if (items.length > MAX_GUIDS || items.some((item) => !/^[A-Za-z0-9{}_.-]{1,64}$/.test(item))) return undefined;
  return items;
}
