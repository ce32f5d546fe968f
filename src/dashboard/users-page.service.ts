import type { AccessService } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { RoleService } from '../access/role.service.js';
import type { ClientGroupService } from '../client-groups/client-group.service.js';
import type { Repositories } from '../repositories.js';
import type { UserService } from '../users/user.service.js';
import type { SessionUser } from './session.service.js';

/** What Settings > Users shows, gathered for one user through the access-model services. */
export function createUsersPageService(deps: { repos: Repositories; users: UserService; clientGroups: ClientGroupService; roles: RoleService; access: AccessService }) {
  const { repos, users, clientGroups, roles, access } = deps;
  return {
    maySee: (user: SessionUser) => access.may(user.actor, Permission.userAccounts),

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

    /** How the user services name a user of this account: `agent-key` or the email; null when absent. */
    async userRef(user: SessionUser, userId: number): Promise<string | null> {
      const row = await repos.users.findById(user.accountId, userId);
      if (!row) return null;
      return row.is_agent_key ? 'agent-key' : row.email;
    },

    async groupName(user: SessionUser, groupId: number): Promise<string | null> {
      return (await repos.clientGroups.findById(user.accountId, groupId))?.name ?? null;
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
