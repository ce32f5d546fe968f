import type { z } from 'zod';
import type { PatchItem } from '../agent-protocol/protocol.schema.js';
import { PatchPolicy, PatchStatus } from './patch-codes.js';

/** patch_list_all `status` of each status an agent reports (queued and ignored are the server's own). */
export const REPORTED_PATCH_STATUS: Record<z.infer<typeof PatchItem>['status'], number> = {
  missing: PatchStatus.missing,
  pending: PatchStatus.pending,
  installed: PatchStatus.installed,
  failed: PatchStatus.failed,
  reboot_required: PatchStatus.rebootRequired,
};

/** An installed patch has nothing left to deploy. */
export function patchDeployable(status: number): number {
  return status === PatchStatus.installed ? 0 : 1;
}

/** Policies under which a patch is blocked: one the agent reports missing is shown as Ignored instead. */
const IGNORING: ReadonlySet<number> = new Set([PatchPolicy.ignore, PatchPolicy.userIgnore]);

/**
 * The stored columns a reported patch status determines under the patch's policy. The policy itself is
 * the account's (a user's, when set through patch_approve / patch_ignore / the dashboard) and is kept.
 */
export function patchStatusColumns(item: z.infer<typeof PatchItem>, policy: number) {
  const reported = REPORTED_PATCH_STATUS[item.status];
  const status = reported === PatchStatus.missing && IGNORING.has(policy) ? PatchStatus.ignored : reported;
  return { status, installed_at: item.installedAt, deployable: patchDeployable(status) };
}
