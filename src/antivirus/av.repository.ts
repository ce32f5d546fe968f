import type { Db } from '../db/database.js';

/**
 * The catalogue of third-party antivirus products and definition releases the Antivirus Update Check
 * knows. It is the same for every account (no customer data), so it takes no scope.
 */
export function createAvRepository(db: Db) {
  return {
    async products() {
      return db.selectFrom('av_products').select(['id', 'name']).orderBy('id').execute();
    },

    async findProduct(productId: string) {
      return db.selectFrom('av_products').select(['id', 'name']).where('id', '=', productId).executeTakeFirst();
    },

    /** The newest `limit` definitions of one product, newest first. */
    async latestDefinitions(productId: string, limit: number) {
      return db
        .selectFrom('av_definitions')
        .select(['version', 'released_at'])
        .where('product_id', '=', productId)
        .orderBy('released_at', 'desc')
        .orderBy('version', 'desc')
        .limit(limit)
        .execute();
    },

    async findDefinition(productId: string, version: string) {
      return db.selectFrom('av_definitions').select(['version', 'released_at']).where('product_id', '=', productId).where('version', '=', version).executeTakeFirst();
    },
  };
}

export type AvRepository = ReturnType<typeof createAvRepository>;
