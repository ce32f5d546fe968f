import { requireVisible, type Scope } from '../access/scope.js';
import type { CheckRepository, CheckResultRow } from './check.repository.js';

export type { CheckResultRow, CheckRow } from './check.repository.js';

/** Check reads for the Data Extraction API: the repository's scoped reads, and the rule for a check named by a parameter. */
export function createCheckService(checks: Pick<CheckRepository, 'findVisible' | 'pagesByDevice' | 'failingOfClients' | 'notesByDevice'>) {
  return {
    ...checks,

    /** The latest results of every check of one device, in id order (a device has tens of checks, one page). */
    async resultsByDevice(scope: Scope, deviceId: number): Promise<CheckResultRow[]> {
      const rows: CheckResultRow[] = [];
      for await (const page of checks.pagesByDevice(scope, deviceId)) rows.push(...page);
      return rows;
    },

    /** The check `checkid` names when the scope sees it; otherwise error 4 for checkid, as for one that does not exist. */
    requireVisible: (scope: Scope, checkId: number) => requireVisible(checks.findVisible(scope, checkId), 'checkid'),
  };
}

export type CheckService = ReturnType<typeof createCheckService>;
