import type { AccessService } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { RoleService } from '../access/role.service.js';
import type { ClientGroupService } from '../client-groups/client-group.service.js';
import { errors } from '../errors.js';
import type { Repositories } from '../repositories.js';
import type { UserService } from '../users/user.service.js';
import type { SessionUser } from './session.service.js';

/**
 * What Settings > Users shows, gathered for one user through the access-model services, and its changes
 * that name users and groups by id (as the page's forms do). The services they call decide who may.
 */
export function createUsersPageService(deps: { repos: Repositories; users: UserService; clientGroups: ClientGroupService; roles: RoleService; access: AccessService }) {
  const { repos, users, clientGroups, roles, access } = deps;

  /**
   * How the user services name a user of this account: `agent-key` or the email. An absent id (or
   * `undefined`, a malformed one) is refused like an id of another account.
   */
  async function userRef(user: SessionUser, userId: number | undefined): Promise<string> {
    const row = userId === undefined ? undefined : await repos.users.findById(user.accountId, userId);
    if (!row) throw errors.invalidValueMessage('no such user in this account');
    return row.is_agent_key ? 'agent-key' : row.email;
  }

  return {
    /** The page itself; listing users needs User Accounts, the other tabs their own permissions. */
    async overview(user: SessionUser) {
      const actor = user.actor;
      const [userList, groups, customRoles, clients] = await Promise.all([
        users.list(actor),
        access.may(actor, Permission.clientGroups) ? clientGroups.list(actor) : Promise.resolve(null),
        access.may(actor, Permission.rolesAndPermissions) ? roles.list(actor) : Promise.resolve(null),
        repos.clients.listForTree(user.scope),
      ]);
      // Group names for the selects come from the repository when the user may not manage groups.
      const groupNames = groups ? groups.map((g) => g.name) : (await repos.clientGroups.list(user.accountId)).map((g) => g.name);
      return { users: userList, groups, groupNames, customRoles, clients: clients.map((c) => ({ id: c.id, name: c.name })) };
    },

    /** "Save changes" on a user: its role (the Agent Key's is fixed) and client group. */
    async saveUser(user: SessionUser, sourceAddress: string, userId: number | undefined, input: { role: string; group: string }): Promise<void> {
      const ref = await userRef(user, userId);
      if (input.role && ref !== 'agent-key') await users.setRole(user.actor, sourceAddress, ref, input.role);
      if (input.group) await users.setGroup(user.actor, sourceAddress, ref, input.group);
    },

    async deleteUser(user: SessionUser, sourceAddress: string, userId: number | undefined): Promise<void> {
      await users.remove(user.actor, sourceAddress, await userRef(user, userId));
    },

    async setUserActive(user: SessionUser, sourceAddress: string, userId: number | undefined, active: boolean): Promise<void> {
      await users.setActive(user.actor, sourceAddress, await userRef(user, userId), active);
    },

    /** "Save group": its clients, then its name when changed. */
    async saveGroup(user: SessionUser, sourceAddress: string, groupId: number | undefined, input: { name: string; clientIds: readonly number[] }): Promise<void> {
      const current = groupId === undefined ? undefined : (await repos.clientGroups.findById(user.accountId, groupId))?.name;
      if (!current) throw errors.invalidValueMessage('no such client group in this account');
      const name = input.name.trim();
      await clientGroups.setClients(user.actor, sourceAddress, current, input.clientIds);
      if (name && name !== current) await clientGroups.rename(user.actor, sourceAddress, current, name);
    },

    /** The audit log, narrowed in SQL; needs the User Accounts permission like the rest of the page. */
    async audit(user: SessionUser, filter: { actorLabel?: string; action?: string }) {
      access.require(user.actor, Permission.userAccounts, 'reading the audit log');
      const [entries, facets] = await Promise.all([
        repos.audit.search(user.accountId, filter, 200),
        repos.audit.facets(user.accountId),
      ]);
      return { entries, facets };
    },
  };
}

export type UsersPageService = ReturnType<typeof createUsersPageService>;
