import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** sha256 hex: for high-entropy secrets (API keys, session tokens), where a slow hash buys nothing. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Compare against itself on length mismatch so the timing does not reveal the length either.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** 32 lowercase hex characters: 128 bits from the CSPRNG, the format N-sight integrations expect. */
export function newAccountApiKey(): string {
  return randomBytes(16).toString('hex');
}

/** Looks like an account key; anything else is rejected before touching the database. */
export const ACCOUNT_KEY_PATTERN = /^[0-9a-f]{32}$/;
