import { describeMigrationStatus, migrationStatus } from '../db/migrate.js';
import type { HealthRepository } from './health.repository.js';

export type HealthReport = {
  ok: boolean;
  /** "ok", or what failed; a check after a failed one is "not checked". */
  checks: { database: string; migrations: string };
};

/** How long the database may take to answer the probe before the server counts as unhealthy. */
export const HEALTH_TIMEOUT_MS = 2000;
/**
 * A report is reused this long. Every enrolled device's built-in Web Page Check polls /healthz, so a
 * large fleet must not turn into one database probe per poll: at most one probe per process per interval,
 * and concurrent requests share the one in flight.
 */
export const HEALTH_CACHE_MS = 1000;

/**
 * The health check behind `GET /healthz`: the database answers a trivial query within the timeout, and
 * its applied migrations are exactly this version's list (a database behind means a process skipped
 * migrating; one ahead means a newer Sightline shares it, and this process's queries may no longer fit).
 */
export function createHealthCheck(deps: { repo: HealthRepository; timeoutMs?: number; cacheMs?: number; log?: (error: unknown) => void }) {
  const timeoutMs = deps.timeoutMs ?? HEALTH_TIMEOUT_MS;
  const cacheMs = deps.cacheMs ?? HEALTH_CACHE_MS;
  let last: { at: number; report: Promise<HealthReport> } | undefined;

  async function probe(): Promise<HealthReport> {
    try {
      await withTimeout(deps.repo.ping(), timeoutMs);
    } catch (error) {
      deps.log?.(error);
      const reason = error instanceof ProbeTimeout ? `no answer within ${timeoutMs} ms` : 'query failed';
      return { ok: false, checks: { database: reason, migrations: 'not checked' } };
    }
    try {
      const status = migrationStatus(await withTimeout(deps.repo.appliedMigrations(), timeoutMs));
      return { ok: status.state === 'current', checks: { database: 'ok', migrations: status.state === 'current' ? 'ok' : describeMigrationStatus(status) } };
    } catch (error) {
      deps.log?.(error);
      return { ok: false, checks: { database: 'ok', migrations: 'could not read the migrations table' } };
    }
  }

  return {
    check(): Promise<HealthReport> {
      const now = performance.now();
      if (!last || now - last.at >= cacheMs) last = { at: now, report: probe() };
      return last.report;
    },
  };
}

export type HealthCheck = ReturnType<typeof createHealthCheck>;

class ProbeTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
