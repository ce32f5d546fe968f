import { type Command, type CommandAck, CommandReport, type ReportRequest } from '../agent-protocol/protocol.schema.js';
import { PATCH_COMMAND_KINDS } from '../patches/patch-action.service.js';
import type { Prng } from '../seed/prng.js';

const KINDS: ReadonlySet<string> = new Set(Object.values(PATCH_COMMAND_KINDS));

/** A redeployed patch installs this often; otherwise it fails again. */
const INSTALLS = 0.85;

type PatchSnapshot = NonNullable<ReportRequest['patches']>;

/**
 * The simulator's answer to patch_reprocess / patch_retry: it "deploys" the patch and acknowledges with a
 * patch snapshot (`report.patches`, the whole list, as every snapshot is) showing it installed, or failed
 * again now and then. Undefined for other kinds.
 */
export function acknowledgePatchCommand(command: Command, snapshot: () => PatchSnapshot, rng: Prng, now: number): CommandAck | undefined {
  if (!KINDS.has(command.kind)) return undefined;
  const { patchKey, title } = command.params;
  if (typeof patchKey !== 'string' || patchKey === '') return { outcome: 'failed', message: 'The patch has no agent key: this device never reported it' };
  const installed = rng.chance(INSTALLS);
  const patch = {
    key: patchKey, title: typeof title === 'string' ? title : patchKey, product: '', severity: 0,
    status: installed ? ('installed' as const) : ('failed' as const), installedAt: installed ? now : null,
  };
  // Parsed, so the report's other sections take their defaults (empty).
  const report = CommandReport.parse({ patches: [...snapshot().filter((p) => p.key !== patchKey), patch] });
  return installed
    ? { outcome: 'succeeded', message: `${title} installed (simulated)`, report }
    : { outcome: 'failed', message: `${title} failed to install again (simulated)`, report };
}
