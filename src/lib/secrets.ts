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

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Personal API keys start with this, so secret scanners (and people) recognise a leaked one. */
export const PERSONAL_KEY_PREFIX = 'slk_';

/** `slk_` + 32 base32 characters (160 random bits) + 6 hex characters of checksum. */
export const PERSONAL_KEY_PATTERN = /^slk_([a-z2-7]{32})([0-9a-f]{6})$/;

function personalKeyChecksum(body: string): string {
  return sha256Hex(`${PERSONAL_KEY_PREFIX}${body}`).slice(0, 6);
}

/** A new personal API key. The checksum lets scanners and the server reject typos without a lookup. */
export function newPersonalApiKey(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let body = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      body += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `${PERSONAL_KEY_PREFIX}${body}${personalKeyChecksum(body)}`;
}

/** Whether the text has the personal key format with a correct checksum. */
export function isWellFormedPersonalKey(key: string): boolean {
  const match = PERSONAL_KEY_PATTERN.exec(key);
  return match !== null && constantTimeEqual(personalKeyChecksum(match[1]!), match[2]!);
}

/** What lists show of a personal key: enough to tell keys apart, far too little to use. */
export function personalKeyDisplayPrefix(key: string): string {
  return key.slice(0, PERSONAL_KEY_PREFIX.length + 8);
}

/** Site enrolment tokens (in installation packages) and device secrets (held by enrolled agents). */
export const SITE_TOKEN_PREFIX = 'slt_';
export const DEVICE_SECRET_PREFIX = 'sld_';

const PREFIXED_SECRET_BODY = /^[A-Za-z0-9_-]{43}$/;

/**
 * `prefix` + 32 bytes from the CSPRNG as base64url (43 characters, 256 bits). The prefix lets people and
 * secret scanners tell a leaked site token from a device secret; only the sha256 is ever stored.
 */
export function newPrefixedSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** Whether the text has the shape newPrefixedSecret makes, so garbage is refused before a lookup. */
export function isPrefixedSecret(prefix: string, value: string): boolean {
  return value.startsWith(prefix) && PREFIXED_SECRET_BODY.test(value.slice(prefix.length));
}

/** What lists show of a prefixed secret: its prefix and 8 characters, far too little to use. */
export function secretDisplayPrefix(prefix: string, secret: string): string {
  return secret.slice(0, prefix.length + 8);
}
