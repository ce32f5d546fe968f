import type { IngestService } from '../ingest/ingest.contract.js';
import type { RequestMetrics } from './request-metrics.js';

/**
 * The ingestion service with /metrics' ingestion counters kept: what was applied (after the commit, and
 * a batch id already applied is not counted again), from agent reports and command outcomes alike.
 */
export function countedIngest(ingest: IngestService, metrics: Pick<RequestMetrics, 'reportApplied' | 'checkResultApplied'>): IngestService {
  return {
    ...ingest,
    async applyReport(device, report) {
      const result = await ingest.applyReport(device, report);
      if (result.applied) metrics.reportApplied(report.checkResults.length);
      return result;
    },
    async applyCheckResult(device, result) {
      await ingest.applyCheckResult(device, result);
      metrics.checkResultApplied();
    },
  };
}
