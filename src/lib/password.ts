import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;

/**
 * Password hashing: the one file that knows the scrypt parameters. Stored form:
 * `scrypt$N$r$p$salt(base64)$hash(base64)`, so parameters can be raised without breaking old hashes: a
 * hash made with other parameters still verifies, and `needsRehash` tells the log-in to store a new one.
 * Current cost: OWASP's advice for scrypt, N=2^17, r=8, p=1 (128 MiB and a few hundred ms per check).
 */
const N = 2 ** 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_PASSWORD_LENGTH = 1024;

/** Bounds on stored parameters, so a damaged or planted hash cannot ask for gigabytes or minutes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/**
 * scrypt's working memory is 128·r·(N + p + 2) bytes; Node refuses anything above `maxmem` (32 MiB by
 * default, too little for N=2^17), so each call allows exactly what its parameters need, plus slack.
 */
const maxmemFor = (n: number, r: number, p: number) => 128 * r * (n + p + 2) + 1024 * 1024;

type Parsed = { n: number; r: number; p: number; salt: Buffer; hash: Buffer };

function parse(stored: string): Parsed | null {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return null;
  const [cost, block, parallel] = [Number(n), Number(r), Number(p)];
  const powerOfTwo = Number.isInteger(cost) && cost >= 2 && (cost & (cost - 1)) === 0;
  if (!powerOfTwo || cost > MAX_N || !Number.isInteger(block) || block < 1 || block > MAX_R || !Number.isInteger(parallel) || parallel < 1 || parallel > MAX_P) return null;
  return { n: cost, r: block, p: parallel, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) throw new Error('password too long');
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, { N, r: R, p: P, maxmem: maxmemFor(N, R, P) });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** A hash of a random password at the current cost, made once: what a missing hash is checked against. */
let decoy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash in constant time; false for a malformed hash. With no hash (an
 * unknown user, a user without a password) it still runs one scrypt at the current cost, so the answer
 * takes as long either way and timing does not tell which users exist.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const parsed = parse(stored ?? (await (decoy ??= hashPassword(randomBytes(16).toString('hex')))));
  if (!parsed || parsed.hash.length === 0) return false;
  const actual = await scrypt(password, parsed.salt, parsed.hash.length, { N: parsed.n, r: parsed.r, p: parsed.p, maxmem: maxmemFor(parsed.n, parsed.r, parsed.p) });
  return stored !== null && actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** Whether a stored hash was made with other parameters than the current ones (and should be replaced at the next log-in). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return parsed === null || parsed.n !== N || parsed.r !== R || parsed.p !== P;
}

/**
 * N-sight's password policy (access-model.md): at least 8 characters, no spaces, one upper-case letter,
 * one lower-case letter and one digit. Returns the first rule broken, or null.
 */
export function passwordPolicyError(password: string): string | null {
  if (password.length < 8) return 'Password must be at least 8 characters';
  if (password.length > MAX_PASSWORD_LENGTH) return 'Password is too long';
  if (/\s/.test(password)) return 'Password must not contain spaces';
  if (!/[A-Z]/.test(password)) return 'Password must contain an upper-case letter';
  if (!/[a-z]/.test(password)) return 'Password must contain a lower-case letter';
  if (!/[0-9]/.test(password)) return 'Password must contain a digit';
  return null;
}
