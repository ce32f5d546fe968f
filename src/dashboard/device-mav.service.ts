import type { AccessService } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { AuditedWrite } from '../audit/audited-write.js';
import type { CommandQueue, CommandService } from '../commands/command.service.js';
import { AppError } from '../errors.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import { MavCommandKind, type MavActionResult, mavActionsOver } from '../mav/mav-action.service.js';
import { MavEngine } from '../mav/mav-codes.js';
import type { Repositories } from '../repositories.js';
import type { SessionUser } from './session.service.js';

type Deps = { write: AuditedWrite; repos: Repositories; access: AccessService; clock: Clock; commands: CommandService };

/** Scans and commands the panel shows (the newest). */
const PANEL_ROWS = 10;
const MAV_KINDS: ReadonlySet<string> = new Set(Object.values(MavCommandKind));

/**
 * The Managed Antivirus panel of the device page: the device's recent scans and MAV commands (with the
 * agent's outcome, so a failed, unsupported or expired command shows), and Start a scan, through the
 * same rules as the API's mav_scan_start (src/mav/mav-action.service.ts), in one transaction with its
 * audit entry. Everything needs the Devices permission; a device missing or outside the user's client
 * group is refused 404.
 */
export function createDeviceMavService(deps: Deps) {
  const { write, repos, access, clock, commands } = deps;

  async function deviceOf(user: SessionUser, deviceId: number | undefined, what: string) {
    access.require(user.actor, Permission.devices, what);
    const device = deviceId === undefined ? undefined : await repos.devices.findVisible(user.scope, deviceId);
    if (!device) throw new AppError('invalidValue', 'This device does not exist, or is not in your client group.', { status: 404 }, 'deviceid');
    return device;
  }

  return {
    /** The device, its newest scans and its newest MAV commands (status, outcome and the agent's message). */
    async panel(user: SessionUser, deviceId: number | undefined) {
      const device = await deviceOf(user, deviceId, 'seeing devices');
      const now = epochSeconds(clock);
      const [scans, recent] = await Promise.all([
        repos.mav.scans(user.scope, device.id, [MavEngine.vipre, MavEngine.bitdefender], now - 365 * 86400),
        commands.list({ accountId: device.account_id, deviceId: device.id }, 100),
      ]);
      // The device's commands of every kind, newest first; this panel shows the MAV ones.
      return { device, scans: scans.slice(0, PANEL_ROWS), commands: recent.filter((c) => MAV_KINDS.has(c.kind)).slice(0, PANEL_ROWS) };
    },

    /** Queues a scan for the device's agent (or answers why not), audited as `device.mav_scan_start`. */
    async startScan(user: SessionUser, sourceAddress: string, deviceId: number | undefined): Promise<MavActionResult> {
      const device = await deviceOf(user, deviceId, 'starting a scan');
      let queue: CommandQueue | undefined;
      const result = await write(async ({ repos: tx, audit }) => {
        queue = commands.within(tx.commands);
        const answer = await mavActionsOver(tx, queue).scan(user.scope, device.id, 'start');
        await audit.record(user.actor, sourceAddress, 'device.mav_scan_start', JSON.stringify({ deviceid: device.id }));
        return answer;
      });
      // A long-poll woken before the commit would not see the command.
      queue?.wake();
      return result;
    },
  };
}

export type DeviceMavService = ReturnType<typeof createDeviceMavService>;
