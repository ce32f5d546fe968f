import { createHmac, randomBytes } from 'node:crypto';
import type { AccessService, Actor } from '../access/access.service.js';
import { type Scope, scopeOf } from '../access/scope.js';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import { sha256Hex } from '../lib/secrets.js';
import type { LoginService } from '../users/login.service.js';
import type { UserRepository } from '../users/user.repository.js';
import type { SessionRepository, SessionUserRow } from './session.repository.js';

/** A session lasts at most this long, and ends sooner after this much idleness. */
export const SESSION_LIFETIME_SECONDS = 12 * 3600;
export const SESSION_IDLE_SECONDS = 2 * 3600;
/** last_seen_at is written at most this often, so page views do not all become writes. */
const TOUCH_INTERVAL_SECONDS = 60;

/** The signed-in user as the dashboard sees it on this request. */
export type SessionUser = {
  sessionId: number;
  userId: number;
  accountId: number;
  accountName: string;
  email: string;
  role: string;
  customRoleId: number | null;
  userType: 'staff' | 'client';
  isAgentKey: boolean;
  clientGroupId: number;
  clientGroupName: string;
  timezone: string;
  publicUrl: string | null;
  scope: Scope;
  /** The user as the access model sees it now (role, permissions), for every rule check. */
  actor: Actor;
};

export type LoginResult =
  | { ok: true; token: string; user: { id: number; accountId: number } }
  | { ok: false; reason: 'invalid' | 'locked'; retryAfterSeconds?: number };

const MAX_EMAIL_LENGTH = 320;

/**
 * Log in, look up and log out dashboard sessions. The cookie carries a 256-bit random token; the
 * database keeps its sha256, so sessions survive restarts, work on every process and can be revoked.
 */
export function createSessionService(deps: { sessions: SessionRepository; users: UserRepository; access: AccessService; clock: Clock; login: LoginService }) {
  const { sessions, users, access, clock } = deps;

  return {
    /**
     * Checks the credentials through the access layer's log-in service (lockout, password, inactive
     * users, the Agent Key's dashboard access) and opens a session when they pass.
     */
    async login(input: { email: string; password: string; sourceAddress: string; userAgent: string }): Promise<LoginResult> {
      const email = input.email.trim().toLowerCase().slice(0, MAX_EMAIL_LENGTH);
      const result = await deps.login.login(email, input.password, input.sourceAddress);
      if (!result.ok) return result.reason === 'blocked' ? { ok: false, reason: 'locked', retryAfterSeconds: result.retryAfterSeconds } : { ok: false, reason: 'invalid' };
      const user = { id: result.actor.userId!, account_id: result.actor.accountId };
      const token = randomBytes(32).toString('base64url');
      const now = epochSeconds(clock);
      // A log-in is a cheap moment to forget sessions that can never be used again (expired or idle too long).
      await sessions.deleteExpired(now, now - SESSION_IDLE_SECONDS);
      await sessions.create({
        accountId: user.account_id,
        userId: user.id,
        tokenHash: sha256Hex(token),
        now,
        expiresAt: now + SESSION_LIFETIME_SECONDS,
        sourceAddress: input.sourceAddress,
        userAgent: input.userAgent,
      });
      return { ok: true, token, user: { id: user.id, accountId: user.account_id } };
    },

    /**
     * The user behind a session token, checked against the user's current state on every request:
     * disabling a user or the Agent Key's dashboard access ends its sessions at once.
     */
    async authenticate(token: string): Promise<SessionUser | null> {
      if (!token || token.length > 100) return null;
      const row = await sessions.findByTokenHash(sha256Hex(token));
      if (!row) return null;
      const now = epochSeconds(clock);
      if (row.expires_at <= now || row.last_seen_at + SESSION_IDLE_SECONDS <= now) return null;
      if (!row.active || (row.is_agent_key && !row.dashboard_access)) return null;
      if (now - row.last_seen_at >= TOUCH_INTERVAL_SECONDS) await sessions.touch(row.session_id, now);
      const user = await users.findById(row.account_id, row.user_id);
      if (!user) return null;
      return toSessionUser(row, await access.actorFor(user));
    },

    /**
     * Re-entering one's password to confirm a change (as N-sight asks on Settings > Users), under the
     * log-in lockout; a wrong one is refused beside the form's `confirm` field.
     */
    async requirePassword(user: SessionUser, password: string, sourceAddress: string): Promise<void> {
      const row = await users.findById(user.accountId, user.userId);
      if (!row) throw errors.invalidValueMessage('no such user in this account', 'confirm');
      await deps.login.verifyOwnPassword(row, password, sourceAddress, 'confirm');
    },

    async logout(token: string): Promise<void> {
      if (token) await sessions.deleteByTokenHash(sha256Hex(token));
    },
  };
}

function toSessionUser(row: SessionUserRow, actor: Actor): SessionUser {
  return {
    sessionId: row.session_id,
    userId: row.user_id,
    accountId: row.account_id,
    accountName: row.account_name,
    email: row.email,
    role: row.role,
    customRoleId: row.custom_role_id,
    userType: row.user_type,
    isAgentKey: row.is_agent_key === 1,
    clientGroupId: row.client_group_id,
    clientGroupName: row.client_group_name,
    timezone: row.timezone,
    publicUrl: row.public_url,
    scope: scopeOf(row),
    actor,
  };
}

/**
 * The CSRF token of a session (or of a signed-out browser's pre-session cookie): an HMAC of its secret,
 * so it needs no storage, differs per session, and cannot be derived from the stored token hash.
 */
export function csrfTokenFor(secret: string): string {
  return createHmac('sha256', secret).update('sightline-csrf').digest('base64url');
}

export type SessionService = ReturnType<typeof createSessionService>;
