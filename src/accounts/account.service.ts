import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import { isValidTimeZone } from '../lib/dates.js';
import { AppError } from '../errors.js';
import type { AccountRepository, AccountRow } from './account.repository.js';

/** Accounts (MSP tenants). Creating one also creates its All Clients group and Agent Key user. */
export function createAccountService(deps: { accounts: AccountRepository; clock: Clock }) {
  const { accounts, clock } = deps;
  return {
    /** Finds the named account, or fails with a message naming it. */
    async require(name: string): Promise<AccountRow> {
      const account = await accounts.findByName(name);
      if (!account) throw new AppError('invalidValue', `no account named "${name}"`);
      return account;
    },

    async findOrCreate(name: string, options: { timezone?: string; territory?: string; publicUrl?: string } = {}) {
      const existing = await accounts.findByName(name);
      if (existing) return { account: existing, created: false };
      const trimmed = name.trim();
      if (!trimmed || trimmed.length > 200) throw new AppError('invalidValue', 'account name must be 1 to 200 characters');
      const timezone = options.timezone ?? 'Europe/London';
      if (!isValidTimeZone(timezone)) throw new AppError('invalidValue', `unknown timezone "${timezone}"`);
      const account = await accounts.create({
        name: trimmed,
        timezone,
        territory: options.territory ?? 'United Kingdom',
        publicUrl: options.publicUrl ?? null,
        now: epochSeconds(clock),
      });
      return { account, created: true };
    },

    count: () => accounts.count(),
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
