import type { Db } from '../db/database.js';

/** Claims of periodic sweeps shared by every server process (they live in the database). */
export function createSweepClaimRepository(db: Db) {
  return {
    /**
     * Claims the sweep `name` at `now` when nobody has since `notBefore` (or the last claim lies in the
     * future: a clock that went back), in one statement, so of processes claiming at once exactly one wins.
     */
    async claim(name: string, now: number, notBefore: number): Promise<boolean> {
      const row = await db
        .insertInto('sweep_claims')
        .values({ name, claimed_at: now })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({ claimed_at: now })
            .where((eb) => eb.or([eb('sweep_claims.claimed_at', '<=', notBefore), eb('sweep_claims.claimed_at', '>', now)])),
        )
        .returning('name')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type SweepClaimRepository = ReturnType<typeof createSweepClaimRepository>;
