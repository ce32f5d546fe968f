import type { Scope } from '../access/scope.js';
import type { Db } from '../db/database.js';
import { inScope } from '../db/scope-filter.js';

/** Device secrets of enrolled agents, stored as sha256 hashes. */
export function createDeviceCredentialRepository(db: Db) {
  return {
    /**
     * The device a secret authenticates, as it is now (its site and client may have changed), or
     * undefined when the secret is unknown, revoked, or its device deleted (the credential went with it).
     */
    async findDevice(secretHash: string) {
      return db
        .selectFrom('device_credentials as c')
        .innerJoin('devices as d', 'd.id', 'c.device_id')
        .select(['c.secret_hash', 'd.account_id', 'd.client_id', 'd.site_id', 'd.id as device_id'])
        .where('c.secret_hash', '=', secretHash)
        .where('c.revoked_at', 'is', null)
        .executeTakeFirst();
    },

    /** Gives the device a new secret and revokes every earlier one, in one transaction (re-enrolment). */
    async replace(accountId: number, deviceId: number, secretHash: string, now: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('device_credentials').set({ revoked_at: now }).where('device_id', '=', deviceId).where('revoked_at', 'is', null).execute();
        await trx.insertInto('device_credentials').values({ account_id: accountId, device_id: deviceId, secret_hash: secretHash, created_at: now, revoked_at: null }).execute();
      });
    },

    /** Revokes the device's secrets (its agent gets 401 from the next call); the number revoked. */
    async revokeAll(deviceId: number, now: number): Promise<number> {
      const result = await db.updateTable('device_credentials').set({ revoked_at: now }).where('device_id', '=', deviceId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /**
     * Which of these devices have an enrolled agent (an unrevoked secret), within the scope: the
     * dashboard marks them. One indexed lookup for a page of devices.
     */
    async enrolledAmong(scope: Scope, deviceIds: readonly number[]): Promise<Set<number>> {
      if (deviceIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('device_credentials as c')
        .innerJoin('devices as d', 'd.id', 'c.device_id')
        .select('c.device_id')
        .distinct()
        .where(inScope(scope, 'd'))
        .where('c.device_id', 'in', deviceIds)
        .where('c.revoked_at', 'is', null)
        .execute();
      return new Set(rows.map((r) => r.device_id));
    },
  };
}

export type DeviceCredentialRepository = ReturnType<typeof createDeviceCredentialRepository>;
