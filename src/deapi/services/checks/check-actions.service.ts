import { Permission } from '../../../access/permissions.js';
import { MAX_NOTE_LENGTH } from '../../../checks/check-action.service.js';
import { CLEAR_TYPES } from '../../../checks/check-status.js';
import { errors } from '../../../errors.js';
import { parseZonedDateTime } from '../../../lib/dates.js';
import { defineService, param, x } from '../../service-spec.js';

const checkid = param.id('The checkid must be a valid id (list_checks).');
const notes = {
  private_note: param.string('Technical note, for engineers.', { max: MAX_NOTE_LENGTH }),
  public_note: param.string('Customer-facing note.', { max: MAX_NOTE_LENGTH }),
};
const msgShape = [x.text('msg', 'What was done')] as const;

export const clearCheck = defineService({
  name: 'clear_check',
  family: 'checks',
  description: 'Clears (acknowledges) a failing check, optionally with notes: it reads as cleared (statusid 2) until its clear ends.',
  params: {
    checkid,
    ...notes,
    clear_type: param.oneOf(CLEAR_TYPES, 'Optional. How long the check stays cleared: until it passes (the default), until its next result, or until clear_until.'),
    clear_until: param.string('Required with clear_type=untildatetime: when the clear ends, YYYY-MM-DD HH:MM:SS in the account timezone (or ending in Z or ±HH:MM).', { type: 'datetime', max: 25 }),
  },
  permission: Permission.devices,
  write: true,
  notes:
    'N-sight\'s answer was never seen: Sightline answers result>msg (CDATA), the envelope of the other action services. ' +
    'Clearing must be enabled on the account for the check\'s frequency (list_general_settings clear24x7checks / cleardailysafetychecks; the demo accounts allow both), ' +
    'else status="FAIL" with code 4 naming checkid; so does a check that is not failing now (passing, not run, or already cleared). ' +
    'With forcenotes=1 an empty private_note or public_note answers code 5 naming it. clear_type defaults to untilpasses (there is no account setting for a default). ' +
    'untilnextrun ends with the check\'s next result; untildatetime needs clear_until (code 5 when absent, code 4 when malformed or not in the future) and ends then even without a result; clear_until is not read with the other clear types. ' +
    'A cleared check stops counting as failing (list_failing_checks, the device\'s fail counts) but its outage stays open until it passes. ' +
    'The notes given are added to the check as add_check_note adds them (list_device_monitoring_details notes, the dashboard\'s device page).',
  shape: msgShape,
  async handler({ caller, checkActions }, params) {
    let clearUntil: number | undefined;
    if (params.clear_type === 'untildatetime' && params.clear_until !== undefined) {
      clearUntil = parseZonedDateTime(params.clear_until.trim(), caller.timezone);
      if (clearUntil === undefined) throw errors.invalidValue('clear_until');
    }
    const done = await checkActions.clear(caller.scope, caller.userId, params.checkid, {
      privateNote: params.private_note ?? '', publicNote: params.public_note ?? '', clearType: params.clear_type, clearUntil,
    });
    const until = { untilpasses: 'until it passes', untilnextrun: 'until its next result', untildatetime: `until ${params.clear_until?.trim()}` }[done.clearType];
    return { msg: `Check ${params.checkid} cleared ${until}` };
  },
});

export const addCheckNote = defineService({
  name: 'add_check_note',
  family: 'checks',
  description: 'Adds a private and/or public note to a check, recorded against the key\'s user.',
  params: { checkid, ...notes },
  permission: Permission.devices,
  write: true,
  notes:
    'N-sight\'s answer was never seen: Sightline answers result>msg (CDATA). At least one of private_note and public_note must be non-empty (code 5 naming private_note otherwise); ' +
    'each is kept up to 2000 characters, trimmed. Notes show in list_device_monitoring_details (notes>note, newest first) and on the dashboard\'s device page; ' +
    'list_checks and get_formatted_check_output document no notes and show none. NOS\'s note= parameter is not read.',
  shape: msgShape,
  async handler({ caller, checkActions }, params) {
    await checkActions.addNote(caller.scope, caller.userId, params.checkid, { privateNote: params.private_note ?? '', publicNote: params.public_note ?? '' });
    return { msg: `Note added to check ${params.checkid}` };
  },
});

