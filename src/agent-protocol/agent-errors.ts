import type { z } from 'zod';
import { AppError, type ErrorCodeName } from '../errors.js';
import { MAX_ITEMS_PER_LIST } from './protocol.schema.js';

/**
 * Errors of the agent protocol: an HTTP status, a short machine code, a message, and the field it is
 * about (a dotted path into the request, e.g. `checkResults.3.checkId`). Sent as
 * `{ "error": { "code", "message", "field"? } }` (protocol.schema.ts `ErrorResponse`).
 */
export class AgentError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export const agentErrors = {
  unauthorized: (message = 'Missing, unknown, expired or revoked credentials') => new AgentError(401, 'unauthorized', message),
  notFound: (message: string) => new AgentError(404, 'not_found', message),
  conflict: (message: string, field?: string) => new AgentError(409, 'conflict', message, field),
  tooLarge: (message: string, field?: string) => new AgentError(413, 'too_large', message, field),
};

/** A list past MAX_ITEMS_PER_LIST is "too large" (413), like a body past MAX_REPORT_BYTES; other issues are 400. */
function isListTooLong(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'too_big' && issue.origin === 'array' && Number(issue.maximum) === MAX_ITEMS_PER_LIST;
}

/** The first issue of a failed zod parse, as the error naming its field. */
export function validationError(error: z.ZodError): AgentError {
  const issue = error.issues[0]!;
  const path = issue.path.map(String);
  // An unknown field is named by its own path, not its parent's.
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]!);
  const field = path.length > 0 ? path.join('.') : undefined;
  if (isListTooLong(issue)) return agentErrors.tooLarge(`at most ${MAX_ITEMS_PER_LIST} items per list`, field);
  return new AgentError(400, 'invalid', issue.code === 'unrecognized_keys' ? `unknown field ${field}` : issue.message, field);
}

const APP_ERROR_STATUS: Record<ErrorCodeName, { status: number; code: string }> = {
  serviceUnknown: { status: 404, code: 'not_found' },
  loginFailed: { status: 401, code: 'unauthorized' },
  invalidValue: { status: 400, code: 'invalid' },
  missingParameter: { status: 400, code: 'invalid' },
  permissionDenied: { status: 403, code: 'forbidden' },
  tooManyRequests: { status: 429, code: 'too_many_requests' },
  internal: { status: 500, code: 'internal' },
};

/**
 * Fastify's own request errors (a body it cannot parse, too large, an unknown content type), and a body
 * the agent hung up in the middle of (Node's ECONNRESET, which fastify's body reader marks 400).
 */
function fastifyRequestError(error: unknown): AgentError | undefined {
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown } | null;
  if (typeof e?.statusCode !== 'number' || e.statusCode >= 500 || typeof e.code !== 'string' || !(e.code.startsWith('FST_') || e.code === 'ECONNRESET')) return undefined;
  if (e.statusCode === 413) return agentErrors.tooLarge('the request body is larger than this endpoint accepts');
  if (e.statusCode === 415) return new AgentError(415, 'unsupported_media_type', 'send the body as application/json');
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new AgentError(400, 'invalid_json', 'the body is not valid JSON');
  return new AgentError(e.statusCode, 'bad_request', 'the request is malformed');
}

/**
 * Any error thrown while serving an agent as the AgentError to send; `unexpected` when it is none of
 * ours (a bug or a database failure), which is logged and answered 500 without internals.
 */
export function toAgentError(error: unknown): { error: AgentError; unexpected: boolean } {
  if (error instanceof AgentError) return { error, unexpected: false };
  if (error instanceof AppError) {
    const { status, code } = APP_ERROR_STATUS[error.code];
    return { error: new AgentError(status, code, error.message, error.field), unexpected: error.code === 'internal' };
  }
  const request = fastifyRequestError(error);
  if (request) return { error: request, unexpected: false };
  if (error instanceof SyntaxError) return { error: new AgentError(400, 'invalid_json', 'the body is not valid JSON'), unexpected: false };
  return { error: new AgentError(500, 'internal', 'An error has occurred'), unexpected: true };
}

/** The JSON body of an error answer. */
export function errorBody(error: AgentError): { error: { code: string; message: string; field?: string } } {
  return { error: { code: error.code, message: error.message, ...(error.field === undefined ? {} : { field: error.field }) } };
}
