/**
 * The closed table of errors Sightline answers. The DEAPI error handler maps each to the XML envelope
 * (`<error><errorcode/><message/></error>`, HTTP 200); the dashboard maps them to HTML.
 * `docs/errors.md` lists the same table and a test keeps the two in step.
 */
export const ErrorCode = {
  /** The service name is empty or unknown. The number is configurable (SIGHTLINE_UNKNOWN_SERVICE_CODE). */
  serviceUnknown: 2,
  /** Missing or wrong API key. */
  loginFailed: 3,
  /** A parameter is malformed, or names something that does not exist or lies outside the caller's scope. */
  invalidValue: 4,
  /** A required parameter is absent. */
  missingParameter: 5,
  /** The caller's key or role does not allow this service (Sightline's own; N-sight never documented one). */
  permissionDenied: 6,
  /** Too many failed logins from this address (also sent as HTTP 429 with Retry-After). */
  tooManyRequests: 7,
  /** Unexpected failure; details are logged, never sent. */
  internal: 99,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

/** An error the API may show its caller: a code from the table and a message safe to send. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCodeName,
    message: string,
    /** Extra HTTP detail for the transport (429 and its Retry-After); the envelope itself is unchanged. */
    readonly http?: { status: number; headers?: Record<string, string> },
    /**
     * The parameter or form field the error is about, so a transport can place it (a form message beside
     * its input, `field` in an agent's JSON error) without matching the message text.
     */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const errors = {
  serviceUnknown: () => new AppError('serviceUnknown', 'Service unknown'),
  loginFailed: () => new AppError('loginFailed', 'Login failed'),
  invalidValue: (parameter: string) => new AppError('invalidValue', `Invalid value for parameter: ${parameter}`, undefined, parameter),
  /** For the rare documented messages that are not "Invalid value for parameter: NAME"; `field` names the input. */
  invalidValueMessage: (message: string, field?: string) => new AppError('invalidValue', message, undefined, field),
  missingParameter: (parameter: string) => new AppError('missingParameter', `Missing parameter: ${parameter}`, undefined, parameter),
  permissionDenied: (what: string) => new AppError('permissionDenied', `Permission denied: ${what}`),
  tooManyRequests: (retryAfterSeconds: number, field?: string) =>
    new AppError('tooManyRequests', 'Too many failed logins, try again later', {
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds) },
    }, field),
  internal: () => new AppError('internal', 'An error has occurred'),
};
