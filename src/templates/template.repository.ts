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
  };
}

export type TemplateRepository = ReturnType<typeof createTemplateRepository>;
