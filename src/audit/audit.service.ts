import type { Actor } from '../access/access.service.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import type { AuditRepository } from './audit.repository.js';

/** Longest detail kept; details are short sentences, never secrets. */
const MAX_DETAIL = 2000;

/** The audit log: who did what to the account's access, when, and from where. */
export function createAuditService(deps: { audit: AuditRepository; clock: Clock }) {
  const { audit, clock } = deps;
  return {
    /** Appends one entry. `detail` must never contain a key or password. */
    async record(actor: Pick<Actor, 'accountId' | 'userId' | 'label'>, sourceAddress: string, action: string, detail = ''): Promise<void> {
      await audit.append({
        accountId: actor.accountId,
        actorUserId: actor.userId,
        actorLabel: actor.label,
        at: epochSeconds(clock),
        sourceAddress: sourceAddress.slice(0, 64),
        action,
        detail: detail.slice(0, MAX_DETAIL),
      });
    },

    /** The newest `limit` entries of one account. */
    async list(accountId: number, limit = 100) {
      return audit.list(accountId, Math.max(1, Math.min(limit, 10_000)));
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
