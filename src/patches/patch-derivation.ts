import type { z } from 'zod';
import type { PatchItem } from '../agent-protocol/protocol.schema.js';
import { PatchStatus } from './patch-codes.js';

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

/** The stored columns a reported patch status determines (the policy is the account's, and is kept). */
export function patchStatusColumns(item: z.infer<typeof PatchItem>) {
  const status = REPORTED_PATCH_STATUS[item.status];
  return { status, installed_at: item.installedAt, deployable: patchDeployable(status) };
}
