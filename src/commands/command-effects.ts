import type { Command, CommandAck } from '../agent-protocol/protocol.schema.js';
import type { DeviceRef } from '../ingest/ingest.contract.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import { MAV_COMMAND_EFFECTS } from '../mav/mav-command-effects.js';
import type { Repositories } from '../repositories.js';

/**
 * What the server itself changes when an agent reports a command done, for kinds whose outcome is not
 * carried as report sections in the acknowledgement (a released quarantine item leaves the quarantine
 * list, say). One entry per command kind, written beside the service that queues that kind. `now` is
 * the server's clock at the acknowledgement.
 */
export type CommandEffect = (repos: Repositories, device: DeviceRef, command: Command, ack: CommandAck, now: number) => Promise<void>;

/** Every command kind with a server-side effect on success. Kinds without one need no entry. */
const EFFECTS: Readonly<Record<string, CommandEffect>> = {
  mav_scan_pause: MAV_COMMAND_EFFECTS.mav_scan_pause,
  mav_scan_resume: MAV_COMMAND_EFFECTS.mav_scan_resume,
  mav_scan_cancel: MAV_COMMAND_EFFECTS.mav_scan_cancel,
  mav_quarantine_release: MAV_COMMAND_EFFECTS.mav_quarantine_release,
  mav_quarantine_remove: MAV_COMMAND_EFFECTS.mav_quarantine_remove,
};

/** Applies the effect of a succeeded command of any kind (nothing for kinds without one). */
export function createCommandEffects(repos: Repositories, clock: Clock) {
  return {
    async afterSuccess(device: DeviceRef, command: Command, ack: CommandAck): Promise<void> {
      await EFFECTS[command.kind]?.(repos, device, command, ack, epochSeconds(clock));
    },
  };
}

export type CommandEffects = ReturnType<typeof createCommandEffects>;
