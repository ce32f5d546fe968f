import { errors } from '../errors.js';
import type { ParamSpec } from './service-spec.js';

/** Request parameters as text: the query string merged with a form body (body wins). */
export type RawParams = Record<string, string>;

/** Longest parameter value accepted; add_client's licenseconfig/reportconfig XML are the longest legitimate ones. */
const MAX_VALUE_LENGTH = 64 * 1024;

/** Flattens fastify's query/body objects: a repeated parameter counts once (its first value). */
export function mergeParams(...sources: unknown[]): RawParams {
  const out: RawParams = {};
  for (const source of sources) {
    if (!source || typeof source !== 'object') continue;
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      const first = Array.isArray(value) ? value[0] : value;
      if (typeof first === 'string') out[name] = first.length > MAX_VALUE_LENGTH ? first.slice(0, MAX_VALUE_LENGTH + 1) : first;
    }
  }
  return out;
}

/** `describe=true` (also `True` from Python clients, and `1`). */
export function wantsDescribe(raw: RawParams): boolean {
  const value = raw.describe?.toLowerCase();
  return value === 'true' || value === '1';
}

/**
 * Checks the parameters of a service in declaration order: an absent required one answers
 * "Missing parameter: NAME" (5), a malformed one "Invalid value for parameter: NAME" (4). A NUL
 * character is malformed in every parameter: PostgreSQL text cannot hold one (the query failed, code 99)
 * and XML 1.0 cannot show one.
 */
export function parseParams(specs: Readonly<Record<string, ParamSpec>>, raw: RawParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = raw[name];
    if (value === undefined || value === '') {
      if (spec.required) throw errors.missingParameter(name);
      continue;
    }
    if (value.length > MAX_VALUE_LENGTH || value.includes('\u0000')) throw errors.invalidValue(name);
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) throw errors.invalidValue(name);
    out[name] = parsed.data;
  }
  return out;
}
