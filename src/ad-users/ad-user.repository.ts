import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import { inScope } from '../db/scope-filter.js';

export function createAdUserRepository(db: Db) {
  return {
    /** Active Directory users found at one site, in id order (a site's domain holds hundreds, not millions). */
    async listBySite(scope: Scope, siteId: number) {
      return db
        .selectFrom('ad_users as u')
        .select(['u.id', 'u.object_guid', 'u.status', 'u.device_id', 'u.samaccountname', 'u.displayname', 'u.mail', 'u.department', 'u.title', 'u.last_logon_at', 'u.enabled'])
        .where(inScope(scope, 'u'))
        .where('u.site_id', '=', siteId)
        .orderBy('u.id')
        .execute();
    },
  };
}

export type AdUserRepository = ReturnType<typeof createAdUserRepository>;
