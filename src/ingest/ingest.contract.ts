import type { DeviceFacts, ReportRequest, CheckResult, DriveSpace, PerformanceSample } from '../agent-protocol/protocol.schema.js';

/**
 * The one door data enters by (CONVENTIONS.md §19): the agent protocol, the fleet simulator and the demo
 * seeder all write through these functions (the seeder may bulk-insert exactly the rows they would write).
 * This file is the contract between the transport (src/agent-protocol/), the ingestion service
 * (src/ingest/ingest.service.ts) and the stored history (src/history/); implementations live beside it.
 */

/** The device a call is about, as the transport knows it after authenticating the device secret. */
export type DeviceRef = { readonly accountId: number; readonly clientId: number; readonly siteId: number; readonly deviceId: number };

export type IngestService = {
  /**
   * Creates the device of an enrolling machine in a site (its name is the reported hostname; its checks
   * come from the site's server or workstation installation template), or, when the account already has
   * a device with this machine id, updates that device's facts and returns it (`created: false`).
   * `serverUrl` is the URL the agent reports to: template checks naming `{serverUrl}` (or its host and port)
   * are stored with it filled in (src/templates/template-placeholders.ts).
   */
  enrolDevice(site: { readonly accountId: number; readonly siteId: number }, machineId: string, facts: DeviceFacts, serverUrl: string): Promise<{ deviceId: number; created: boolean }>;
  /**
   * Applies one report batch in one transaction: everything or nothing. A batch id already applied for
   * this device answers `{ applied: false }` and changes nothing; the same id with different content is
   * refused (AppError invalidValue, field `batchId`). Unknown check ids, times past the clock skew and
   * similar are refused with the field's path (e.g. `checkResults.3.checkId`) before anything is written.
   */
  applyReport(device: DeviceRef, report: ReportRequest): Promise<{ applied: boolean }>;
  /**
   * One check result outside a report (a command's outcome, e.g. task_run_now), derived like a reported one.
   * Refusals name the field as the ack carries it: `checkResult.checkId`, `checkResult.at`.
   */
  applyCheckResult(device: DeviceRef, result: CheckResult): Promise<void>;
  /**
   * Marks devices with no report past the account's threshold overdue and opens their DEVICE_OVERDUE
   * outage, closing it when they report again. Safe to run in N processes at once: each device's change is
   * claimed in the database (a conditional update), so an outage is never opened twice. Ends the clears of
   * checks cleared until a date that has come (they fail again), claimed the same way.
   */
  sweep(): Promise<{ markedOverdue: number; clearsEnded: number }>;
};

/** Stored performance and drive-space history (src/history/), written inside the ingestion transaction. */
export type HistoryWriter = {
  recordPerformance(device: DeviceRef, samples: readonly PerformanceSample[]): Promise<void>;
  recordDriveSpace(device: DeviceRef, entries: readonly DriveSpace[]): Promise<void>;
};
