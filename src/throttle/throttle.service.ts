import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import type { ThrottleRepository } from './throttle.repository.js';

export type ThrottleVerdict = { blocked: false } | { blocked: true; retryAfterSeconds: number };

/**
 * Bad API keys per source address (ours): after `limit` failures within `windowSeconds`, further bad keys
 * from that address are answered 429 until the window ends. Only failures are counted and only failures
 * are throttled, so a valid key is never locked out, from any address.
 */
export function createApiKeyThrottle(deps: { throttle: ThrottleRepository; clock: Clock; limit: number; windowSeconds: number }) {
  const { throttle, clock, limit, windowSeconds } = deps;
  return {
    async recordFailure(address: string): Promise<ThrottleVerdict> {
      const now = epochSeconds(clock);
      const { failures, windowStartedAt } = await throttle.countApiFailure(address.slice(0, 64), now, windowSeconds);
      // A new window just began: a cheap moment to forget addresses whose windows ended.
      if (failures === 1) await throttle.pruneApiFailures(now - windowSeconds);
      if (failures <= limit) return { blocked: false };
      return { blocked: true, retryAfterSeconds: Math.max(1, windowStartedAt + windowSeconds - now) };
    },
  };
}

/** The dashboard's lockout (access-model.md): 50 consecutive failures per user and address block 5 minutes. */
export const LOGIN_FAILURE_LIMIT = 50;
export const LOGIN_BLOCK_SECONDS = 5 * 60;

/**
 * Dashboard login attempts, counted per (login name, address) in the database so every process agrees.
 * The dashboard calls `check` before verifying a password, then `recordFailure` or `recordSuccess`.
 */
export function createLoginAttempts(deps: { throttle: ThrottleRepository; clock: Clock }) {
  const { throttle, clock } = deps;
  const key = (login: string) => login.trim().toLowerCase().slice(0, 320);
  return {
    /** Whether this pair may try now (a blocked pair is refused without checking the password). */
    async check(login: string, address: string): Promise<ThrottleVerdict> {
      const row = await throttle.loginAttempt(key(login), address);
      const now = epochSeconds(clock);
      if (row?.blocked_until && row.blocked_until > now) return { blocked: true, retryAfterSeconds: row.blocked_until - now };
      return { blocked: false };
    },

    /** Counts a failure; the 50th in a row blocks the pair for 5 minutes and the count starts again. */
    async recordFailure(login: string, address: string): Promise<ThrottleVerdict> {
      const failures = await throttle.countLoginFailure(key(login), address);
      if (failures < LOGIN_FAILURE_LIMIT) return { blocked: false };
      await throttle.blockLogin(key(login), address, epochSeconds(clock) + LOGIN_BLOCK_SECONDS);
      return { blocked: true, retryAfterSeconds: LOGIN_BLOCK_SECONDS };
    },

    /** A successful login ends the run of failures. */
    async recordSuccess(login: string, address: string): Promise<void> {
      await throttle.clearLogin(key(login), address);
    },
  };
}

export type ApiKeyThrottle = ReturnType<typeof createApiKeyThrottle>;
export type LoginAttempts = ReturnType<typeof createLoginAttempts>;
