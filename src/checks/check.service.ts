import { requireVisible, type Scope } from '../access/scope.js';
import type { CheckRepository } from './check.repository.js';

export type { CheckRow } from './check.repository.js';

/** Check reads for the Data Extraction API: the repository's scoped reads, and the rule for a check named by a parameter. */
export function createCheckService(checks: Pick<CheckRepository, 'findVisible' | 'pagesByDevice' | 'listByDevice' | 'failingOfClients' | 'notesByDevice'>) {
  return {
    ...checks,

    /** The check `checkid` names when the scope sees it; otherwise error 4 for checkid, as for one that does not exist. */
    requireVisible: (scope: Scope, checkId: number) => requireVisible(checks.findVisible(scope, checkId), 'checkid'),
  };
}

export type CheckService = ReturnType<typeof createCheckService>;
