import { z } from 'zod';
import { PerformanceKind as PERFORMANCE_KINDS } from '../history/performance-kind.js';

/**
 * The agent protocol, version 1 (`/agent/v1/`): the JSON bodies agents send and receive, as zod schemas.
 * The server validates every request with these; the reference agent (agent/, plain JavaScript with no
 * dependencies) builds the same shapes, and a test runs its real output through these schemas, so the
 * two cannot drift. docs/agent-protocol.md documents them with examples (a test keeps those valid too).
 *
 * Conventions: times are whole seconds since the epoch (UTC), like every `*_at` column; sizes in MB;
 * unknown fields are refused (`.strict()`), so a typo is a 400 naming the field, not silently dropped.
 */

/** The newest a reported time may be, relative to the server's clock (agents' clocks drift). */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** The largest report body accepted; past it the server answers 413 before parsing. */
export const MAX_REPORT_BYTES = 4 * 1024 * 1024;
/** Items per list in one report (check results, samples, software, …); past it, 413. */
export const MAX_ITEMS_PER_LIST = 20_000;
/** The longest a command long-poll may be held open (`GET /agent/v1/commands?wait=`). */
export const MAX_COMMAND_WAIT_SECONDS = 60;

const epoch = z.number().int().min(946_684_800); // 2000-01-01: anything older is a broken clock
/** Text of at most `max` characters, without NUL (PostgreSQL text cannot hold one; the batch failed with a 500). */
const text = (max = 255) => z.string().max(max).refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');
const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_ITEMS_PER_LIST);

// ---------------------------------------------------------------------------------------------------
// Enrolment: POST /agent/v1/enrol (no Authorization; the site token is in the body)

/** What an agent knows of its machine. Sent at enrolment and, when changed, in reports. */
export const DeviceFacts = z
  .object({
    hostname: text(255).min(1),
    /** server | workstation: which template's checks the device runs and which list shows it. */
    deviceType: z.enum(['server', 'workstation']),
    os: z.object({ name: text(255).min(1), version: text(100), family: z.enum(['linux', 'mac', 'windows']) }).strict(),
    manufacturer: text(255).default(''),
    model: text(255).default(''),
    serialNumber: text(100).default(''),
    cpu: z.object({ model: text(255), count: z.number().int().min(1).max(4096) }).strict(),
    memoryMb: z.number().int().min(0),
    /** Boot time, from uptime. */
    bootedAt: epoch.nullable().default(null),
    ipAddresses: z.array(text(64)).max(64).default([]),
    macAddresses: z.array(text(32)).max(64).default([]),
    /** Last logged-on user, DOMAIN\user or user. */
    username: text(255).default(''),
    domain: text(255).default(''),
    agentVersion: text(32),
  })
  .strict();
export type DeviceFacts = z.infer<typeof DeviceFacts>;

export const EnrolRequest = z
  .object({
    /** The site enrolment token from the installation package's config. */
    siteToken: text(200).min(1),
    /**
     * A stable id of this machine (e.g. /etc/machine-id, or a random id the agent keeps): enrolling the
     * same machine again reuses its device instead of creating a second one.
     */
    machineId: text(128).min(8),
    facts: DeviceFacts,
  })
  .strict();
export type EnrolRequest = z.infer<typeof EnrolRequest>;

export const EnrolResponse = z.object({
  deviceId: z.number().int(),
  /** Shown once; the server keeps only its hash. Sent as `Authorization: Bearer <deviceSecret>`. */
  deviceSecret: z.string(),
  /** Informational: where the server believes agents reach it (its public URL + /agent/v1/); agents keep calling serverUrl + agentPath of config.json. */
  agentUrl: z.string(),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

// ---------------------------------------------------------------------------------------------------
// Config: GET /agent/v1/config

/** The kinds of check the reference agent can run; other agents may report others by checkId. */
export const CheckKind = z.enum(['disk_space', 'process', 'http', 'tcp_port', 'script', 'performance', 'other']);
export type CheckKind = z.infer<typeof CheckKind>;

export const CheckConfig = z.object({
  /** The check's id (`checkid` on the API); reports name results by it. */
  checkId: z.number().int(),
  /** N-sight's check_type number (1003 drive space, 1012 web page, 1017 script, …). */
  checkType: z.number().int(),
  kind: CheckKind,
  description: z.string(),
  /** 1 = Daily Safety Check (run once a day at dscHour), 2 = 24x7 (every intervalSeconds). */
  dsc247: z.union([z.literal(1), z.literal(2)]),
  intervalSeconds: z.number().int(),
  /** Kind-specific settings: disk_space {path, minFreePercent}; process {name}; http {url, timeoutSeconds, expectStatus};
   *  tcp_port {host, port, timeoutSeconds}; script {command, timeoutSeconds}; performance {counter, threshold}. */
  settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type CheckConfig = z.infer<typeof CheckConfig>;

export const ConfigResponse = z.object({
  deviceId: z.number().int(),
  /** Seconds between reports (the device is overdue after the account's threshold without one). */
  reportIntervalSeconds: z.number().int(),
  /** Seconds between performance samples (15-minute intervals are built from them server-side). */
  sampleIntervalSeconds: z.number().int(),
  dscHour: z.number().int().min(0).max(23),
  checks: z.array(CheckConfig),
});
export type ConfigResponse = z.infer<typeof ConfigResponse>;

// ---------------------------------------------------------------------------------------------------
// Reports: POST /agent/v1/reports (one batch, applied whole or not at all)

export const CheckResult = z
  .object({
    checkId: z.number().int(),
    at: epoch,
    status: z.enum(['pass', 'fail']),
    /** What the check found, shown as the check's output (list_checks formatted_output, the dashboard). */
    output: text(2000),
    /** A measured value, when the check has one (free %, response ms, exit code). */
    value: z.number().optional(),
  })
  .strict();
export type CheckResult = z.infer<typeof CheckResult>;


/**
 * One measurement at `at` of one performance target. `values` holds the metric names of
 * list_performance_history's data elements without the _average/_max/_min suffix: cpu_load {load},
 * cpu_queue {queue}, memory_usage {available, commit_charge, page_faults, file_usage, non_paged, total},
 * disk_load {disk_time, read_queue, write_queue}, network_usage {total, transmit, receive},
 * bandwidth {receive, transmit}. The server folds samples into 15-minute and hourly intervals.
 */
export const PerformanceSample = z
  .object({
    /** A section of list_performance_history. */
    kind: z.enum(PERFORMANCE_KINDS),
    /** The host, disk (C:, /) or network adapter measured; '' for cpu_load, cpu_queue and memory_usage. */
    target: text(255).default(''),
    at: epoch,
    values: z.record(z.string().max(32), z.number().finite()),
  })
  .strict();
export type PerformanceSample = z.infer<typeof PerformanceSample>;

export const DriveSpace = z
  .object({
    /** C: on Windows, the mount point elsewhere. */
    drive: text(255).min(1),
    at: epoch,
    totalMb: z.number().int().min(0),
    usedMb: z.number().int().min(0),
  })
  .strict();
export type DriveSpace = z.infer<typeof DriveSpace>;

/** hardwareType: api-services.md §6.1 (1 Network Adapter … 16 Floppy Disk Drive). A full snapshot. */
export const HardwareItem = z
  .object({ hardwareType: z.number().int().min(1).max(16), name: text(255), manufacturer: text(255).default(''), details: text(1000).default(''), status: text(64).default('') })
  .strict();
export const SoftwareItem = z
  .object({ name: text(255).min(1), publisher: text(255).default(''), version: text(100).default(''), installedAt: epoch.nullable().default(null) })
  .strict();
export const PatchItem = z
  .object({
    /** A stable id of the patch across devices (KB number, package name + version). */
    key: text(255).min(1),
    title: text(500),
    product: text(255).default(''),
    severity: z.number().int().min(0).max(4).default(0),
    status: z.enum(['missing', 'pending', 'installed', 'failed', 'reboot_required']),
    installedAt: epoch.nullable().default(null),
  })
  .strict();
export const AntivirusState = z
  .object({ product: text(255), running: z.boolean(), definitionsVersion: text(100), definitionsReleasedAt: epoch.nullable() })
  .strict();
export const MavThreat = z.object({ name: text(255), category: text(100), status: text(64), quarantineGuid: text(64).optional() }).strict();
export const MavScan = z
  .object({
    /** The agent's own id of the scan (so a scan reported running and later finished is one scan). */
    scanKey: text(64).min(1),
    engine: z.enum(['vipre', 'bitdefender']),
    kind: z.enum(['quick', 'deep', 'active', 'custom', 'behavioral', 'ids', 'device']),
    state: z.enum(['finished', 'canceled', 'error', 'paused', 'running']),
    startedAt: epoch,
    endedAt: epoch.nullable().default(null),
    filesScanned: z.number().int().min(0).default(0),
    foldersScanned: z.number().int().min(0).default(0),
    threats: z.array(MavThreat).max(1000).default([]),
  })
  .strict();
export const BackupSession = z
  .object({
    type: z.enum(['BACKUP', 'RESTORE']),
    plugin: text(64),
    startedAt: epoch,
    endedAt: epoch,
    status: text(32),
    selectionSize: z.number().int().min(0).default(0),
    processedSize: z.number().int().min(0).default(0),
    transferredSize: z.number().int().min(0).default(0),
    errorCount: z.number().int().min(0).default(0),
  })
  .strict();
export const AdUser = z
  .object({
    objectGuid: text(64).min(1),
    samaccountname: text(255),
    displayname: text(255).default(''),
    mail: text(255).default(''),
    department: text(255).default(''),
    title: text(255).default(''),
    lastLogonAt: epoch.nullable().default(null),
    enabled: z.boolean(),
  })
  .strict();

export const ReportRequest = z
  .object({
    /** Chosen by the agent, unique per device (a UUID): a retried batch is applied once. */
    batchId: z.string().regex(/^[A-Za-z0-9_.:-]{8,64}$/),
    sentAt: epoch,
    /** The machine's facts, when they changed (or in every report; unchanged facts change nothing). */
    facts: DeviceFacts.optional(),
    checkResults: list(CheckResult).default([]),
    performance: list(PerformanceSample).default([]),
    driveSpace: list(DriveSpace).default([]),
    /** Full inventory snapshots: present = replaces the device's inventory; absent = unchanged. */
    hardware: list(HardwareItem).optional(),
    software: list(SoftwareItem).optional(),
    patches: list(PatchItem).optional(),
    antivirus: AntivirusState.optional(),
    mavScans: list(MavScan).default([]),
    backupSessions: list(BackupSession).default([]),
    adUsers: list(AdUser).optional(),
  })
  .strict();
export type ReportRequest = z.infer<typeof ReportRequest>;

/** The sections of a report a command's acknowledgement may carry (no batch id: the command's id is its batch). */
export const CommandReport = ReportRequest.omit({ batchId: true, sentAt: true, facts: true });
export type CommandReport = z.infer<typeof CommandReport>;

export const ReportResponse = z.object({
  batchId: z.string(),
  /** false when this batch id was applied before (a retry): nothing changed. */
  applied: z.boolean(),
  /** Commands waiting for this device, so they arrive with the report even without a long-poll. */
  commands: z.array(z.lazy(() => Command)),
});
export type ReportResponse = z.infer<typeof ReportResponse>;

// ---------------------------------------------------------------------------------------------------
// Commands: GET /agent/v1/commands?wait=SECONDS, POST /agent/v1/commands/{id}/ack

export const Command = z.object({
  id: z.number().int(),
  /** The action: run_check (task_run_now), patch_reprocess, patch_retry, mav_scan_start, … */
  kind: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
});
export type Command = z.infer<typeof Command>;

export const CommandsResponse = z.object({ commands: z.array(Command) });

export const CommandAck = z
  .object({
    outcome: z.enum(['succeeded', 'failed', 'unsupported']),
    /** Why, for failed and unsupported; what happened, otherwise. */
    message: text(2000).default(''),
    /** A check result produced by the command (run_check), applied like a reported one. */
    checkResult: CheckResult.optional(),
    /**
     * What the command changed, in report sections (a scan it ran, the patches after a retry, the
     * antivirus state after a definitions update): applied like a report, once, whatever the retries.
     */
    report: z.lazy(() => CommandReport).optional(),
  })
  .strict();
export type CommandAck = z.infer<typeof CommandAck>;

/** The answer to an ack (also to a repeated one: acknowledging is idempotent). */
export const CommandAckResponse = z.object({ id: z.number().int(), status: z.literal('acked') });
export type CommandAckResponse = z.infer<typeof CommandAckResponse>;

// ---------------------------------------------------------------------------------------------------
// Errors: every 4xx/5xx answer under /agent/v1/

/** `{ "error": { "code", "message", "field"? } }`; `field` is a dotted path, e.g. `checkResults.3.checkId`. */
export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
