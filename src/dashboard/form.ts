import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errors } from '../errors.js';
import type { SafeHtml } from './html.js';

/**
 * What the browser sends the dashboard, read in one way: every POST route declares a zod schema for its
 * form body (`formRoute`), and the dashboard's error handler answers a body that fails it (400) or an
 * action a service refuses (4xx) with the route's form again, the message beside its field.
 */

/** A refused submission as the error handler hands it to a form: HTTP status, message, and the field it is about. */
export type Refusal = { status: number; message: string; field?: string };

/** Re-renders a form route's form (or the page holding it) with a refusal's message beside its field. */
export type RefusedForm = (request: FastifyRequest, refusal: Refusal) => Promise<string | SafeHtml>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by `formRoute`: how the dashboard's error handler answers this route's refused submissions. */
    refusedForm?: RefusedForm;
    /** Set by `formRoute`: the form field of the password the route checks (each address's failed tries are limited). */
    passwordField?: string;
    /** Set on the routes of the dashboard's authenticated scope, which a request without a session never reaches. */
    signedIn?: boolean;
  }
}

/** No NUL characters: PostgreSQL text cannot hold one (the query failed, a 500), and no one types one. */
const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'contains a character that is not allowed';

/**
 * A text input. Absent reads as '' (a form without the field, a cleared select); bounded so no field
 * carries a megabyte, and without NUL characters. Rules about the value itself belong to the service that uses it.
 */
export const text = (max: number) => z.string().max(max, `at most ${max} characters`).refine(noNul, NUL_MESSAGE).default('');

/** A text input the form needs filled in before anything runs (a confirmation, an address to send to). */
export const filled = (message: string, max: number) => text(max).refine((value) => value.trim() !== '', message);

/** A checkbox sent as `value="1"` when ticked and not at all when cleared. */
export const checkbox = z.string().max(10).optional().transform((value) => value === '1');

/** Repeated checkboxes holding ids (`name="clients"` once per ticked client); anything not an id is dropped. */
export const ids = z
  .union([z.string(), z.array(z.string()).max(10_000)])
  .optional()
  .transform((value) => (value === undefined ? [] : [value].flat()).map(positiveId).filter((id): id is number => id !== undefined));

/** A query parameter given at most once (a repeated one fails its schema: 400, not a crash further on). */
export const single = (max: number) => z.string({ error: 'give this parameter once' }).max(max, `at most ${max} characters`).refine(noNul, NUL_MESSAGE).optional();

/** Parses a page's query with its schema; a query that fails it is answered 400 by the error handler. */
export function parseQuery<S extends z.ZodType>(schema: S, request: FastifyRequest): z.output<S> {
  return schema.parse(request.query ?? {});
}

/** Parses a form body with its schema; throws the ZodError the error handler answers with the form. */
export function parseForm<S extends z.ZodType>(schema: S, request: FastifyRequest): z.output<S> {
  return schema.parse(request.body ?? {});
}

/**
 * A POST route with a form body: `handle` gets the body parsed by `schema`. A body that fails the schema,
 * or an AppError thrown by a service, is answered by `refused` (the form with its message beside the
 * field) through the error handler; without `refused` a page (or an htmx fragment) says why. A route
 * that checks a password names its field (`passwordField`): the dashboard then limits each address's
 * failed tries before the route runs, refusing beside that field.
 */
export function formRoute<S extends z.ZodType>(
  scope: FastifyInstance,
  path: string,
  options: { schema: S; refused?: RefusedForm; passwordField?: string },
  handle: (request: FastifyRequest, reply: FastifyReply, body: z.output<S>) => Promise<unknown>,
): void {
  scope.post(path, { config: { refusedForm: options.refused, passwordField: options.passwordField } }, async (request, reply) => handle(request, reply, parseForm(options.schema, request)));
}

/** What was typed into a form, to fill it in again after a refusal; passwords and the CSRF token are never echoed. */
export function formValues(request: FastifyRequest): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' && name !== 'confirm' && name !== 'password' && name !== '_csrf') values[name] = value.slice(0, 1000);
  }
  return values;
}

/** The refusal's field when the form shows messages for it, else the form's default (its first field). */
export function fieldOf<F extends string>(refusal: Refusal, fields: readonly [F, ...F[]]): F {
  return fields.find((f) => f === refusal.field) ?? fields[0];
}

/** A decimal id from a query, path or form; anything else (including huge numbers) reads as absent. */
export function positiveId(value: string | undefined): number | undefined {
  if (!value || !/^[1-9][0-9]{0,15}$/.test(value)) return undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : undefined;
}

/**
 * An optional expiry from a date input (YYYY-MM-DD): the key or token stops working at the end of that
 * day (UTC); null when left empty. Anything else is refused beside the form's `expires` field; whether
 * the date is in the future is the service's rule.
 */
export function expiryOfDateInput(value: string): Date | null {
  if (!value) return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw errors.invalidValueMessage('an expiry is a date such as 2027-01-31', 'expires');
  return new Date(`${value}T23:59:59Z`);
}
