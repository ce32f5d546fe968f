import type { AuditedWrite } from '../audit/audited-write.js';
import { errors } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { epochSeconds } from '../lib/clock.js';
import type { Repositories } from '../repositories.js';
import type { AccessService, Actor } from './access.service.js';
import { ALL_PERMISSIONS, Permission } from './permissions.js';
import type { RoleRepository } from './role.repository.js';
import { ASSIGNABLE_SYSTEM_ROLES, ROLE_LABELS, SystemRole, effectivePermissions, type SystemRole as SystemRoleName } from './roles.js';

const invalid = errors.invalidValueMessage;

/** Custom roles: derived from a system role, with Allow/Deny per permission. */
export function createRoleService(deps: { roles: RoleRepository; access: AccessService; write: AuditedWrite<Pick<Repositories, 'roles'>>; clock: Clock }) {
  const { roles, access, write, clock } = deps;

  function checkPermission(base: SystemRoleName, permission: string, allowed: boolean): void {
    if (!ALL_PERMISSIONS.has(permission)) throw invalid(`unknown permission "${permission}" (known: ${[...ALL_PERMISSIONS].join(', ')})`);
    // Client-based roles may at most see Devices (access-model.md).
    if (base === SystemRole.client && allowed && permission !== Permission.devices) {
      throw invalid(`a role derived from Client can allow only "${Permission.devices}"`, 'base');
    }
  }

  return {
    async create(actor: Actor, sourceAddress: string, input: { name: string; base: string; allow?: readonly string[]; deny?: readonly string[] }) {
      access.require(actor, Permission.rolesAndPermissions, 'creating a role');
      const name = input.name.trim();
      if (!name || name.length > 100) throw invalid('a role name must be 1 to 100 characters', 'name');
      const reserved = [...Object.values(SystemRole), ...Object.values(ROLE_LABELS)].map((n) => n.toLowerCase());
      if (reserved.includes(name.toLowerCase())) throw invalid(`"${name}" is the name of a system role`, 'name');
      if (!(ASSIGNABLE_SYSTEM_ROLES as readonly string[]).includes(input.base)) {
        throw invalid(`a custom role derives from one of: ${ASSIGNABLE_SYSTEM_ROLES.join(', ')}`, 'base');
      }
      const base = input.base as SystemRoleName;
      if (await roles.findByName(actor.accountId, name)) throw invalid(`a role named "${name}" already exists`, 'name');
      const overrides: Record<string, boolean> = {};
      for (const p of input.allow ?? []) { checkPermission(base, p, true); overrides[p] = true; }
      for (const p of input.deny ?? []) {
        checkPermission(base, p, false);
        if (overrides[p]) throw invalid(`"${p}" cannot be both allowed and denied`);
        overrides[p] = false;
      }
      // A role is a grant waiting to happen: nobody defines one allowing more than they hold.
      access.requireWithinReach(actor, { baseRole: base, permissions: effectivePermissions(base, Object.entries(overrides).map(([permission, allowed]) => ({ permission, allowed }))) }, `creating the role "${name}"`, 'base');
      return write(async ({ repos, audit }) => {
        const id = await repos.roles.create({ accountId: actor.accountId, name, baseRole: base, overrides, now: epochSeconds(clock) });
        await audit.record(actor, sourceAddress, 'role.create', `"${name}" from ${ROLE_LABELS[base]}; allow [${(input.allow ?? []).join(', ')}] deny [${(input.deny ?? []).join(', ')}]`);
        return id;
      });
    },

    /** Allow (true), Deny (false) or back to the base role's default (null). Applies on the next request. */
    async setPermission(actor: Actor, sourceAddress: string, roleName: string, permission: string, allowed: boolean | null) {
      access.require(actor, Permission.rolesAndPermissions, 'changing a role');
      const role = await roles.findByName(actor.accountId, roleName);
      if (!role) throw invalid(`no custom role named "${roleName}"`);
      const base = role.base_role as SystemRoleName;
      checkPermission(base, permission, allowed === true);
      // Allowing (or restoring a default that allows) a permission grants it to every holder of the role,
      // the actor too when it is the actor's own: only permissions the actor holds may be granted.
      const others = role.overrides.filter((o) => o.permission !== permission);
      const after = effectivePermissions(base, allowed === null ? others : [...others, { permission, allowed }]);
      if (after.has(permission)) access.requireWithinReach(actor, { baseRole: base, permissions: new Set([permission]) }, `allowing "${permission}" in the role "${role.name}"`);
      await write(async ({ repos, audit }) => {
        await repos.roles.setOverride(role.id, permission, allowed);
        await audit.record(actor, sourceAddress, 'role.set-permission', `"${role.name}": ${permission} = ${allowed === null ? 'default' : allowed ? 'Allow' : 'Deny'}`);
      });
    },

    async remove(actor: Actor, sourceAddress: string, roleName: string) {
      access.require(actor, Permission.rolesAndPermissions, 'deleting a role');
      const role = await roles.findByName(actor.accountId, roleName);
      if (!role) throw invalid(`no custom role named "${roleName}"`);
      const users = await roles.usersWithRole(actor.accountId, role.id);
      if (users > 0) throw invalid(`role "${role.name}" is held by ${users} user${users === 1 ? '' : 's'}: give them another role first`);
      await write(async ({ repos, audit }) => {
        await repos.roles.delete(actor.accountId, role.id);
        await audit.record(actor, sourceAddress, 'role.delete', `"${role.name}"`);
      });
    },

    /** Custom roles with their effective permissions. */
    async list(actor: Actor) {
      access.require(actor, Permission.rolesAndPermissions, 'listing roles');
      return (await roles.list(actor.accountId)).map((r) => ({
        name: r.name,
        base: r.base_role,
        permissions: [...effectivePermissions(r.base_role as SystemRoleName, r.overrides)],
      }));
    },
  };
}

export type RoleService = ReturnType<typeof createRoleService>;
