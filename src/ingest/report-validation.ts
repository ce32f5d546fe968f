import { createHash } from 'node:crypto';
import { MAX_CLOCK_SKEW_SECONDS } from '../agent-protocol/protocol.schema.js';
import { errors } from '../errors.js';

/**
 * Checks on a report that need no database, made before anything is written, and the digest that tells a
 * retried batch from a different one under the same id.
 */

/** Whether a property holds a time (epoch seconds): `at` and every `…At` of the protocol's schemas. */
const isTimeField = (key: string) => key === 'at' || key.endsWith('At');

/**
 * Refuses the first time more than MAX_CLOCK_SKEW_SECONDS ahead of `now`, naming its path
 * (`checkResults.3.at`, `facts.bootedAt`). Agents' clocks drift a little; a time from the future would
 * otherwise become a check's last run or a scan that has not happened yet.
 */
export function refuseFutureTimes(value: unknown, now: number, prefix = ''): void {
  const newest = now + MAX_CLOCK_SKEW_SECONDS;
  const visit = (node: unknown, path: string) => {
    if (Array.isArray(node)) node.forEach((item, i) => visit(item, `${path}${i}.`));
    else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (typeof child === 'number' && isTimeField(key) && child > newest) {
          throw errors.invalidValueMessage(`${path}${key} is in the future (more than ${MAX_CLOCK_SKEW_SECONDS} seconds ahead of the server's clock)`, `${path}${key}`);
        }
        visit(child, `${path}${key}.`);
      }
    }
  };
  visit(value, prefix ? `${prefix}.` : '');
}

/** JSON with object keys sorted at every level, so equal content always gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 (hex) of a batch's canonical JSON. */
export function contentSha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
