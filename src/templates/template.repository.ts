import type { Db } from '../db/database.js';

/** Monitoring templates. They belong to the account, not to a client, so only the account scopes them. */
export function createTemplateRepository(db: Db) {
  return {
    async listByAccount(accountId: number, deviceType?: 'server' | 'workstation') {
      let q = db.selectFrom('installation_templates').select(['id', 'name', 'device_type']).where('account_id', '=', accountId);
      if (deviceType) q = q.where('device_type', '=', deviceType);
      return q.orderBy('id').execute();
    },

    async find(accountId: number, templateId: number) {
      return db
        .selectFrom('installation_templates')
        .select(['id', 'name', 'device_type'])
        .where('account_id', '=', accountId)
        .where('id', '=', templateId)
        .executeTakeFirst();
    },

    async count(accountId: number): Promise<number> {
      const row = await db.selectFrom('installation_templates').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async insertMany(rows: { account_id: number; name: string; device_type: 'server' | 'workstation'; created_at: number }[]) {
      if (rows.length > 0) await db.insertInto('installation_templates').values(rows).execute();
    },
  };
}

export type TemplateRepository = ReturnType<typeof createTemplateRepository>;
