import type { AccessService, Actor } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { RoleRepository } from '../access/role.repository.js';
import { ASSIGNABLE_SYSTEM_ROLES, CUSTOM_ROLE, ROLE_LABELS, SystemRole, effectivePermissions, type SystemRole as SystemRoleName } from '../access/roles.js';
import type { AuditedWrite } from '../audit/audited-write.js';
import type { ClientGroupRepository } from '../client-groups/client-group.repository.js';
import type { ClientGroupService } from '../client-groups/client-group.service.js';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import { isValidEmailAddress } from '../lib/email-address.js';
import { hashPassword, passwordPolicyError } from '../lib/password.js';
import type { Repositories } from '../repositories.js';
import type { LoginService } from './login.service.js';
import type { UserRepository, UserRow } from './user.repository.js';

/** `agent-key` names the account's built-in Agent Key user wherever a user is named. */
export const AGENT_KEY_REF = 'agent-key';

type ResolvedRole = { role: string; customRoleId: number | null; baseRole: SystemRoleName; label: string; permissions: ReadonlySet<string> };

const invalid = errors.invalidValueMessage;

/** Users of an account: Staff and Client users, and the built-in Agent Key. */
export function createUserService(deps: {
  users: UserRepository;
  groups: ClientGroupRepository;
  clientGroups: ClientGroupService;
  roles: RoleRepository;
  access: AccessService;
  /**
   * Each change with its audit entry, in one transaction; `sessions` signs a user out of the dashboard
   * everywhere (but the session kept) after disabling it, changing its password, or turning the Agent
   * Key's dashboard access off.
   */
  write: AuditedWrite<Pick<Repositories, 'users' | 'sessions'>>;
  clock: Clock;
  /** Checks one's current password (under the log-in lockout) before changing it. */
  login: LoginService;
}) {
  const { users, groups, clientGroups, roles, access, write, clock, login } = deps;

  /** Updates a user and records the entry in one transaction; `endSessions` ends its sessions too (but `keepSessionId`). */
  async function updateUser(
    actor: Actor,
    sourceAddress: string,
    userId: number,
    fields: Parameters<UserRepository['update']>[2],
    entry: { action: string; detail: string; endSessions?: boolean; keepSessionId?: number },
  ): Promise<void> {
    await write(async ({ repos, audit }) => {
      await repos.users.update(actor.accountId, userId, fields);
      if (entry.endSessions) await repos.sessions.deleteByUser(actor.accountId, userId, entry.keepSessionId);
      await audit.record(actor, sourceAddress, entry.action, entry.detail);
    });
  }

  async function resolveRole(accountId: number, name: string): Promise<ResolvedRole> {
    if ((ASSIGNABLE_SYSTEM_ROLES as readonly string[]).includes(name)) {
      const role = name as SystemRoleName;
      return { role, customRoleId: null, baseRole: role, label: ROLE_LABELS[role], permissions: effectivePermissions(role) };
    }
    if (name === SystemRole.agentKey) throw invalid('the Agent Key role belongs to the Agent Key user alone', 'role');
    const custom = await roles.findByName(accountId, name);
    if (!custom) throw invalid(`no role named "${name}" (system roles: ${ASSIGNABLE_SYSTEM_ROLES.join(', ')}; or a custom role's name)`, 'role');
    const baseRole = custom.base_role as SystemRoleName;
    return { role: CUSTOM_ROLE, customRoleId: custom.id, baseRole, label: custom.name, permissions: effectivePermissions(baseRole, custom.overrides) };
  }

  /** A role to give: refused beyond the actor's own reach (access.requireWithinReach). */
  async function grantableRole(actor: Actor, name: string, what: string): Promise<ResolvedRole> {
    const role = await resolveRole(actor.accountId, name);
    access.requireWithinReach(actor, role, `${what} the role ${role.label}`, 'role');
    return role;
  }

  /** A group to give: refused when it sees clients the actor does not (clientGroups.requireWithinSight). */
  async function grantableGroup(actor: Actor, name: string, what: string) {
    const group = await requireGroup(actor.accountId, name);
    await clientGroups.requireWithinSight(actor, group, `${what} the client group "${group.name}"`, 'group');
    return group;
  }

  /** The group of a user added without one: what its creator sees (All Clients, or the creator's own group). */
  async function defaultGroupFor(actor: Actor): Promise<{ id: number; name: string }> {
    const sight = await clientGroups.sightOf(actor);
    const own = sight.clientGroupId === null ? undefined : await groups.findById(actor.accountId, sight.clientGroupId);
    return own ?? users.allClientsGroupOf(actor.accountId);
  }

  /**
   * Fails unless the user lies within the actor's reach: a role (as stored, active or not) and a client
   * group that give nothing the actor lacks. Changing the password, email, role, group or state of a user
   * beyond one's reach would let one act as that user, or take it from someone who holds more.
   */
  async function requireUserWithinReach(actor: Actor, user: UserRow, what: string): Promise<void> {
    if (user.id === actor.userId) return;
    const action = `${what} ${user.is_agent_key ? 'the Agent Key' : user.email}`;
    access.requireWithinReach(actor, await access.roleOf(user), action);
    const group = await groups.findById(actor.accountId, user.client_group_id);
    if (group) await clientGroups.requireWithinSight(actor, group, action);
  }

  async function requireGroup(accountId: number, name: string) {
    const group = await groups.findByName(accountId, name);
    if (!group) throw invalid(`no client group named "${name}"`, 'group');
    return group;
  }

  /** A user of the actor's account by email, or the Agent Key by `agent-key`. */
  async function find(accountId: number, ref: string): Promise<UserRow> {
    if (ref === AGENT_KEY_REF) return users.agentKeyOf(accountId);
    const user = await users.findByEmail(ref);
    if (!user || user.account_id !== accountId) throw invalid(`no user "${ref}" in this account`);
    return user;
  }

  async function checkNewEmail(email: string): Promise<string> {
    const normalised = email.trim().toLowerCase();
    if (!isValidEmailAddress(normalised)) throw invalid(`"${email}" is not a valid email address`, 'email');
    // Emails are log-in names across the whole deployment.
    if (await users.findByEmail(normalised)) throw invalid(`the email address ${normalised} is already in use`, 'email');
    return normalised;
  }

  async function checkedPasswordHash(password: string): Promise<string> {
    const problem = passwordPolicyError(password);
    if (problem) throw invalid(problem, 'password');
    return hashPassword(password);
  }

  /**
   * Whether some active user other than `excludingUserId` has a role allowing User Accounts, so someone
   * can still manage users (and turn the Agent Key's dashboard access back on).
   */
  async function someoneElseManagesUsers(accountId: number, excludingUserId: number): Promise<boolean> {
    for (const user of await users.listByAccount(accountId)) {
      if (user.id === excludingUserId || user.active !== 1) continue;
      const actor = await access.actorFor(user);
      if (access.may(actor, Permission.userAccounts)) return true;
    }
    return false;
  }

  return {
    find,
    resolveRole,

    /** Adds a Staff or Client user. A Client role (or one derived from it) makes a Client user. */
    async add(actor: Actor, sourceAddress: string, input: { email: string; role: string; password?: string; group?: string; client?: boolean }): Promise<UserRow> {
      access.require(actor, Permission.userAccounts, 'adding a user');
      const email = await checkNewEmail(input.email);
      const role = await grantableRole(actor, input.role, 'adding a user with');
      const clientRole = role.baseRole === SystemRole.client;
      if (input.client && !clientRole) throw invalid('a Client user takes the client role or a custom role derived from it', 'role');
      // Without a group named, the new user sees what its creator sees: All Clients, or the creator's own group.
      const group = input.group ? await grantableGroup(actor, input.group, 'adding a user in') : await defaultGroupFor(actor);
      const passwordHash = input.password === undefined ? null : await checkedPasswordHash(input.password);
      return write(async ({ repos, audit }) => {
        const user = await repos.users.create({
          accountId: actor.accountId,
          email,
          passwordHash,
          role: role.role,
          customRoleId: role.customRoleId,
          userType: clientRole ? 'client' : 'staff',
          clientGroupId: group.id,
          now: epochSeconds(clock),
        });
        await audit.record(actor, sourceAddress, 'user.add', `${email} as ${role.label} (${user.user_type}), group "${group.name}"`);
        return user;
      });
    },

    /** Every user of the account with role and group names, for lists. */
    async list(actor: Actor) {
      access.require(actor, Permission.userAccounts, 'listing users');
      const groupNames = new Map((await groups.list(actor.accountId)).map((g) => [g.id, g.name]));
      const rows = await users.listByAccount(actor.accountId);
      return Promise.all(
        rows.map(async (u) => ({
          id: u.id,
          email: u.email,
          userType: u.user_type,
          role: u.is_agent_key ? ROLE_LABELS['agent-key'] : (await access.roleOf(u)).roleName,
          group: groupNames.get(u.client_group_id) ?? '',
          isAgentKey: u.is_agent_key === 1,
          dashboardAccess: u.dashboard_access === 1,
          active: u.active === 1,
          hasPassword: u.password_hash !== null,
        })),
      );
    },

    /** Moves a user (the Agent Key too) to another client group; the key sees the new group at once. */
    async setGroup(actor: Actor, sourceAddress: string, userRef: string, groupName: string): Promise<void> {
      access.require(actor, Permission.userAccounts, "changing a user's client group");
      const user = await find(actor.accountId, userRef);
      await requireUserWithinReach(actor, user, 'changing the client group of');
      const group = await grantableGroup(actor, groupName, 'giving');
      await updateUser(actor, sourceAddress, user.id, { client_group_id: group.id }, { action: user.is_agent_key ? 'agent-key.set-group' : 'user.set-group', detail: `${user.email} -> group "${group.name}"` });
    },

    /** Changes a user's role. The Agent Key's role is fixed. */
    async setRole(actor: Actor, sourceAddress: string, userRef: string, roleName: string): Promise<void> {
      access.require(actor, Permission.userAccounts, "changing a user's role");
      const user = await find(actor.accountId, userRef);
      if (user.is_agent_key) throw invalid("the Agent Key's role cannot be changed", 'role');
      await requireUserWithinReach(actor, user, 'changing the role of');
      const role = await grantableRole(actor, roleName, 'giving');
      if ((role.baseRole === SystemRole.client) !== (user.user_type === 'client')) {
        throw invalid('a Client user keeps a Client role, and a Staff user a Staff role', 'role');
      }
      await updateUser(actor, sourceAddress, user.id, { role: role.role, custom_role_id: role.customRoleId }, { action: 'user.set-role', detail: `${user.email} -> ${role.label}` });
    },

    async setEmail(actor: Actor, sourceAddress: string, userRef: string, email: string): Promise<void> {
      access.require(actor, Permission.userAccounts, "changing a user's email");
      const user = await find(actor.accountId, userRef);
      await requireUserWithinReach(actor, user, 'changing the email of');
      const normalised = await checkNewEmail(email);
      await updateUser(actor, sourceAddress, user.id, { email: normalised }, { action: user.is_agent_key ? 'agent-key.set-email' : 'user.set-email', detail: `${user.email} -> ${normalised}` });
    },

    /** Sets a password (policy-checked). Users may set their own; others need User Accounts. */
    async setPassword(actor: Actor, sourceAddress: string, userRef: string, password: string): Promise<void> {
      const user = await find(actor.accountId, userRef);
      if (user.id !== actor.userId) access.require(actor, Permission.userAccounts, "changing another user's password");
      await requireUserWithinReach(actor, user, 'changing the password of');
      // Whoever knew the old password is signed out everywhere.
      await updateUser(actor, sourceAddress, user.id, { password_hash: await checkedPasswordHash(password) }, {
        action: user.is_agent_key ? 'agent-key.set-password' : 'user.set-password', detail: user.email, endSessions: true,
      });
    },

    /**
     * Changes one's own password (the dashboard's My account): the new one must meet the policy, the
     * current one is checked under the log-in lockout, and every other session of the user ends (the one
     * in `keepSessionId` stays signed in).
     */
    async changeOwnPassword(actor: Actor, sourceAddress: string, input: { current: string; password: string; keepSessionId?: number }): Promise<void> {
      const user = actor.userId === null ? undefined : await users.findById(actor.accountId, actor.userId);
      if (!user) throw invalid('only a signed-in user has a password of its own', 'current');
      const problem = passwordPolicyError(input.password);
      if (problem) throw invalid(problem, 'password');
      await login.verifyOwnPassword(user, input.current, sourceAddress, 'current');
      await updateUser(actor, sourceAddress, user.id, { password_hash: await hashPassword(input.password) }, {
        action: 'user.change-password', detail: `${user.email} (current password checked; other sessions ended)`, endSessions: true, keepSessionId: input.keepSessionId,
      });
    },

    /** Deletes a user; the Agent Key cannot be deleted. */
    async remove(actor: Actor, sourceAddress: string, userRef: string): Promise<void> {
      access.require(actor, Permission.userAccounts, 'deleting a user');
      const user = await find(actor.accountId, userRef);
      if (user.is_agent_key) throw invalid('the Agent Key user cannot be deleted');
      if (user.id === actor.userId) throw invalid('you cannot delete yourself');
      await requireUserWithinReach(actor, user, 'deleting');
      await write(async ({ repos, audit }) => {
        await repos.users.delete(actor.accountId, user.id);
        await audit.record(actor, sourceAddress, 'user.delete', user.email);
      });
    },

    /**
     * Disables (or re-enables) a user: a disabled user cannot log in, its dashboard sessions and personal
     * keys stop working at once (both check `active` on every request). Refused for oneself, for the
     * Agent Key (its switch is dashboard access), and when nobody else active would keep User Accounts.
     */
    async setActive(actor: Actor, sourceAddress: string, userRef: string, active: boolean): Promise<void> {
      access.require(actor, Permission.userAccounts, active ? 'enabling a user' : 'disabling a user');
      const user = await find(actor.accountId, userRef);
      if (user.is_agent_key) throw invalid('the Agent Key is not disabled: turn off its dashboard access, or regenerate or revoke the API key');
      if (user.id === actor.userId) throw invalid('you cannot disable yourself');
      await requireUserWithinReach(actor, user, active ? 'enabling' : 'disabling');
      if (!active && !(await someoneElseManagesUsers(actor.accountId, user.id))) {
        throw invalid(`${user.email} cannot be disabled: no other active user has the User Accounts permission`);
      }
      // A disabled user's sessions already fail (checked per request); deleting them keeps the table clean.
      await updateUser(actor, sourceAddress, user.id, { active: active ? 1 : 0 }, { action: active ? 'user.enable' : 'user.disable', detail: user.email, endSessions: !active });
    },

    /**
     * "Enable Agent Key user Dashboard access". Off blocks the Agent Key's dashboard login (and so the API
     * page) but not the API key. Turning it off is refused when no other active user would keep the User
     * Accounts permission, since nobody could then turn it back on.
     */
    async setAgentKeyDashboardAccess(actor: Actor, sourceAddress: string, enabled: boolean): Promise<void> {
      access.require(actor, Permission.userAccounts, "changing the Agent Key's dashboard access");
      const agentKey = await users.agentKeyOf(actor.accountId);
      if (!enabled && !(await someoneElseManagesUsers(actor.accountId, agentKey.id))) {
        throw invalid('Agent Key dashboard access cannot be turned off: no other active user has the User Accounts permission', 'enabled');
      }
      await updateUser(actor, sourceAddress, agentKey.id, { dashboard_access: enabled ? 1 : 0 }, {
        action: 'agent-key.access', detail: enabled ? 'dashboard access enabled' : 'dashboard access disabled', endSessions: !enabled,
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
