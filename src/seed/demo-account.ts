import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import type { Services } from '../services.js';
import { seedDemoData } from './demo-generator.js';

export const DEMO_ACCOUNT = 'demo';

/** The first-run demo account: a small believable MSP and a fresh API key. */
export async function seedDemoAccount(services: Services, clock: Clock) {
  const { account } = await services.accounts.findOrCreate(DEMO_ACCOUNT);
  const summary = await seedDemoData(services.seedRepository, {
    accountId: account.id,
    clients: 12,
    devices: 400,
    seed: 'demo',
    now: epochSeconds(clock),
  });
  const apiKey = await services.apiKeys.regenerate(account.id, null);
  return { account, summary, apiKey };
}
