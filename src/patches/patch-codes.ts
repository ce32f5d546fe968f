/** policy and status codes as patch_list_all sends them (api-services.md §7.1). */
export const PatchPolicy = { ignore: 1, approve: 2, doNothing: 4, userIgnore: 65, userApprove: 66, userDoNothing: 68 } as const;
export const PatchStatus = { missing: 1, pending: 2, queued: 4, installed: 8, failed: 16, ignored: 23, rebootRequired: 64 } as const;
