import type { AccessService, Actor } from '../access/access.service.js';
import { verifyPassword } from '../lib/password.js';
import type { LoginAttempts } from '../throttle/throttle.service.js';
import type { UserRepository } from './user.repository.js';

export type LoginResult =
  | { ok: true; actor: Actor }
  | { ok: false; reason: 'blocked'; retryAfterSeconds: number }
  | { ok: false; reason: 'invalid' };

/** A valid scrypt hash of a random password: unknown users cost the same time as known ones. */
const DUMMY_HASH = 'scrypt$16384$8$1$c2lnaHRsaW5lLWR1bW15$Qm9ndXMgaGFzaCBmb3IgdGltaW5nIG9ubHkgISEhISE=';

/**
 * Dashboard log-in: the lockout (counting the attempt before the password is checked), password check, and the rules that can refuse a correct password (an
 * inactive user; the Agent Key with dashboard access off). Every refusal looks the same to the caller
 * ("invalid"), so it cannot tell which rule refused; "blocked" comes with its wait.
 */
export function createLoginService(deps: { users: UserRepository; access: AccessService; loginAttempts: LoginAttempts }) {
  const { users, access, loginAttempts } = deps;
  return {
    async login(email: string, password: string, sourceAddress: string): Promise<LoginResult> {
      const attempt = await loginAttempts.begin(email, sourceAddress);
      if (attempt.blocked) return { ok: false, reason: 'blocked', retryAfterSeconds: attempt.retryAfterSeconds };
      const user = email.length <= 320 ? await users.findByEmail(email.trim()) : undefined;
      const passwordOk = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      const allowed = user !== undefined && passwordOk && user.active === 1 && !(user.is_agent_key === 1 && user.dashboard_access !== 1);
      if (!allowed) {
        const after = await loginAttempts.failed(attempt);
        return after.blocked ? { ok: false, reason: 'blocked', retryAfterSeconds: after.retryAfterSeconds } : { ok: false, reason: 'invalid' };
      }
      await loginAttempts.succeeded(attempt);
      return { ok: true, actor: await access.actorFor(user) };
    },
  };
}

export type LoginService = ReturnType<typeof createLoginService>;
