import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiPermissionOf } from '../access/permissions.js';
import type { Caller } from '../access/scope.js';
import type { ApiAuthenticator } from '../api-keys/api-authenticator.js';
import { AppError, ErrorCode, errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { Repositories } from '../repositories.js';
import { describeDocument } from './describe.js';
import { errorDocument, rootAttributes } from './envelope.js';
import { mergeParams, parseParams, wantsDescribe, type RawParams } from './params.js';
import { SERVICES_BY_NAME } from './registry.js';
import { documentBody, renderDocument } from './render.js';

export type DeapiDeps = {
  apiKeys: ApiAuthenticator;
  repos: Repositories;
  clock: Clock;
  hostname: string;
  publicUrl: string;
  unknownServiceCode: number;
};

const XML_TYPE = 'application/xml; charset=utf-8';
const PATHS = ['/api', '/api/', '/api/default.php'];

/**
 * The Data Extraction API transport: `/api`, `/api/` and `/api/default.php`, GET or POST (query and/or
 * form body). Always HTTP 200 with XML (except 429 when throttled), as every known client expects.
 */
export function registerDeapiRoutes(app: FastifyInstance, deps: DeapiDeps): void {
  const handler = (request: FastifyRequest, reply: FastifyReply) => handle(deps, request, reply);
  for (const url of PATHS) {
    app.get(url, handler);
    app.post(url, handler);
  }
}

async function handle(deps: DeapiDeps, request: FastifyRequest, reply: FastifyReply) {
  const raw = mergeParams(request.query, request.body);
  let caller: Caller | undefined;
  try {
    caller = await authenticate(deps, request, raw);
    const spec = SERVICES_BY_NAME.get(raw.service ?? '');
    if (!spec) throw errors.serviceUnknown();
    const now = deps.clock.now();
    const attributes = rootAttributes(spec, now, caller.timezone, deps.hostname);
    reply.code(200).type(XML_TYPE);
    if (wantsDescribe(raw)) return reply.send(describeDocument(spec, attributes, deps.publicUrl));
    if (!caller.permissions.has(apiPermissionOf(spec))) throw errors.permissionDenied(spec.name);
    if (spec.write && !caller.canWrite) throw errors.permissionDenied('this key is read-only');
    await deps.apiKeys.recordUse(caller, spec.name);
    const params = parseParams(spec.params, raw);
    const data = await spec.handler({ caller, repos: deps.repos, clock: deps.clock, publicUrl: deps.publicUrl }, params);
    const shape = spec.shapeFor ? spec.shapeFor(params) : spec.shape;
    return reply.send(await documentBody(renderDocument(spec.root ?? 'result', attributes, shape, data)));
  } catch (error) {
    return sendError(deps, request, reply, error, caller?.timezone ?? 'UTC');
  }
}

/** The key from `apikey` (query or form), `X-API-Key`, or `Authorization: Bearer`. */
export function presentedKey(request: FastifyRequest, raw: RawParams): string | undefined {
  if (raw.apikey) return raw.apikey;
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return undefined;
}

/** The caller, or "Login failed" / 429 when the address has sent too many bad keys (api-authenticator.ts). */
async function authenticate(deps: DeapiDeps, request: FastifyRequest, raw: RawParams): Promise<Caller> {
  return deps.apiKeys.authenticate(presentedKey(request, raw), request.ip);
}

function sendError(deps: DeapiDeps, request: FastifyRequest, reply: FastifyReply, error: unknown, timeZone: string) {
  let appError: AppError;
  if (error instanceof AppError) {
    appError = error;
  } else {
    request.log.error({ err: error, service: (request.query as RawParams | undefined)?.service }, 'unexpected error in API call');
    appError = errors.internal();
  }
  const code = appError.code === 'serviceUnknown' ? deps.unknownServiceCode : ErrorCode[appError.code];
  reply.code(appError.http?.status ?? 200).type(XML_TYPE);
  for (const [name, value] of Object.entries(appError.http?.headers ?? {})) reply.header(name, value);
  return reply.send(errorDocument(code, appError.message, deps.clock.now(), timeZone, deps.hostname));
}
