import type { AccessService, Actor } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { AuditService } from '../audit/audit.service.js';
import { errors } from '../errors.js';
import type { ClientGroupRepository, ClientGroupRow } from './client-group.repository.js';

const invalid = errors.invalidValueMessage;
const MAX_CLIENTS_PER_CALL = 10_000;

/** Client groups: named sets of clients deciding what users (and keys) see. All Clients is built in. */
export function createClientGroupService(deps: { groups: ClientGroupRepository; access: AccessService; audit: AuditService }) {
  const { groups, access, audit } = deps;

  async function requireGroup(accountId: number, name: string): Promise<ClientGroupRow> {
    const group = await groups.findByName(accountId, name);
    if (!group) throw invalid(`no client group named "${name}"`);
    return group;
  }

  function checkName(name: string): string {
    const trimmed = name.trim();
    if (!trimmed || trimmed.length > 200) throw invalid('a client group name must be 1 to 200 characters', 'name');
    return trimmed;
  }

  async function checkClients(accountId: number, clientIds: readonly number[]): Promise<number[]> {
    const unique = [...new Set(clientIds)];
    if (unique.length > MAX_CLIENTS_PER_CALL) throw invalid(`at most ${MAX_CLIENTS_PER_CALL} clients per group change`, 'clients');
    const known = new Set(await groups.existingClientIds(accountId, unique));
    const unknown = unique.filter((id) => !known.has(id));
    if (unknown.length > 0) throw invalid(`no client with id ${unknown.join(', ')} in this account`, 'clients');
    return unique;
  }

  function refuseAllClients(group: ClientGroupRow, what: string): void {
    if (group.is_all_clients) throw invalid(`"${group.name}" is built in and always holds every client: it cannot be ${what}`);
  }

  return {
    requireGroup,

    async create(actor: Actor, sourceAddress: string, input: { name: string; clientIds?: readonly number[] }): Promise<number> {
      access.require(actor, Permission.clientGroups, 'creating a client group');
      const name = checkName(input.name);
      if (await groups.findByName(actor.accountId, name)) throw invalid(`a client group named "${name}" already exists`, 'name');
      const clientIds = await checkClients(actor.accountId, input.clientIds ?? []);
      const id = await groups.create(actor.accountId, name, clientIds);
      await audit.record(actor, sourceAddress, 'group.create', `"${name}" with clients [${clientIds.join(',')}]`);
      return id;
    },

    async rename(actor: Actor, sourceAddress: string, name: string, newName: string): Promise<void> {
      access.require(actor, Permission.clientGroups, 'renaming a client group');
      const group = await requireGroup(actor.accountId, name);
      refuseAllClients(group, 'renamed');
      const checked = checkName(newName);
      if (await groups.findByName(actor.accountId, checked)) throw invalid(`a client group named "${checked}" already exists`, 'name');
      await groups.rename(actor.accountId, group.id, checked);
      await audit.record(actor, sourceAddress, 'group.rename', `"${group.name}" -> "${checked}"`);
    },

    /** Replaces a group's clients. Users of the group (and keys of those users) see the change at once. */
    async setClients(actor: Actor, sourceAddress: string, name: string, clientIds: readonly number[]): Promise<void> {
      access.require(actor, Permission.clientGroups, "changing a client group's clients");
      const group = await requireGroup(actor.accountId, name);
      refuseAllClients(group, 'changed');
      const checked = await checkClients(actor.accountId, clientIds);
      await groups.setClients(actor.accountId, group.id, checked);
      await audit.record(actor, sourceAddress, 'group.set-clients', `"${group.name}" = [${checked.join(',')}]`);
    },

    /** Deletes a group no user belongs to; a group in use is refused, naming how many users hold it. */
    async remove(actor: Actor, sourceAddress: string, name: string): Promise<void> {
      access.require(actor, Permission.clientGroups, 'deleting a client group');
      const group = await requireGroup(actor.accountId, name);
      refuseAllClients(group, 'deleted');
      const inUse = await groups.usersIn(group.id);
      if (inUse > 0) {
        throw invalid(`client group "${group.name}" is in use by ${inUse} user${inUse === 1 ? '' : 's'}: move them to another group first`);
      }
      // users.client_group_id is a restricting foreign key, so a user added meanwhile makes this fail safely.
      await groups.delete(actor.accountId, group.id);
      await audit.record(actor, sourceAddress, 'group.delete', `"${group.name}"`);
    },

    async list(actor: Actor) {
      access.require(actor, Permission.clientGroups, 'listing client groups');
      const list = await groups.list(actor.accountId);
      return Promise.all(list.map(async (g) => ({ ...g, clientIds: g.is_all_clients ? null : await groups.clientIdsOf(g.id) })));
    },
  };
}

export type ClientGroupService = ReturnType<typeof createClientGroupService>;
