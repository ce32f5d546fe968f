import type { Command } from '../agent-protocol/protocol.schema.js';
import type { CommandEffect } from '../commands/command-effects.js';
import { MavCommandKind } from './mav-action.service.js';
import type { MavScanState } from './mav-codes.js';

/** Quarantine statusids (api-services.md §8.1) an acknowledged release or removal leaves: out of the current quarantine. */
const RELEASED = 3;
const DELETED = 5;

const guidsOf = (command: Command): string[] => (typeof command.params.guids === 'string' && command.params.guids ? command.params.guids.split(',') : []);

/** A scan's new state once the agent paused, resumed or canceled it (a canceled scan has ended). */
const scanState = (state: MavScanState): CommandEffect => async (repos, device, command, _ack, now) => {
  if (typeof command.params.scanId !== 'number') return;
  await repos.mav.setScanState(device.accountId, device.deviceId, command.params.scanId, state, state === 'canceled' ? now : null);
};

const quarantineStatus = (statusid: number): CommandEffect => async (repos, device, command, _ack, now) => {
  await repos.mav.setQuarantineStatus(device.accountId, device.deviceId, guidsOf(command), statusid, now);
};

/**
 * The server-side effects of succeeded MAV commands. A started scan and updated definitions need none:
 * the acknowledgement carries them as report sections (`mavScans`, `antivirus`). Failed, unsupported and
 * expired commands change nothing here; their status and message are in the device's command list.
 */
export const MAV_COMMAND_EFFECTS = {
  [MavCommandKind.scanPause]: scanState('paused'),
  [MavCommandKind.scanResume]: scanState('running'),
  [MavCommandKind.scanCancel]: scanState('canceled'),
  [MavCommandKind.quarantineRelease]: quarantineStatus(RELEASED),
  [MavCommandKind.quarantineRemove]: quarantineStatus(DELETED),
} as const satisfies Record<string, CommandEffect>;
