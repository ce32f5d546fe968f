import type { Selectable } from 'kysely';
import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import type { AccountSettingsTable } from '../db/schema.js';
import { DEFAULT_OVERDUE_AFTER_SECONDS } from '../devices/device-derivation.js';

export type AccountSettings = Omit<Selectable<AccountSettingsTable>, 'account_id'> & { language: string; timezone: string };

/** What an account answers before anyone changed a setting (the same as the migration's column defaults). */
export const DEFAULT_SETTINGS: Omit<AccountSettings, 'language' | 'timezone'> = {
  clear24x7checks: 0,
  cleardailysafetychecks: 0,
  notesbacklog: 30,
  forcenotes: 0,
  wallchart_servers_show24x7problems: 1,
  wallchart_servers_showdailysafetycheckproblems: 1,
  wallchart_servers_showautomatedtaskproblems: 1,
  wallchart_servers_includeoverdueservers: 1,
  wallchart_servers_includeofflineservers: 0,
  wallchart_workstations_show24x7problems: 1,
  wallchart_workstations_showdailysafetycheckproblems: 1,
  wallchart_workstations_showautomatedtaskproblems: 0,
  overdue_after_seconds: DEFAULT_OVERDUE_AFTER_SECONDS,
};

/** Account-wide settings: every key of the account sees the same, whatever its client group. */
export function createSettingsRepository(db: Db) {
  return {
    async get(scope: Scope): Promise<AccountSettings> {
      const account = await db.selectFrom('accounts').select(['language', 'timezone']).where('id', '=', scope.accountId).executeTakeFirstOrThrow();
      const row = await db.selectFrom('account_settings').selectAll().where('account_id', '=', scope.accountId).executeTakeFirst();
      const { account_id: _, ...stored } = row ?? { account_id: 0, ...DEFAULT_SETTINGS };
      return { ...stored, language: account.language, timezone: account.timezone };
    },
  };
}

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;
