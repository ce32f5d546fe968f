/** policy and status codes as patch_list_all sends them (api-services.md §7.1). */
export const PatchPolicy = { ignore: 1, approve: 2, doNothing: 4, userIgnore: 65, userApprove: 66, userDoNothing: 68 } as const;
export const PatchStatus = { missing: 1, pending: 2, queued: 4, installed: 8, failed: 16, ignored: 23, rebootRequired: 64 } as const;

/** The name of each policy (user-set ones share the names of 1/2/4). */
export const PATCH_POLICY_LABELS: Record<number, string> = {
  [PatchPolicy.ignore]: 'Ignore', [PatchPolicy.userIgnore]: 'Ignore',
  [PatchPolicy.approve]: 'Approve', [PatchPolicy.userApprove]: 'Approve',
  [PatchPolicy.doNothing]: 'Do Nothing', [PatchPolicy.userDoNothing]: 'Do Nothing',
};

/** The name of each status, as patch_list_all's statusLabel. */
export const PATCH_STATUS_LABELS: Record<number, string> = {
  [PatchStatus.missing]: 'Missing', [PatchStatus.pending]: 'Pending', [PatchStatus.queued]: 'Queued',
  [PatchStatus.installed]: 'Installed', [PatchStatus.failed]: 'Failed', [PatchStatus.ignored]: 'Ignored',
  [PatchStatus.rebootRequired]: 'Reboot Required',
};
