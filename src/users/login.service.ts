import type { AccessService, Actor } from '../access/access.service.js';
import type { AuditedWrite } from '../audit/audited-write.js';
import { errors } from '../errors.js';
import { hashPassword, needsRehash, verifyPassword } from '../lib/password.js';
import type { Repositories } from '../repositories.js';
import type { LoginAttempts } from '../throttle/throttle.service.js';
import type { UserRepository, UserRow } from './user.repository.js';

export type LoginResult =
  | { ok: true; actor: Actor }
  | { ok: false; reason: 'blocked'; retryAfterSeconds: number }
  | { ok: false; reason: 'invalid' };

/**
 * Dashboard log-in: the lockout (counting the attempt before the password is checked), password check
 * (the stored hash replaced when it was made at an older cost), and the rules that can refuse a correct password (an
 * inactive user; the Agent Key with dashboard access off). Every refusal looks the same to the caller
 * ("invalid"), so it cannot tell which rule refused; "blocked" comes with its wait.
 */
export function createLoginService(deps: { users: UserRepository; access: AccessService; write: AuditedWrite<Pick<Repositories, 'users'>>; loginAttempts: LoginAttempts }) {
  const { users, access, write, loginAttempts } = deps;
  return {
    async login(email: string, password: string, sourceAddress: string): Promise<LoginResult> {
      const attempt = await loginAttempts.begin(email, sourceAddress);
      if (attempt.blocked) return { ok: false, reason: 'blocked', retryAfterSeconds: attempt.retryAfterSeconds };
      const user = email.length <= 320 ? await users.findByEmail(email.trim()) : undefined;
      // An unknown user is checked against a decoy hash at the current cost: the same time either way.
      const passwordOk = await verifyPassword(password, user?.password_hash ?? null);
      const allowed = user !== undefined && passwordOk && user.active === 1 && !(user.is_agent_key === 1 && user.dashboard_access !== 1);
      if (!allowed) {
        const after = await loginAttempts.failed(attempt);
        return after.blocked ? { ok: false, reason: 'blocked', retryAfterSeconds: after.retryAfterSeconds } : { ok: false, reason: 'invalid' };
      }
      await loginAttempts.succeeded(attempt);
      const actor = await access.actorFor(user);
      // The only moment the password is known: replace a hash made at an older (lower) cost.
      if (user.password_hash && needsRehash(user.password_hash)) {
        const passwordHash = await hashPassword(password);
        await write(async ({ repos, audit }) => {
          await repos.users.update(user.account_id, user.id, { password_hash: passwordHash });
          await audit.record(actor, sourceAddress, 'user.password-rehash', `${user.email}: stored again at the current scrypt cost`);
        });
      }
      return { ok: true, actor };
    },

    /**
     * A signed-in user's own password, re-entered to confirm a change or to change it: checked under the
     * same lockout as logging in (the same user and address), so a taken-over session cannot guess it at
     * will. A refusal is thrown beside `field`: "That is not your password", or 429 once blocked.
     */
    async verifyOwnPassword(user: UserRow, password: string, sourceAddress: string, field: string): Promise<void> {
      const attempt = await loginAttempts.begin(user.email, sourceAddress);
      if (attempt.blocked) throw errors.tooManyRequests(attempt.retryAfterSeconds, field);
      if (await verifyPassword(password, user.password_hash)) return loginAttempts.succeeded(attempt);
      const after = await loginAttempts.failed(attempt);
      if (after.blocked) throw errors.tooManyRequests(after.retryAfterSeconds, field);
      throw errors.invalidValueMessage('That is not your password', field);
    },
  };
}

export type LoginService = ReturnType<typeof createLoginService>;
