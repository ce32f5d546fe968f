import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../access/scope.js';
import type { ApiAuthenticator } from '../api-keys/api-authenticator.js';
import { AppError, ErrorCode, errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { ApiCallService } from './api-call.service.js';
import { describeDocument } from './describe.js';
import { errorDocument, rootAttributes } from './envelope.js';
import { mergeParams, wantsDescribe, type RawParams } from './params.js';
import { SERVICES_BY_NAME } from './registry.js';
import { attachmentHeader, isFileAnswer } from './file-answer.js';
import { documentBody, renderDocument } from './render.js';

export type DeapiDeps = {
  apiKeys: Pick<ApiAuthenticator, 'authenticate'>;
  calls: ApiCallService;
  clock: Clock;
  hostname: string;
  publicUrl: string;
  unknownServiceCode: number;
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The API call's parameters (query and form body), once the key is checked who makes it, and the error code answered (0: none; /metrics reads it). */
    deapi: { raw: RawParams; caller: Caller | null; errorCode: number };
  }
}

const XML_TYPE = 'application/xml; charset=utf-8';
const PATHS = ['/api', '/api/', '/api/default.php'];

/**
 * The Data Extraction API transport: `/api`, `/api/` and `/api/default.php`, GET or POST (query and/or
 * form body), in a plugin of its own. A hook authenticates the key and sets the caller; the route
 * answers; one error handler writes every error as the XML envelope. Always HTTP 200 with XML (except
 * 429 when throttled), as every known client expects.
 */
export async function registerDeapi(app: FastifyInstance, deps: DeapiDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.decorateRequest('deapi', null as never);

    // preHandler, not onRequest: the key may come in the form body, which is parsed after onRequest.
    scope.addHook('preHandler', async (request) => {
      const raw = mergeParams(request.query, request.body);
      request.deapi = { raw, caller: null, errorCode: 0 };
      request.deapi.caller = await deps.apiKeys.authenticate(presentedKey(request, raw), request.ip);
    });

    scope.setErrorHandler((error, request, reply) => sendError(deps, request, reply, error));

    const handler = (request: FastifyRequest, reply: FastifyReply) => answer(deps, request, reply);
    for (const url of PATHS) {
      scope.get(url, handler);
      scope.post(url, handler);
    }
  });
}

async function answer(deps: DeapiDeps, request: FastifyRequest, reply: FastifyReply) {
  const { raw } = request.deapi;
  const caller = request.deapi.caller!; // set by the preHandler hook, which fails the request otherwise
  const spec = SERVICES_BY_NAME.get(raw.service ?? '');
  if (!spec) throw errors.serviceUnknown();
  const now = deps.clock.now();
  reply.code(200).type(XML_TYPE);
  if (wantsDescribe(raw)) return reply.send(describeDocument(spec, rootAttributes(spec, now, caller.timezone, deps.hostname), deps.publicUrl));
  const { shape, data } = await deps.calls.call(caller, spec, raw);
  if (isFileAnswer(data)) return reply.type(data.file.contentType).header('content-disposition', attachmentHeader(data.file.filename)).send(data.file.body);
  const attributes = rootAttributes(spec, now, caller.timezone, deps.hostname, spec.statusOf?.(data) ?? 'OK');
  return reply.send(await documentBody(renderDocument(spec.root ?? 'result', attributes, shape, data)));
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

/**
 * Every error of an API call as the XML envelope: in the caller's timezone once the key is known, UTC
 * before. Fastify's own request errors (a body it cannot parse or that is too large, or that the client
 * stopped sending) are not API calls and keep fastify's answer, as they had before the API had a plugin
 * of its own.
 */
function sendError(deps: DeapiDeps, request: FastifyRequest, reply: FastifyReply, error: unknown) {
  if (isFastifyRequestError(error)) throw error;
  let appError: AppError;
  if (error instanceof AppError) {
    appError = error;
  } else {
    request.log.error({ err: error, service: (request.query as RawParams | undefined)?.service }, 'unexpected error in API call');
    appError = errors.internal();
  }
  const code = appError.code === 'serviceUnknown' ? deps.unknownServiceCode : ErrorCode[appError.code];
  if (request.deapi) request.deapi.errorCode = code;
  reply.code(appError.http?.status ?? 200).type(XML_TYPE);
  for (const [name, value] of Object.entries(appError.http?.headers ?? {})) reply.header(name, value);
  return reply.send(errorDocument(code, appError.message, deps.clock.now(), request.deapi?.caller?.timezone ?? 'UTC', deps.hostname));
}

/**
 * Fastify's FST_ errors, and the error of a body the client hung up in the middle of (Node's ECONNRESET,
 * which fastify's body reader marks 400): the client's doing, not an unexpected failure to log as one.
 */
function isFastifyRequestError(error: unknown): error is FastifyError {
  const e = error as Partial<FastifyError> | null;
  return typeof e?.code === 'string' && (e.code.startsWith('FST_') || e.code === 'ECONNRESET') && typeof e.statusCode === 'number' && e.statusCode < 500;
}
