import type { ReportRequest } from '../../agent-protocol/protocol.schema.js';
import type { ResultInput } from '../../checks/check-derivation.js';
import type { Db } from '../../db/database.js';
import type { DeviceRef } from '../ingest.contract.js';
import type { IngestCheckRow, IngestRepository } from '../ingest.repository.js';
import type { InventoryRepository } from '../inventory.repository.js';

/** A check result to derive, from the report itself or made by a section from what the report says. */
export type DerivedResult = ResultInput & { readonly checkId: number };

/** What every section of one report works with, inside the report's transaction. */
export type SectionContext = {
  readonly device: DeviceRef;
  /** The server's time of the report (epoch seconds). */
  readonly now: number;
  readonly report: ReportRequest;
  readonly repo: IngestRepository;
  readonly inventory: InventoryRepository;
  /** The transaction itself, for the history writer. */
  readonly trx: Db;
  /** The device's checks by id, as they were before this report. */
  readonly checks: ReadonlyMap<number, IngestCheckRow>;
  /** The account's timezone (days of day results), read once when first needed. */
  timezone(): Promise<string>;
  /** Results sections derive (antivirus state, backup sessions) for checks the report sent none for. */
  readonly derivedResults: DerivedResult[];
};

/** One part of a report (check results, software, patches, …), applied in the report's transaction. */
export type Section = (ctx: SectionContext) => Promise<void>;

/** The device's checks of some types that the report has no explicit result for (sections derive theirs). */
export function checksWithoutResults(ctx: SectionContext, checkTypes: readonly number[]): IngestCheckRow[] {
  const reported = new Set(ctx.report.checkResults.map((r) => r.checkId));
  return [...ctx.checks.values()].filter((k) => checkTypes.includes(k.check_type) && !reported.has(k.id));
}
