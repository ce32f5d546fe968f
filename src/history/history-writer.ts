import type { Db } from '../db/database.js';
import type { HistoryWriter } from '../ingest/ingest.contract.js';

/**
 * TEMPORARY stand-in, replaced at merge by the `history` branch's real writer (stored performance
 * samples and drive-space roll-ups). It exists so ingestion can call the contract's HistoryWriter inside
 * its transaction today; until the merge, performance samples and drive space in reports are dropped.
 */
export function createHistoryWriter(_db: Db): HistoryWriter {
  return {
    async recordPerformance() {},
    async recordDriveSpace() {},
  };
}
