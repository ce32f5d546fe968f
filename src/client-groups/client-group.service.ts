import type { AccessService, Actor } from '../access/access.service.js';
import { Permission } from '../access/permissions.js';
import type { Scope } from '../access/scope.js';
import type { AuditedWrite } from '../audit/audited-write.js';
import { AppError, errors } from '../errors.js';
import type { Repositories } from '../repositories.js';
import type { ClientGroupRepository, ClientGroupRow } from './client-group.repository.js';

const invalid = errors.invalidValueMessage;
const MAX_CLIENTS_PER_CALL = 10_000;

/** Client groups: named sets of clients deciding what users (and keys) see. All Clients is built in. */
export function createClientGroupService(deps: { groups: ClientGroupRepository; access: AccessService; write: AuditedWrite<Pick<Repositories, 'clientGroups'>> }) {
  const { groups, access, write } = deps;

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

  /**
   * The clients an actor sees, as a Scope: those of its client group, or every client of the account for
   * All Clients and the system actor. What an actor may put in a group, or give a user, is bounded by it.
   */
  async function sightOf(actor: Actor): Promise<Scope> {
    if (actor.clientGroupId === null) return { accountId: actor.accountId, clientGroupId: null };
    const own = await groups.findById(actor.accountId, actor.clientGroupId);
    return { accountId: actor.accountId, clientGroupId: own?.is_all_clients ? null : actor.clientGroupId };
  }

  /**
   * The ids as a set of clients the actor sees. A client outside the actor's client group is refused
   * exactly like one that does not exist, so the form cannot be used to probe for clients.
   */
  async function checkClients(sight: Scope, clientIds: readonly number[]): Promise<number[]> {
    const unique = [...new Set(clientIds)];
    if (unique.length > MAX_CLIENTS_PER_CALL) throw invalid(`at most ${MAX_CLIENTS_PER_CALL} clients per group change`, 'clients');
    const visible = new Set(await groups.visibleClientIds(sight, unique));
    const unknown = unique.filter((id) => !visible.has(id));
    if (unknown.length > 0) throw invalid(`no client with id ${unknown.join(', ')} in this account`, 'clients');
    return unique;
  }

  function refuseAllClients(group: ClientGroupRow, what: string): void {
    if (group.is_all_clients) throw invalid(`"${group.name}" is built in and always holds every client: it cannot be ${what}`);
  }

  return {
    requireGroup,
    sightOf,

    /**
     * Fails unless every client of the group lies within the actor's sight, so nobody gives a user (or
     * themselves) a group that sees more than they do. All Clients is within the sight of its members only.
     */
    async requireWithinSight(actor: Actor, group: ClientGroupRow, what: string, field?: string): Promise<void> {
      const sight = await sightOf(actor);
      if (sight.clientGroupId === null || group.id === sight.clientGroupId) return;
      if (!group.is_all_clients && (await groups.membersOutside(group.id, sight)).length === 0) return;
      throw new AppError('permissionDenied', `Permission denied: ${what} reaches beyond ${actor.label}'s own client group: clients it does not see`, undefined, field);
    },

    async create(actor: Actor, sourceAddress: string, input: { name: string; clientIds?: readonly number[] }): Promise<number> {
      access.require(actor, Permission.clientGroups, 'creating a client group');
      const name = checkName(input.name);
      if (await groups.findByName(actor.accountId, name)) throw invalid(`a client group named "${name}" already exists`, 'name');
      const clientIds = await checkClients(await sightOf(actor), input.clientIds ?? []);
      return write(async ({ repos, audit }) => {
        const id = await repos.clientGroups.create(actor.accountId, name, clientIds);
        await audit.record(actor, sourceAddress, 'group.create', `"${name}" with clients [${clientIds.join(',')}]`);
        return id;
      });
    },

    async rename(actor: Actor, sourceAddress: string, name: string, newName: string): Promise<void> {
      access.require(actor, Permission.clientGroups, 'renaming a client group');
      const group = await requireGroup(actor.accountId, name);
      refuseAllClients(group, 'renamed');
      const checked = checkName(newName);
      if (await groups.findByName(actor.accountId, checked)) throw invalid(`a client group named "${checked}" already exists`, 'name');
      await write(async ({ repos, audit }) => {
        await repos.clientGroups.rename(actor.accountId, group.id, checked);
        await audit.record(actor, sourceAddress, 'group.rename', `"${group.name}" -> "${checked}"`);
      });
    },

    /**
     * Replaces the clients of a group that the actor sees; members outside the actor's client group stay,
     * since the actor could neither see nor choose them. Users of the group (and keys of those users)
     * see the change at once.
     */
    async setClients(actor: Actor, sourceAddress: string, name: string, clientIds: readonly number[]): Promise<void> {
      access.require(actor, Permission.clientGroups, "changing a client group's clients");
      const group = await requireGroup(actor.accountId, name);
      refuseAllClients(group, 'changed');
      const sight = await sightOf(actor);
      const checked = await checkClients(sight, clientIds);
      const kept = await groups.membersOutside(group.id, sight);
      const keptNote = kept.length > 0 ? ` (and ${kept.length} outside ${actor.label}'s client group, kept)` : '';
      await write(async ({ repos, audit }) => {
        await repos.clientGroups.setClients(actor.accountId, group.id, [...checked, ...kept]);
        await audit.record(actor, sourceAddress, 'group.set-clients', `"${group.name}" = [${checked.join(',')}]${keptNote}`);
      });
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
      await write(async ({ repos, audit }) => {
        await repos.clientGroups.delete(actor.accountId, group.id);
        await audit.record(actor, sourceAddress, 'group.delete', `"${group.name}"`);
      });
    },

    async list(actor: Actor) {
      access.require(actor, Permission.clientGroups, 'listing client groups');
      const list = await groups.list(actor.accountId);
      return Promise.all(list.map(async (g) => ({ ...g, clientIds: g.is_all_clients ? null : await groups.clientIdsOf(g.id) })));
    },
  };
}

export type ClientGroupService = ReturnType<typeof createClientGroupService>;
