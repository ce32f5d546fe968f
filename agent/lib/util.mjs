// @ts-check
import { readFileSync } from 'node:fs';

export const MB = 1024 * 1024;
const GB = 1024 * MB;

/** Seconds since the epoch, the protocol's time unit. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Cuts a string to the protocol's length limit for that field (the server refuses longer ones).
 * @param {unknown} value
 * @param {number} max
 */
export function clip(value, max) {
  const text = value === undefined || value === null ? '' : String(value);
  return text.length > max ? text.slice(0, max) : text;
}

/**
 * Bytes as a person reads them: "38.2GB", "512.0MB" (binary units, as Windows and N-sight show them).
 * @param {number} bytes
 */
export function formatBytes(bytes) {
  if (bytes >= 1024 * GB) return `${(bytes / (1024 * GB)).toFixed(1)}TB`;
  if (bytes >= GB) return `${(bytes / GB).toFixed(1)}GB`;
  return `${(bytes / MB).toFixed(1)}MB`;
}

/** @param {number} value */
export const round1 = (value) => Math.round(value * 10) / 10;

/**
 * Reads a small text file, or null when it is missing or unreadable (collectors report what they can).
 * @param {string} path
 */
export function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Waits `ms`, or less when `signal` aborts (then it resolves too: callers look at signal.aborted).
 * @param {number} ms
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A signal that aborts when any of `signals` does (AbortSignal.any needs Node 20.3; this agent runs on any 20).
 * @param {(AbortSignal | undefined)[]} signals
 */
export function anySignal(signals) {
  const controller = new AbortController();
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/**
 * The message of an error from fetch or net, with the system code a person can look up
 * ("connect ECONNREFUSED 127.0.0.1:9"), since fetch's own message is only "fetch failed".
 * @param {unknown} error
 */
export function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  const cause = /** @type {{ cause?: unknown }} */ (error).cause;
  if (cause instanceof Error) {
    const nested = /** @type {{ errors?: unknown }} */ (cause).errors;
    // Happy Eyeballs: "localhost" tried on ::1 and 127.0.0.1 fails with an AggregateError of both.
    if (Array.isArray(nested) && nested[0] instanceof Error) return nested[0].message;
    return cause.message || String(/** @type {{ code?: unknown }} */ (cause).code);
  }
  return error.message;
}
