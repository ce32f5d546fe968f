// @ts-check
import { anySignal, describeError, sleep } from './util.mjs';

/** The server answered 4xx: retrying the same request cannot help. `code` and `field` are the server's. */
export class RefusedError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string} [field]
   */
  constructor(status, code, message, field) {
    super(`${status} ${code}: ${message}${field ? ` (field ${field})` : ''}`);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** The server could not be reached, did not answer in time, or answered 5xx: worth retrying later. */
export class UnreachableError extends Error {}

/** The agent is stopping (SIGTERM/SIGINT): whatever was in flight is dropped. */
export class StoppedError extends Error {
  constructor() {
    super('stopped');
  }
}

/**
 * The HTTP side of protocol v1: JSON in, JSON out, errors sorted into the three kinds above. It knows
 * nothing of enrolment or secrets beyond sending the one it is given.
 */
export class ProtocolClient {
  /**
   * @param {string} baseUrl serverUrl + agentPath, ending in '/'
   * @param {{ agentVersion: string, signal: AbortSignal }} options signal: the agent's stop signal
   */
  constructor(baseUrl, { agentVersion, signal }) {
    this.baseUrl = baseUrl;
    this.userAgent = `sightline-agent/${agentVersion} (${process.platform})`;
    this.signal = signal;
  }

  /**
   * @param {'GET' | 'POST'} method
   * @param {string} path relative to the agent path, e.g. 'config'
   * @param {{ body?: unknown, secret?: string, timeoutMs?: number }} [options]
   * @returns {Promise<any>} the parsed JSON answer
   */
  async request(method, path, { body, secret, timeoutMs = 60_000 } = {}) {
    /** @type {Record<string, string>} */
    const headers = { accept: 'application/json', 'user-agent': this.userAgent };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (secret) headers.authorization = `Bearer ${secret}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = anySignal([this.signal, timeout]);
    const where = `${method} ${new URL(path, this.baseUrl).pathname}`;
    let status;
    let text;
    try {
      const response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        redirect: 'error', // a redirect would drop the Authorization header or turn a POST into a GET
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (this.signal.aborted) throw new StoppedError();
      throw new UnreachableError(timeout.aborted ? `${where}: no answer within ${timeoutMs / 1000}s` : `${where}: ${describeError(error)}`);
    }
    if (status >= 200 && status < 300) {
      try {
        return text ? JSON.parse(text) : {};
      } catch {
        throw new UnreachableError(`${where}: HTTP ${status} with a body that is not JSON`);
      }
    }
    if (status >= 500 || status === 408 || status === 429) throw new UnreachableError(`${where}: HTTP ${status}`);
    const error = parseError(text);
    throw new RefusedError(status, error.code ?? 'http_error', error.message ?? `${where} answered HTTP ${status}`, error.field);
  }
}

/**
 * The body of a 4xx answer: `{ "error": { "code", "message", "field"? } }`, or nothing usable.
 * @param {string} text
 * @returns {{ code?: string, message?: string, field?: string }}
 */
function parseError(text) {
  try {
    const error = JSON.parse(text)?.error;
    if (error && typeof error === 'object') {
      return {
        code: typeof error.code === 'string' ? error.code : undefined,
        message: typeof error.message === 'string' ? error.message : undefined,
        field: typeof error.field === 'string' ? error.field : undefined,
      };
    }
  } catch {
    // not JSON: a proxy's error page
  }
  return {};
}

/**
 * Calls `attempt` until it succeeds, retrying only when the server was unreachable (network error, timeout,
 * 5xx), waiting 1 s, 2 s, 4 s, … (capped at `maxDelayMs`, with jitter so a fleet does not retry in step).
 * @template T
 * @param {() => Promise<T>} attempt
 * @param {{ attempts: number, signal: AbortSignal, maxDelayMs?: number, onRetry?: (error: Error, delayMs: number) => void }} options
 * @returns {Promise<T>}
 */
export async function withRetry(attempt, { attempts, signal, maxDelayMs = 30_000, onRetry }) {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof UnreachableError) || tried >= attempts) throw error;
      const delay = Math.min(maxDelayMs, 1000 * 2 ** (tried - 1)) * (0.8 + Math.random() * 0.4);
      onRetry?.(error, delay);
      await sleep(delay, signal);
      if (signal.aborted) throw new StoppedError();
    }
  }
}
