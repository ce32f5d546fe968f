import type { Db } from '../db/database.js';
import { transaction } from '../db/transaction.js';

export type CustomRole = { id: number; name: string; base_role: string; overrides: { permission: string; allowed: number }[] };

/** Custom roles: a base system role plus Allow/Deny overrides. */
export function createRoleRepository(db: Db) {
  async function withOverrides(row: { id: number; name: string; base_role: string } | undefined): Promise<CustomRole | undefined> {
    if (!row) return undefined;
    const overrides = await db
      .selectFrom('custom_role_permissions')
      .select(['permission', 'allowed'])
      .where('custom_role_id', '=', row.id)
      .orderBy('permission')
      .execute();
    return { ...row, overrides };
  }

  return {
    async findById(accountId: number, id: number): Promise<CustomRole | undefined> {
      return withOverrides(
        await db.selectFrom('custom_roles').select(['id', 'name', 'base_role']).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst(),
      );
    },

    async findByName(accountId: number, name: string): Promise<CustomRole | undefined> {
      return withOverrides(
        await db.selectFrom('custom_roles').select(['id', 'name', 'base_role']).where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst(),
      );
    },

    async list(accountId: number): Promise<CustomRole[]> {
      const rows = await db.selectFrom('custom_roles').select(['id', 'name', 'base_role']).where('account_id', '=', accountId).orderBy('name').execute();
      return Promise.all(rows.map(async (row) => (await withOverrides(row))!));
    },

    async create(input: { accountId: number; name: string; baseRole: string; overrides: Record<string, boolean>; now: number }): Promise<number> {
      return transaction(db, async (trx) => {
        const role = await trx
          .insertInto('custom_roles')
          .values({ account_id: input.accountId, name: input.name, base_role: input.baseRole, created_at: input.now })
          .returning('id')
          .executeTakeFirstOrThrow();
        const rows = Object.entries(input.overrides).map(([permission, allowed]) => ({ custom_role_id: role.id, permission, allowed: allowed ? 1 : 0 }));
        if (rows.length > 0) await trx.insertInto('custom_role_permissions').values(rows).execute();
        return role.id;
      });
    },

    /** Sets one permission override (Allow/Deny); null removes it, so the base role's default applies. */
    async setOverride(roleId: number, permission: string, allowed: boolean | null): Promise<void> {
      await transaction(db, async (trx) => {
        await trx.deleteFrom('custom_role_permissions').where('custom_role_id', '=', roleId).where('permission', '=', permission).execute();
        if (allowed !== null) await trx.insertInto('custom_role_permissions').values({ custom_role_id: roleId, permission, allowed: allowed ? 1 : 0 }).execute();
      });
    },

    async usersWithRole(accountId: number, roleId: number): Promise<number> {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where('custom_role_id', '=', roleId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async delete(accountId: number, roleId: number): Promise<void> {
      await db.deleteFrom('custom_roles').where('account_id', '=', accountId).where('id', '=', roleId).execute();
    },
  };
}

export type RoleRepository = ReturnType<typeof createRoleRepository>;
