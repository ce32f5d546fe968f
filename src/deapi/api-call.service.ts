import type { AccessService } from '../access/access.service.js';
import type { Caller } from '../access/scope.js';
import type { ApiAuthenticator } from '../api-keys/api-authenticator.js';
import type { AuditService } from '../audit/audit.service.js';
import type { Clock } from '../lib/clock.js';
import type { DeapiDomain } from './deapi.services.js';
import { parseParams, type RawParams } from './params.js';
import type { ServiceSpec, Shape } from './service-spec.js';

/** The domain and audit log of one transaction, in which a write and its audit entry commit together. */
export type WriteUnit = { domain: DeapiDomain; audit: Pick<AuditService, 'record'> };

export type ApiCallDeps = {
  access: Pick<AccessService, 'authorizeApiCall'>;
  keys: Pick<ApiAuthenticator, 'recordUse'>;
  /** The domain reads run over (outside any transaction). */
  domain: DeapiDomain;
  /** Runs work in one transaction, over a domain and an audit log bound to it. */
  inTransaction: <T>(work: (unit: WriteUnit) => Promise<T>) => Promise<T>;
  clock: Clock;
  publicUrl: string;
};

/**
 * One Data Extraction API call, below the transport: the one access decision, usage counting, the
 * parameters, and the handler, a write in a transaction with its audit entry. Answers the shape to
 * render and the data to render through it; the route knows HTTP and XML, this knows the rules.
 */
export function createApiCallService(deps: ApiCallDeps) {
  const { access, keys, clock, publicUrl } = deps;
  return {
    async call(caller: Caller, spec: ServiceSpec, raw: RawParams): Promise<{ shape: Shape; data: unknown }> {
      access.authorizeApiCall(caller, spec);
      await keys.recordUse(caller, spec.name);
      const params = parseParams(spec.params, raw);
      const shape = spec.shapeFor ? spec.shapeFor(params) : spec.shape;
      if (!spec.write) return { shape, data: await spec.handler({ ...deps.domain, caller, clock, publicUrl }, params) };
      const data = await deps.inTransaction(async ({ domain, audit }) => {
        const result = await spec.handler({ ...domain, caller, clock, publicUrl }, params);
        // The parameters as parsed: the key itself is never one of them.
        await audit.record({ accountId: caller.scope.accountId, userId: caller.userId, label: caller.keyLabel }, caller.sourceAddress, `api.${spec.name}`, JSON.stringify(params));
        return result;
      });
      return { shape, data };
    },
  };
}

export type ApiCallService = ReturnType<typeof createApiCallService>;
