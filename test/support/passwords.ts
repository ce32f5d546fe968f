import { randomBytes, scryptSync } from 'node:crypto';

/**
 * A stored password hash in the format of src/lib/password.ts at a deliberately low cost (N=1024), for
 * tests that check many passwords. A successful log-in rehashes it at the current cost.
 */
export function cheapPasswordHash(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
  return `scrypt$1024$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
}
