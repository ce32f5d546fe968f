import { AppError, errors } from '../errors.js';
import type { UserRow } from '../users/user.repository.js';
import { apiPermissionOf, Permission } from './permissions.js';
import type { RoleRepository } from './role.repository.js';
import type { Caller } from './scope.js';
import { CUSTOM_ROLE, ROLE_LABELS, SystemRole, effectivePermissions, isClassic, isSystemRole } from './roles.js';

/**
 * Who acts: a user of the account as they are now, or the system (the CLI run by the operator of the
 * deployment), which may do everything in the account it names. Every service that changes something
 * takes an Actor and a source address, and records both in the audit log.
 */
export type Actor = {
  readonly accountId: number;
  /** null for the system actor. */
  readonly userId: number | null;
  /** Email, or `system (CLI)`: what the audit log shows. */
  readonly label: string;
  /** The system role the user's role derives from (itself for a system role). */
  readonly baseRole: SystemRole;
  /** Shown to people: `Superuser`, or a custom role's name. */
  readonly roleName: string;
  readonly isAgentKey: boolean;
  readonly dashboardAccess: boolean;
  readonly active: boolean;
  readonly permissions: ReadonlySet<string>;
  /** The user's client group, bounding what it may grant; null for the system actor, who sees every client. */
  readonly clientGroupId: number | null;
};

/** What a role gives whoever holds it, whether or not they are active: what granting it grants. */
export type RoleReach = { readonly baseRole: SystemRole; readonly permissions: ReadonlySet<string> };

export const SYSTEM_ACTOR_LABEL = 'system (CLI)';

/** The one place that answers "may this user do X". */
export function createAccessService(deps: { roles: RoleRepository }) {
  const { roles } = deps;

  /** The base role and permissions of a user's role as stored now (custom roles are read from the database). */
  async function roleOf(user: Pick<UserRow, 'account_id' | 'role' | 'custom_role_id'>): Promise<{ baseRole: SystemRole; roleName: string; permissions: Set<string> }> {
    if (user.role === CUSTOM_ROLE && user.custom_role_id !== null) {
      const custom = await roles.findById(user.account_id, user.custom_role_id);
      if (custom && isSystemRole(custom.base_role)) {
        return { baseRole: custom.base_role, roleName: custom.name, permissions: effectivePermissions(custom.base_role, custom.overrides) };
      }
      // A dangling custom role grants nothing rather than failing open.
      return { baseRole: SystemRole.client, roleName: 'unknown role', permissions: new Set() };
    }
    if (!isSystemRole(user.role)) return { baseRole: SystemRole.client, roleName: 'unknown role', permissions: new Set() };
    return { baseRole: user.role, roleName: ROLE_LABELS[user.role], permissions: effectivePermissions(user.role) };
  }

  /**
   * Generate, regenerate, revoke or email the account API key (access-model.md): Superuser; the
   * non-Classic Administrator; any role allowing General Settings (except roles derived from a Classic
   * one, whose General Settings covers only Company and Office Hours); the Agent Key while its dashboard
   * access is on.
   */
  function canManageAccountApiKey(actor: Actor): boolean {
    if (!actor.active) return false;
    if (actor.userId === null) return true;
    if (actor.isAgentKey) return actor.dashboardAccess;
    // Superuser and Administrator allow General Settings by default, so this one rule covers them.
    return roleManagesAccountKey(actor);
  }

  return {
    roleOf,

    /** The actor for a user, with the permissions of their role as it is now. */
    async actorFor(user: UserRow): Promise<Actor> {
      const role = await roleOf(user);
      return {
        accountId: user.account_id,
        userId: user.id,
        label: user.email,
        baseRole: role.baseRole,
        roleName: role.roleName,
        isAgentKey: user.is_agent_key === 1,
        dashboardAccess: user.dashboard_access === 1,
        active: user.active === 1,
        // An inactive user may do nothing.
        permissions: user.active === 1 ? role.permissions : new Set(),
        clientGroupId: user.client_group_id,
      };
    },

    /** The operator of the deployment acting on one account (CLI commands without --as). */
    systemActor(accountId: number): Actor {
      return {
        accountId,
        userId: null,
        label: SYSTEM_ACTOR_LABEL,
        baseRole: SystemRole.superuser,
        roleName: ROLE_LABELS.superuser,
        isAgentKey: false,
        dashboardAccess: true,
        active: true,
        permissions: new Set(Object.values(Permission)),
        clientGroupId: null,
      };
    },

    /**
     * The one decision for a Data Extraction API call, made before anything is counted or read: the
     * key's role must allow the service's permission ("Permission denied: SERVICE", code 6), and a write
     * needs a read-write key ("Permission denied: this key is read-only").
     */
    authorizeApiCall(caller: Caller, service: { readonly name: string; readonly permission: string | null; readonly write?: boolean }): void {
      if (!caller.permissions.has(apiPermissionOf(service))) throw errors.permissionDenied(service.name);
      if (service.write && !caller.canWrite) throw errors.permissionDenied('this key is read-only');
    },

    /** May this actor do what the permission covers? */
    may(actor: Actor, permission: Permission): boolean {
      return actor.active && actor.permissions.has(permission);
    },

    /** Fails with a clear message unless the actor has the permission. */
    require(actor: Actor, permission: Permission, what: string): void {
      if (!(actor.active && actor.permissions.has(permission))) {
        throw new AppError('permissionDenied', `Permission denied: ${what} needs the "${permission}" permission, which ${actor.label}'s role (${actor.roleName}) does not allow`);
      }
    },

    canManageAccountApiKey,

    /**
     * Fails unless everything the role gives lies within the actor's own reach: each of its permissions,
     * and managing the account API key (which a Classic-derived actor cannot grant even when the
     * permission names match). Nobody hands out, to others or to themselves, more than they hold.
     */
    requireWithinReach(actor: Actor, role: RoleReach, what: string, field?: string): void {
      const beyond = [...role.permissions].find((p) => !(actor.active && actor.permissions.has(p)));
      const reason = beyond !== undefined
        ? `the "${beyond}" permission`
        : roleManagesAccountKey(role) && !canManageAccountApiKey(actor) ? 'managing the account API key' : null;
      if (reason) {
        throw new AppError('permissionDenied', `Permission denied: ${what} reaches beyond ${actor.label}'s own role (${actor.roleName}): ${reason}`, undefined, field);
      }
    },
  };
}

/** Whether a role's holder may manage the account API key by its role: General Settings, not Classic-derived. */
function roleManagesAccountKey(role: RoleReach): boolean {
  return !isClassic(role.baseRole) && role.permissions.has(Permission.generalSettings);
}

export type AccessService = ReturnType<typeof createAccessService>;

/**
 * Fails unless the actor may manage the account API key (`canManageAccountApiKey`), naming the reason:
 * the one decision behind the key service and the dashboard's API page. `what` names the action refused.
 */
export function requireAccountApiKeyManager(access: AccessService, actor: Actor, what = 'managing the account API key'): void {
  if (access.canManageAccountApiKey(actor)) return;
  const why = actor.isAgentKey
    ? "the Agent Key's dashboard access is off"
    : `${actor.label}'s role (${actor.roleName}) is not Superuser, Administrator or a role allowing General Settings`;
  throw new AppError('permissionDenied', `Permission denied: ${what} (${why})`);
}
