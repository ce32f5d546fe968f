import type { Command, CommandAck } from '../agent-protocol/protocol.schema.js';
import type { DeviceRef } from '../ingest/ingest.contract.js';
import type { Repositories } from '../repositories.js';

/**
 * What the server itself changes when an agent reports a command done, for kinds whose outcome is not
 * carried as report sections in the acknowledgement (a released quarantine item leaves the quarantine
 * list, say). One entry per command kind, written beside the service that queues that kind.
 */
export type CommandEffect = (repos: Repositories, device: DeviceRef, command: Command, ack: CommandAck) => Promise<void>;

/** Every command kind with a server-side effect on success. Kinds without one need no entry. */
const EFFECTS: Readonly<Record<string, CommandEffect>> = {};

/** Applies the effect of a succeeded command of any kind (nothing for kinds without one). */
export function createCommandEffects(repos: Repositories) {
  return {
    async afterSuccess(device: DeviceRef, command: Command, ack: CommandAck): Promise<void> {
      await EFFECTS[command.kind]?.(repos, device, command, ack);
    },
  };
}

export type CommandEffects = ReturnType<typeof createCommandEffects>;
