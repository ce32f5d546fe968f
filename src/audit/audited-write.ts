import type { Db } from '../db/database.js';
import type { Clock } from '../lib/clock.js';
import { inTransaction, type Repositories } from '../repositories.js';
import { createAuditService, type AuditService } from './audit.service.js';

/** The audit log as a change sees it: appending only. */
export type AuditLog = Pick<AuditService, 'record'>;

/** The repositories of one transaction and the audit log bound to the same transaction. */
export type AuditedUnit<R = Repositories> = { repos: R; audit: AuditLog };

/**
 * How every audited change is made: `write(async ({ repos, audit }) => { change through repos; audit.record(…) })`
 * runs in one transaction, so the change and its entry commit together or not at all (a server killed in
 * between leaves neither). A service names the repositories its changes use, e.g.
 * `AuditedWrite<Pick<Repositories, 'users' | 'sessions'>>`; reads and checks that need no atomicity stay
 * outside, so no work (a password hash, mail) holds the transaction open.
 */
export type AuditedWrite<R = Repositories> = <T>(work: (unit: AuditedUnit<R>) => Promise<T>) => Promise<T>;

/** Audited writes over a database: one transaction per call, or the caller's when `db` already is one. */
export function auditedWrites(db: Db, clock: Clock): AuditedWrite {
  return (work) => inTransaction(db, (repos) => work({ repos, audit: createAuditService({ audit: repos.audit, clock }) }));
}

/** Audited writes inside a unit already open (an API write's transaction): they commit with it. */
export function auditedWritesWithin<R>(unit: AuditedUnit<R>): AuditedWrite<R> {
  return (work) => work(unit);
}
