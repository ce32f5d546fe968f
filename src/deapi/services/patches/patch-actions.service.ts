import { Permission } from '../../../access/permissions.js';
import { MAX_PATCH_IDS, type PatchAction } from '../../../patches/patch-action.service.js';
import { defineService, param, x } from '../../service-spec.js';

/** What the five actions share in their notes (docs/services.md, describe). */
const COMMON_NOTES =
  `patchids: comma-separated patchid values of patch_list_all for this device (spaces around commas allowed, a repeated id counts once, at most ${MAX_PATCH_IDS}). ` +
  'A malformed list, or one naming any id that is not a patch of this device (unknown, another device\'s, or outside the key\'s client group, all alike), ' +
  'answers status="FAIL" with errorcode 4 "Invalid value for parameter: patchids" and changes nothing; a deviceid outside the scope answers like a missing one. ' +
  'Needs the role permission "Devices" (Sightline\'s choice: N-sight lists no patch permission) and a read-write key; every call is in the audit log.';

/** The notes of approve, do nothing and ignore: the policy they store. */
const policyNotes = (policy: string, msg: string) =>
  `Stores the user-set policy ${policy} at once (patch_list_all shows it on the next call; a later agent report keeps it). ` +
  `Ignoring a Missing patch makes it Ignored (23), so it is no longer reported as missing; approving or setting to the applied policy an Ignored one makes it Missing (1) again. msg: "${msg}: 4,5" (every patch named). ` +
  COMMON_NOTES;

/** The notes of reprocess and retry: commands for the agent, and where their outcome shows. */
const redeployNotes = (kind: string, msg: string) =>
  `A Failed (16) patch goes back to Pending (2) and a "${kind}" command is queued for the device, one per patch (not queued again while one for that patch is pending), ` +
  'delivered at once to an agent waiting for commands and expiring unacknowledged after an hour. Patches that have not failed are not queued and are listed under ' +
  `"Patches already applied:". msg: "${msg}: 4,5 Patches already applied: 1,6" (either part absent when it would be empty). ` +
  "The agent's answer is applied when it acknowledges: the patch statuses it reports (Installed, Failed) show in patch_list_all, and patch_list_all's " +
  'lastCommand / lastCommandStatus (queued, delivered, succeeded, failed, unsupported, expired) / lastCommandMessage (the agent\'s reason, e.g. an agent that cannot patch) ' +
  'show the latest such command of each patch. A failed or unsupported answer without a patch report leaves the patch Pending until the agent next reports its patches. ' +
  COMMON_NOTES;

const NOTES: Record<PatchAction, string> = {
  approve: policyNotes('Approve (66)', 'Patches approved'),
  do_nothing: policyNotes('Do Nothing (68)', 'Patches set to the applied policy'),
  ignore: policyNotes('Ignore (65)', 'Patches ignored'),
  reprocess: redeployNotes('patch_reprocess', 'Reprocessing patches'),
  retry: redeployNotes('patch_retry', 'Retrying patches'),
};

/** One of the five patch actions: the same parameters, answer and rule, a different action. */
function patchActionService<const N extends string>(name: N, action: PatchAction, description: string) {
  return defineService({
    name,
    family: 'patches',
    description,
    params: {
      deviceid: param.id('The deviceid must be a valid id.'),
      patchids: param.string('Comma-separated patchid values from patch_list_all, e.g. 4,5,6.', { required: true, max: MAX_PATCH_IDS * 17 }),
    },
    permission: Permission.devices,
    write: true,
    notes: NOTES[action],
    shape: [x.str('msg', 'What was done, e.g. "Reprocessing patches: 4,5 Patches already applied: 1,6"', { canBeEmpty: true })],
    async handler({ caller, patchActions }, params) {
      return { msg: await patchActions.apply(caller.scope, params.deviceid, action, params.patchids) };
    },
  });
}

export const patchApprove = patchActionService('patch_approve', 'approve', 'Approves patches of a device: they install at the next scheduled time of its patch policy.');
export const patchDoNothing = patchActionService('patch_do_nothing', 'do_nothing', "Sets patches of a device to Do Nothing: they follow the device's applied patch policy.");
export const patchIgnore = patchActionService('patch_ignore', 'ignore', 'Ignores patches of a device: they are blocked and no longer reported as missing.');
export const patchReprocess = patchActionService('patch_reprocess', 'reprocess', 'Deploys failed patches of a device again, through a command to its agent.');
export const patchRetry = patchActionService('patch_retry', 'retry', 'Retries failed patches of a device, through a command to its agent (the same as patch_reprocess).');
