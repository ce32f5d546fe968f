import { randomInt } from 'node:crypto';
import { SystemRole } from '../access/roles.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import { passwordPolicyError } from '../lib/password.js';
import type { Services } from '../services.js';
import { seedDemoData } from './demo-generator.js';

export const DEMO_ACCOUNT = 'demo';
export const DEMO_ADMIN_EMAIL = 'admin@demo.local';

/** Unambiguous characters (no 0/O, 1/l/I), so the printed password can be typed from a screen. */
const PASSWORD_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A random 16-character password from the CSPRNG that meets N-sight's password policy. */
export function generateDemoPassword(): string {
  for (;;) {
    let password = '';
    for (let i = 0; i < 16; i++) password += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    if (passwordPolicyError(password) === null) return password;
  }
}

/**
 * The first-run demo account: a small believable MSP, a Superuser to log in to the dashboard with (its
 * password is random, printed once and stored only as a scrypt hash) and a fresh API key.
 */
export async function seedDemoAccount(services: Services, clock: Clock) {
  const { account } = await services.accounts.findOrCreate(DEMO_ACCOUNT);
  const summary = await seedDemoData(services.seedRepository, {
    accountId: account.id,
    clients: 12,
    devices: 400,
    seed: 'demo',
    now: epochSeconds(clock),
  });
  const adminPassword = generateDemoPassword();
  await services.users.add(services.access.systemActor(account.id), 'setup', {
    email: DEMO_ADMIN_EMAIL,
    role: SystemRole.superuser,
    password: adminPassword,
  });
  const apiKey = await services.apiKeys.regenerate(account.id, null);
  return { account, summary, apiKey, admin: { email: DEMO_ADMIN_EMAIL, password: adminPassword } };
}
