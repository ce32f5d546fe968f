import { z } from 'zod';
import { Permission } from '../../../access/permissions.js';
import { MAV_COMMAND_TTL_SECONDS, MAX_GUIDS, MavFailure, type MavActionResult, parseGuids, type QuarantineAction, type ScanAction } from '../../../mav/mav-action.service.js';
import { defineService, param, type ParamSpec, type ServiceContext, x } from '../../service-spec.js';

const deviceIdParam = param.id('The deviceid must be a valid id.');

const guidsParam: ParamSpec<string[], true> = {
  type: 'string',
  required: true,
  description: `One or more comma-separated quarantine guids of the device (mav_quarantine_list quarantineguid, list_mav_quarantine guid); at most ${MAX_GUIDS}.`,
  schema: z.string().transform((text, ctx) => parseGuids(text) ?? (ctx.addIssue({ code: 'custom', message: 'malformed guids' }), z.NEVER)),
};

/** The action envelope of api-services.md §8: `<msg/>` when queued, N-sight's failure text with status="FAIL" when refused. */
const actionShape = [x.str('msg', 'Empty when the action was queued; why it was refused otherwise (status="FAIL")', { canBeEmpty: true })];

const msgOf = (result: MavActionResult) => ({ msg: result.ok ? '' : result.message });
/** Only a refusal has a message. */
const statusOf = (data: { msg: unknown }): 'OK' | 'FAIL' => (data.msg ? 'FAIL' : 'OK');

const COMMON_NOTES =
  'The action becomes a command for the device\'s agent (delivered at once to a connected agent, with its next report otherwise); ' +
  'repeating it while an identical command is pending queues nothing new and answers the same. ' +
  `A command not acknowledged within ${MAV_COMMAND_TTL_SECONDS / 3600} hours expires. ` +
  'Success is status="OK" with an empty <msg/>; a refusal is status="FAIL" with N-sight\'s text in <msg> and no <error>, and queues nothing (it is still written to the audit log). ' +
  'An unknown deviceid, or one outside the key\'s client group, answers code 4 "Invalid value for parameter: deviceid". ' +
  'The outcome shows once the agent acknowledges; a failed, unsupported or expired command changes no read and shows, with the agent\'s reason, in the device\'s command list on the dashboard device page (Managed Antivirus panel).';

function scanService<const N extends string>(name: N, action: ScanAction, description: string, rule: string) {
  return defineService({
    name,
    family: 'mav',
    description,
    params: { deviceid: deviceIdParam },
    permission: Permission.devices,
    write: true,
    notes: `${rule} ${COMMON_NOTES}`,
    shape: actionShape,
    statusOf,
    async handler({ caller, mavActions }: ServiceContext, params: { deviceid: number }) {
      return msgOf(await mavActions.scan(caller.scope, params.deviceid, action));
    },
  });
}

function quarantineService<const N extends string>(name: N, action: QuarantineAction, description: string, effect: string) {
  return defineService({
    name,
    family: 'mav',
    description,
    params: { deviceid: deviceIdParam, guids: guidsParam },
    permission: Permission.devices,
    write: true,
    notes:
      'guids is a comma-separated list (blanks around items are ignored, repeats count once). A malformed list, or one guid that is not in the device\'s current quarantine ' +
      '(unknown, another device\'s, or already released or deleted), answers code 4 "Invalid value for parameter: guids" and changes nothing. ' +
      `${effect} ${COMMON_NOTES}`,
    shape: actionShape,
    statusOf,
    async handler({ caller, mavActions }: ServiceContext, params: { deviceid: number; guids: string[] }) {
      return msgOf(await mavActions.quarantine(caller.scope, params.deviceid, action, params.guids));
    },
  });
}

export const mavScanStart = scanService(
  'mav_scan_start', 'start', 'Starts a Managed Antivirus quick scan on a device.',
  `A scan already running or paused answers FAIL "${MavFailure.error}". The agent's acknowledgement reports the scan, which then shows in list_mav_scans and mav_scan_device_list.`,
);
export const mavScanPause = scanService(
  'mav_scan_pause', 'pause', 'Pauses the Managed Antivirus scan running on a device.',
  `Without a running scan: FAIL "${MavFailure.unsupported}". Once acknowledged the scan reads as paused.`,
);
export const mavScanResume = scanService(
  'mav_scan_resume', 'resume', 'Resumes the paused Managed Antivirus scan of a device.',
  `Without a paused scan: FAIL "${MavFailure.unsupported}". Once acknowledged the scan reads as running.`,
);
export const mavScanCancel = scanService(
  'mav_scan_cancel', 'cancel', 'Cancels the Managed Antivirus scan running (or paused) on a device.',
  `Without a running or paused scan: FAIL "${MavFailure.error}". Once acknowledged the scan reads as canceled, ended at the acknowledgement.`,
);

export const mavQuarantineRelease = quarantineService(
  'mav_quarantine_release', 'release', 'Releases threats from the Managed Antivirus quarantine of a device.',
  'Once acknowledged the items read as Released (statusid 3, group 1 in mav_quarantine_list) and leave list_mav_quarantine\'s current items.',
);
export const mavQuarantineRemove = quarantineService(
  'mav_quarantine_remove', 'remove', 'Deletes threats from the Managed Antivirus quarantine of a device.',
  'Once acknowledged the items read as Deleted (statusid 5, group 1 in mav_quarantine_list) and leave list_mav_quarantine\'s current items.',
);

export const mavDefinitionsUpdate = defineService({
  name: 'mav_definitions_update',
  family: 'mav',
  description: 'Tells the Bitdefender engine on a device to update its definitions (VIPRE is not supported).',
  params: { deviceid: deviceIdParam },
  permission: Permission.devices,
  write: true,
  notes:
    `An update already pending answers FAIL "${MavFailure.definitionsPending}"; a device whose newest scan is VIPRE's FAIL "${MavFailure.unsupported}". ` +
    `The agent's acknowledgement reports the new definitions (list_av_definitions, get_av_definition_release_date). ${COMMON_NOTES}`,
  shape: actionShape,
  statusOf,
  async handler({ caller, mavActions }, params) {
    return msgOf(await mavActions.updateDefinitions(caller.scope, params.deviceid));
  },
});
