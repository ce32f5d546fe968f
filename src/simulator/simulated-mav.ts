import type { Command, CommandAck } from '../agent-protocol/protocol.schema.js';
import { MavCommandKind } from '../mav/mav-action.service.js';
import type { SimulatedDevice } from './simulated-device.js';

type AckReport = NonNullable<CommandAck['report']>;
/** An acknowledgement's report with only the sections given (the lists a report always has, empty). */
const reportOf = (sections: Partial<AckReport>): AckReport => ({ checkResults: [], performance: [], driveSpace: [], mavScans: [], backupSessions: [], ...sections });

/**
 * How a simulated device acknowledges the Managed Antivirus commands: a started scan runs and finishes
 * at once (reported in `mavScans`), a definitions update reports fresh definitions (`antivirus`), and a
 * pause, resume, cancel, release or removal simply succeeds (the server applies its effect). Undefined
 * for other kinds.
 */
export function mavAcknowledgement(device: SimulatedDevice, command: Command, now: number): CommandAck | undefined {
  switch (command.kind) {
    case MavCommandKind.scanStart:
      return { outcome: 'succeeded', message: 'Quick scan finished, no threats found', report: reportOf({ mavScans: [device.requestedScan(Math.min(command.createdAt, now), now)] }) };
    case MavCommandKind.definitionsUpdate:
      return {
        outcome: 'succeeded', message: 'Definitions updated',
        report: reportOf({ antivirus: { product: 'Managed Antivirus', running: true, definitionsVersion: `1.${420 + (now % 80)}.0`, definitionsReleasedAt: now - 600 } }),
      };
    case MavCommandKind.scanPause:
    case MavCommandKind.scanResume:
    case MavCommandKind.scanCancel:
    case MavCommandKind.quarantineRelease:
    case MavCommandKind.quarantineRemove:
      return { outcome: 'succeeded', message: `${command.kind.replace('mav_', '').replace('_', ' ')} done` };
    default:
      return undefined;
  }
}
