import type { z } from 'zod';
import type { AntivirusState } from '../agent-protocol/protocol.schema.js';
import type { ResultInput } from '../checks/check-derivation.js';

/** Antivirus Update Check: definitions older than this fail it (list_check_config's maxage, 3 days). */
export const AV_DEFINITIONS_MAX_AGE_SECONDS = 3 * 86400;

/** The Antivirus Update Check's result for the state an agent reports at `at`. */
export function antivirusResult(state: z.infer<typeof AntivirusState>, at: number): ResultInput {
  if (!state.running) return { at, status: 'fail', output: `${state.product} is not running` };
  if (state.definitionsReleasedAt === null) return { at, status: 'fail', output: `${state.product}: definitions ${state.definitionsVersion} of unknown age` };
  const days = Math.floor((at - state.definitionsReleasedAt) / 86400);
  if (at - state.definitionsReleasedAt > AV_DEFINITIONS_MAX_AGE_SECONDS) return { at, status: 'fail', output: `${state.product}: definitions are ${days} days old` };
  return { at, status: 'pass', output: `${state.product}: definitions ${state.definitionsVersion} up to date` };
}
