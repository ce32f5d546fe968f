import { requireVisible, type Scope } from '../access/scope.js';
import type { CommandQueue, CommandService } from '../commands/command.service.js';
import { AppError, errors } from '../errors.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import type { Repositories } from '../repositories.js';
import type { SettingsRepository } from '../settings/settings.repository.js';
import { clearedState } from './check-derivation.js';
import { CheckFrequency, CheckStatus, type ClearType, clearTypeOf } from './check-status.js';
import type { CheckRepository } from './check.repository.js';

/** The command task_run_now queues: the agent runs the check now and acknowledges with its result. */
export const RUN_CHECK_COMMAND = 'run_check';
/** A task run not picked up by the device's agent within this long expires (and shows as expired). */
export const TASK_RUN_TTL_SECONDS = 15 * 60;
/** Longest note kept, per note. */
export const MAX_NOTE_LENGTH = 2000;

export type CheckNotes = { readonly privateNote: string; readonly publicNote: string };
export type ClearCheckInput = CheckNotes & { readonly clearType: ClearType | undefined; readonly clearUntil: number | undefined };

type Deps = {
  checks: Pick<CheckRepository, 'findVisible' | 'saveClear' | 'addNote'>;
  settings: Pick<SettingsRepository, 'get'>;
  commands: Pick<CommandService, 'enqueue'>;
  clock: Clock;
};

const notFailing = () => errors.invalidValueMessage('Check is not failing: only a failing check can be cleared', 'checkid');

/**
 * What an engineer does to a check, for the API (clear_check, add_check_note, task_run_now) and the
 * dashboard's device page alike: the rules, over repositories the caller binds to its transaction. Errors
 * name the API parameter they are about (the dashboard's form fields carry the same names). Access (the
 * Devices permission) and the audit entry are the caller's: the API's call service, the dashboard's
 * device-checks service.
 */
export function createCheckActionService(deps: Deps) {
  const { checks, settings, commands, clock } = deps;
  const requireCheck = (scope: Scope, checkId: number) => requireVisible(checks.findVisible(scope, checkId), 'checkid');

  async function addNotes(scope: Scope, userId: number | null, check: { id: number; device_id: number }, notes: CheckNotes): Promise<void> {
    await checks.addNote(scope, {
      check_id: check.id, device_id: check.device_id, user_id: userId, created_at: epochSeconds(clock),
      private_note: notes.privateNote.trim(), public_note: notes.publicNote.trim(),
    });
  }

  return {
    /**
     * Clears a failing check (N-sight's amber tick) until its clear ends: it passes (untilpasses, the
     * default: the account has no setting for one), its next result (untilnextrun), or clear_until. Refused
     * when the account does not allow clearing checks of its frequency, when it is not failing, when the
     * account forces notes and one is empty, and for a clear_until missing or not in the future. The
     * notes given are added to the check.
     */
    async clear(scope: Scope, userId: number | null, checkId: number, input: ClearCheckInput): Promise<{ clearType: ClearType; clearUntil: number | null }> {
      const check = await requireCheck(scope, checkId);
      const account = await settings.get(scope);
      const daily = check.dsc_247 === CheckFrequency.dsc;
      if (!(daily ? account.cleardailysafetychecks : account.clear24x7checks)) {
        throw errors.invalidValueMessage(`Clearing ${daily ? 'Daily Safety Checks' : '24x7 checks'} is not enabled on this account`, 'checkid');
      }
      if (check.statusid !== CheckStatus.fail) throw notFailing();
      if (account.forcenotes) {
        for (const [field, note] of [['private_note', input.privateNote], ['public_note', input.publicNote]] as const) {
          if (note.trim() === '') throw new AppError('missingParameter', `Missing parameter: ${field} (this account requires both notes to clear a check)`, undefined, field);
        }
      }
      const clearType = input.clearType ?? 'untilpasses';
      let clearUntil: number | null = null;
      if (clearType === 'untildatetime') {
        if (input.clearUntil === undefined) throw errors.missingParameter('clear_until');
        if (input.clearUntil <= epochSeconds(clock)) throw errors.invalidValueMessage('clear_until must be in the future', 'clear_until');
        clearUntil = input.clearUntil;
      }
      const state = clearedState({ ...check, clear_type: clearTypeOf(check.clear_type) }, { type: clearType, until: clearUntil });
      if (!(await checks.saveClear(scope, check.id, state))) throw notFailing();
      if (input.privateNote.trim() !== '' || input.publicNote.trim() !== '') await addNotes(scope, userId, check, input);
      return { clearType, clearUntil };
    },

    /** Adds a private and/or public note to a check (at least one must be given), as the caller's user. */
    async addNote(scope: Scope, userId: number | null, checkId: number, notes: CheckNotes): Promise<void> {
      const check = await requireCheck(scope, checkId);
      if (notes.privateNote.trim() === '' && notes.publicNote.trim() === '') {
        throw new AppError('missingParameter', 'Missing parameter: private_note or public_note', undefined, 'private_note');
      }
      await addNotes(scope, userId, check, notes);
    },

    /**
     * Asks the device's agent to run an Automated Task (or any check) now: queues a run_check command (not
     * again while an identical one is pending; `queued` is then false). The agent decides what it can run:
     * the result arrives with its acknowledgement and shows in list_checks; a failed, unsupported (a check
     * the agent does not run) or expired run shows in the device page's task runs.
     */
    async runTask(scope: Scope, checkId: number) {
      const check = await requireCheck(scope, checkId);
      return commands.enqueue({ accountId: scope.accountId, deviceId: check.device_id }, RUN_CHECK_COMMAND, { checkId: check.id }, { ttlSeconds: TASK_RUN_TTL_SECONDS });
    },

  };
}

export type CheckActionService = ReturnType<typeof createCheckActionService>;

/**
 * The check actions over one set of repositories (a transaction's), queueing through that transaction's
 * command queue (`CommandService.within`; the caller wakes it once the transaction has committed).
 */
export function checkActionsOver(repos: Pick<Repositories, 'checks' | 'settings'>, clock: Clock, commands: Pick<CommandQueue, 'enqueue'>): CheckActionService {
  return createCheckActionService({ checks: repos.checks, settings: repos.settings, clock, commands });
}
