import type { AccessService } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { AuditedWrite } from '../audit/audited-write.js';
import { type CheckActionService, checkActionsOver } from '../checks/check-action.service.js';
import type { CommandQueue, CommandService } from '../commands/command.service.js';
import type { ClearType } from '../checks/check-status.js';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { parseZonedDateTime } from '../lib/dates.js';
import type { SessionUser } from './session.service.js';

export type ClearForm = { checkid: number; private_note: string; public_note: string; clear_type: ClearType; clear_until: string };
export type NoteForm = { checkid: number; private_note: string; public_note: string };

type Deps = { write: AuditedWrite; access: AccessService; clock: Clock; commands: CommandService };

/**
 * The device page's check actions: clear a check, add a note, run a task. The rules are the API's
 * (`check-action.service.ts`, the same service clear_check, add_check_note and task_run_now call); here
 * the Devices permission is asked first, and each change commits with its audit entry (`dashboard.<api
 * service name>`, the form's values) in one transaction. A check outside the user's client group is
 * refused like a missing one.
 */
export function createDeviceChecksService(deps: Deps) {
  const { write, access, clock, commands } = deps;

  /**
   * One action in one transaction with its audit entry, after the permission and a check of the page's
   * device (every read inside runs on the transaction: on SQLite another connection's would wait for it).
   */
  async function act<T>(user: SessionUser, sourceAddress: string, action: string, target: { deviceId: number; checkId: number }, detail: object, work: (actions: CheckActionService) => Promise<T>): Promise<T> {
    access.require(user.actor, Permission.devices, action.replace(/_/g, ' '));
    let queue: CommandQueue | undefined;
    const result = await write(async ({ repos: tx, audit }) => {
      const check = await tx.checks.findVisible(user.scope, target.checkId);
      if (!check || check.device_id !== target.deviceId) throw errors.invalidValueMessage('Choose a check of this device', 'checkid');
      queue = commands.within(tx.commands);
      const answer = await work(checkActionsOver(tx, clock, queue));
      await audit.record(user.actor, sourceAddress, `dashboard.${action}`, JSON.stringify(detail));
      return answer;
    });
    // A long-poll woken before the commit would not see the command.
    queue?.wake();
    return result;
  }

  return {
    /** Clears a failing check; clear_until is the user's wall-clock time (a datetime-local input). */
    async clear(user: SessionUser, sourceAddress: string, deviceId: number, form: ClearForm) {
      return act(user, sourceAddress, 'clear_check', { deviceId, checkId: form.checkid }, { deviceid: deviceId, ...form }, async (actions) => {
        let clearUntil: number | undefined;
        if (form.clear_type === 'untildatetime' && form.clear_until !== '') {
          const text = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(form.clear_until) ? `${form.clear_until}:00` : form.clear_until;
          clearUntil = parseZonedDateTime(text, user.timezone);
          if (clearUntil === undefined) throw errors.invalidValueMessage('Give the date and time the clear ends', 'clear_until');
        }
        return actions.clear(user.scope, user.userId, form.checkid, {
          privateNote: form.private_note, publicNote: form.public_note, clearType: form.clear_type, clearUntil,
        });
      });
    },

    async addNote(user: SessionUser, sourceAddress: string, deviceId: number, form: NoteForm): Promise<void> {
      await act(user, sourceAddress, 'add_check_note', { deviceId, checkId: form.checkid }, { deviceid: deviceId, ...form }, async (actions) => {
        await actions.addNote(user.scope, user.userId, form.checkid, { privateNote: form.private_note, publicNote: form.public_note });
      });
    },

    async runTask(user: SessionUser, sourceAddress: string, deviceId: number, checkId: number) {
      return act(user, sourceAddress, 'task_run_now', { deviceId, checkId }, { deviceid: deviceId, checkid: checkId }, async (actions) => {
        return actions.runTask(user.scope, checkId);
      });
    },
  };
}

export type DeviceChecksService = ReturnType<typeof createDeviceChecksService>;
