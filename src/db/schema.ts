import type { Generated } from 'kysely';
// Table types only: the codes stored in their columns, and the rules about them, live in their domain folders.
import type { DeviceType } from '../devices/device-type.js';
import type { DayResult } from '../history/day-result.js';
import type { PerformanceKind } from '../history/performance-kind.js';
import type { MavScanKind, MavScanState } from '../mav/mav-codes.js';

/**
 * The tables as Kysely sees them. Conventions: snake_case names matching N-sight's field names where one
 * exists; every row carries `account_id`; times are whole seconds since the epoch (UTC) in `*_at`
 * columns, on both databases; flags are 0/1 integers, as the wire sends them; calendar dates that N-sight
 * shows as `YYYY-MM-DD` are stored as that text.
 */
export interface Database {
  accounts: AccountTable;
  users: UserTable;
  client_groups: ClientGroupTable;
  client_group_members: ClientGroupMemberTable;
  clients: ClientTable;
  sites: SiteTable;
  devices: DeviceTable;
  checks: CheckTable;
  check_notes: CheckNoteTable;
  outages: OutageTable;
  account_api_keys: AccountApiKeyTable;
  installation_templates: InstallationTemplateTable;
  performance_monitors: PerformanceMonitorTable;
  storage_monitors: StorageMonitorTable;
  check_day_results: CheckDayResultTable;
  mob_sessions: MobSessionTable;
  av_products: AvProductTable;
  av_definitions: AvDefinitionTable;
  software_catalog: SoftwareCatalogTable;
  device_software: DeviceSoftwareTable;
  device_hardware: DeviceHardwareTable;
  license_groups: LicenseGroupTable;
  license_group_items: LicenseGroupItemTable;
  client_license_counts: ClientLicenseCountTable;
  patch_catalog: PatchCatalogTable;
  device_patches: DevicePatchTable;
  mav_scans: MavScanTable;
  mav_threats: MavThreatTable;
  mav_traces: MavTraceTable;
  mav_scan_errors: MavScanErrorTable;
  mav_quarantine: MavQuarantineTable;
  ad_users: AdUserTable;
  account_settings: AccountSettingsTable;
  dashboard_sessions: DashboardSessionTable;
  custom_roles: CustomRoleTable;
  custom_role_permissions: CustomRolePermissionTable;
  audit_log: AuditLogTable;
  outbox: OutboxTable;
  api_auth_failures: ApiAuthFailureTable;
  login_attempts: LoginAttemptTable;
  personal_api_keys: PersonalApiKeyTable;
  personal_api_key_usage: PersonalApiKeyUsageTable;
  site_enrolment_tokens: SiteEnrolmentTokenTable;
  device_credentials: DeviceCredentialTable;
  agent_commands: AgentCommandTable;
  sweep_claims: SweepClaimTable;
}

/** A performance or bandwidth check's target (host, disk, adapter or counter); its samples are in performance_intervals (`seed` is unused). */
export interface PerformanceMonitorTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  device_id: number;
  check_id: number;
  kind: PerformanceKind;
  /** Descriptive check name (bandwidth hosts). */
  name: string;
  /** The host, disk (C:) or network adapter monitored. */
  target: string;
  /** JSON object of the check's thresholds, element name to value. */
  thresholds: string;
  /** CPUs reported separately by cpu_load (1 = single-value form). */
  cpu_count: number;
  seed: number;
  /** No sample starts before this. */
  created_at: number;
}

/** A drive or Exchange store a check measures; its sizes are in storage_days (`base_mb`, `daily_growth_mb`, `seed` are unused). */
export interface StorageMonitorTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  device_id: number;
  check_id: number;
  kind: 'drive' | 'exchange_store';
  drive_letter: string;
  mount_point: string;
  store_name: string;
  edb_file: string;
  slv_file: string;
  first_day: string;
  base_mb: number;
  daily_growth_mb: number;
  seed: number;
}

export interface CheckDayResultTable {
  account_id: number;
  client_id: number;
  device_id: number;
  check_id: number;
  day: string;
  result: DayResult;
}

export interface MobSessionTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  site_id: number;
  device_id: number;
  storage_account_id: string;
  slot_id: number;
  type: 'BACKUP' | 'RESTORE';
  plugin: string;
  started_at: number;
  ended_at: number;
  selection_size: number;
  selection_item_count: number;
  size_change: number;
  item_count_change: number;
  removed_item_count: number;
  processed_size: number;
  processed_item_count: number;
  transferred_size: number;
  error_count: number;
  status: string;
}

export interface AvProductTable {
  id: string;
  name: string;
}

export interface AvDefinitionTable {
  product_id: string;
  version: string;
  released_at: number;
}

/** A role derived from a system role, with Allow/Deny overrides per permission. */
export interface CustomRoleTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  base_role: string;
  created_at: number;
}

export interface CustomRolePermissionTable {
  custom_role_id: number;
  permission: string;
  /** 1 = Allow, 0 = Deny. */
  allowed: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  account_id: number;
  actor_user_id: number | null;
  /** The actor's email at the time, or `system (CLI)`. */
  actor_label: string;
  created_at: number;
  source_address: string;
  /** Dotted verb, e.g. `apikey.regenerate`, `user.add`, `group.set-clients`. */
  action: string;
  detail: string;
}

/** Mail kept when no SMTP server is configured. */
export interface OutboxTable {
  id: Generated<number>;
  account_id: number;
  created_at: number;
  recipient: string;
  subject: string;
  body: string;
}

/** The last claim of a periodic sweep (one row per sweep): the process whose claim lands runs it. */
export interface SweepClaimTable {
  name: string;
  claimed_at: number;
}

export interface ApiAuthFailureTable {
  address: string;
  window_started_at: number;
  failures: number;
}

export interface LoginAttemptTable {
  /** The login name as typed (lower-cased email), so unknown users are throttled too. */
  login: string;
  address: string;
  consecutive_failures: number;
  blocked_until: number | null;
  /** When the pair last tried; a run nobody continues for a day is pruned. */
  last_attempt_at: number;
}

export interface PersonalApiKeyTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  name: string;
  prefix: string;
  /** sha256 of the whole key, hex. */
  key_hash: string;
  scope: 'read' | 'read-write';
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
}

export interface PersonalApiKeyUsageTable {
  key_id: number;
  service: string;
  calls: number;
}

/** Monitoring templates (list_templates; add_site's workstationtemplate / servertemplate). */
export interface InstallationTemplateTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  device_type: 'server' | 'workstation';
  created_at: number;
}

export interface AccountTable {
  id: Generated<number>;
  name: string;
  timezone: string;
  territory: string;
  language: string;
  /** Base URL of this deployment as the account's users reach it; null = the server's configured URL. */
  public_url: string | null;
  created_at: number;
  /** Comma-separated CIDR list allowed to call the API; null = any address. */
  api_allowed_networks: Generated<string | null>;
}

export interface UserTable {
  id: Generated<number>;
  account_id: number;
  email: string;
  /** scrypt hash (see src/lib/password.ts); null until a password is set. */
  password_hash: string | null;
  /** System role key (`superuser`, `administrator`, …) or `custom`. */
  role: string;
  custom_role_id: number | null;
  user_type: 'staff' | 'client';
  is_agent_key: number;
  client_group_id: number;
  dashboard_access: number;
  active: number;
  created_at: number;
}

export interface ClientGroupTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  /** The built-in All Clients group: always complete, so membership rows are not consulted. */
  is_all_clients: number;
}

export interface ClientGroupMemberTable {
  account_id: number;
  client_group_id: number;
  client_id: number;
}

export interface ClientTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  timezone: Generated<string>;
  view_dashboard: Generated<number>;
  view_wkstsn_assets: Generated<number>;
  dashboard_username: Generated<string>;
  creation_date: Generated<string>;
  officehoursemail: Generated<string>;
  officehourssms: Generated<string>;
  outofofficehoursemail: Generated<string>;
  outofofficehourssms: Generated<string>;
  licenseconfig: Generated<string>;
  reportconfig: Generated<string>;
  /** Devices of the client by type, kept by triggers (migration 0002). */
  server_count: Generated<number>;
  workstation_count: Generated<number>;
  mobile_device_count: Generated<number>;
}

export interface SiteTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  name: string;
  connection_ok: Generated<number>;
  creation_date: Generated<string>;
  primary_router: Generated<string>;
  secondary_router: Generated<string>;
  workstation_template: Generated<string>;
  server_template: Generated<string>;
}

export interface DeviceTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  site_id: number;
  device_type: DeviceType;
  guid: string;
  name: string;
  description: string;
  /** Last logged-on user, DOMAIN\user. */
  username: string;
  domain: string;
  manufacturer: string;
  model: string;
  ip: string;
  external_ip: string;
  mac1: string;
  mac2: string;
  mac3: string;
  os: string;
  os_details: string;
  os_type: number;
  service_pack: string;
  os_serial_number: string;
  os_product_key: string;
  install_date: string;
  last_boot_at: number | null;
  last_response_at: number | null;
  last_scan_at: number | null;
  /** Set while the device is overdue (no upload within its interval): when that began. */
  overdue_since: number | null;
  /** Set while the device is offline on purpose, e.g. "offline - maintenance mode". */
  offline_reason: string | null;
  agent_version: string;
  agent_mode: number;
  online: number;
  dsc_active: number;
  dsc_hour: number;
  dsc_status: number;
  active_247: number;
  check_interval_247: number;
  status_247: number;
  utc_offset: number;
  tz_bias: number;
  tz_dst_bias: number;
  tz_std_bias: number;
  tz_mode: number;
  tz_dst_date: string;
  tz_std_date: string;
  wins_name: string;
  role: number;
  chassis_type: number;
  device_serial: string;
  processor_count: number;
  total_memory: number;
  takecontrol: number;
  patch: number;
  mav: number;
  mob: number;
  systray: number;
  mavbreck: number;
  webprotection: number;
  riskintelligence: number;
  /** Checks of the device, in all and by status, kept by triggers (migration 0002). */
  check_total: Generated<number>;
  check_pass: Generated<number>;
  check_clear: Generated<number>;
  check_fail: Generated<number>;
}

export interface CheckTable {
  id: Generated<number>;
  account_id: number;
  /** Denormalised from the device so failing checks can be listed per client without joins. */
  client_id: number;
  site_id: number;
  device_id: number;
  uid: number;
  sync_status: number;
  check_type: number;
  /** 1 for Windows Automated Tasks (list_failing_checks check_type=tasks). */
  is_task: number;
  description: string;
  dsc_247: number;
  statusid: number;
  consecutive_fails: number;
  last_run_at: number | null;
  email: number;
  sms: number;
  emailrecovery: number;
  smsrecovery: number;
  extra: string;
  formatted_output: string;
}

export interface CheckNoteTable {
  id: Generated<number>;
  account_id: number;
  check_id: number;
  device_id: number;
  user_id: number | null;
  created_at: number;
  private_note: string;
  public_note: string;
}

export interface OutageTable {
  id: Generated<number>;
  account_id: number;
  device_id: number;
  check_id: number | null;
  /** DEVICE_OVERDUE, CHECK_FAILURE, … */
  reason: string;
  started_at: number;
  ended_at: number | null;
  cause: string;
}

export interface AccountApiKeyTable {
  account_id: number;
  /** sha256 of the key, hex. The key itself is 128 random bits, so a fast hash is safe here. */
  key_hash: string;
  generated_at: number;
  generated_by_user_id: number | null;
}

// ---------------------------------------------------------------------------------------------------
// Asset tracking, patches, Managed Antivirus, Active Directory, settings (migration 0004)

/** A software title, shared by every device and account (catalogid on the wire). */
export interface SoftwareCatalogTable {
  id: Generated<number>;
  name: string;
  publisher: string;
  /** Hotfix | Update | All. */
  software_type: string;
}

export interface DeviceSoftwareTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  device_id: number;
  catalog_id: number;
  version: string;
  installed_at: number | null;
  modified: number;
  deleted_at: number | null;
}

/** hardware_type: 1 Network Adapter … 16 Floppy Disk Drive (api-services.md §6.1). */
export interface DeviceHardwareTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  device_id: number;
  hardware_type: number;
  name: string;
  manufacturer: string;
  details: string;
  status: string;
  deleted: number;
  modified: number;
}

export interface LicenseGroupTable {
  id: Generated<number>;
  account_id: number;
  name: string;
}

export interface LicenseGroupItemTable {
  id: Generated<number>;
  account_id: number;
  license_group_id: number;
  catalog_id: number;
}

export interface ClientLicenseCountTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  license_group_id: number;
  owned: string;
}

export interface PatchCatalogTable {
  id: Generated<number>;
  title: string;
  product: string;
  severity: number;
  url: string;
  released_at: number | null;
  uninstallable: number;
}

export interface DevicePatchTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  device_id: number;
  patch_catalog_id: number;
  policy: number;
  status: number;
  installed_at: number | null;
  deployable: number;
}

export interface MavScanTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  device_id: number;
  engine: number;
  kind: MavScanKind;
  state: MavScanState;
  started_at: number;
  ended_at: number | null;
  cookies_scanned: number;
  files_scanned: number;
  folders_scanned: number;
  registry_scanned: number;
  processes_scanned: number;
}

/** A threat found by one scan; `status` is the engine's own wire text (QUARANTINED, Blocked, …). */
export interface MavThreatTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  device_id: number;
  scan_id: number;
  name: string;
  category: string;
  status: string;
}

export interface MavTraceTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  threat_id: number;
  trace_type: string;
  description: string;
  /** Bitdefender only; '' for VIPRE. */
  status: string;
}

export interface MavScanErrorTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  scan_id: number;
  item: string;
  reason: string;
}

/** statusid: 1 Quarantined … 9 Failed to delete (api-services.md §8.1). */
export interface MavQuarantineTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  device_id: number;
  threat_id: number;
  guid: string;
  statusid: number;
  event_at: number;
}

export interface AdUserTable {
  id: Generated<number>;
  account_id: number;
  client_id: number;
  site_id: number;
  device_id: number;
  /** Hex objectGUID, the LDAP property AD users are told apart by. */
  object_guid: string;
  /** 0 unchanged, 1 change unknown, 2 modified, 3 new, 4 deleted, 5 restored. */
  status: number;
  samaccountname: string;
  displayname: string;
  mail: string;
  department: string;
  title: string;
  last_logon_at: number | null;
  enabled: number;
}

export interface AccountSettingsTable {
  account_id: number;
  clear24x7checks: Generated<number>;
  cleardailysafetychecks: Generated<number>;
  notesbacklog: Generated<number>;
  forcenotes: Generated<number>;
  wallchart_servers_show24x7problems: Generated<number>;
  wallchart_servers_showdailysafetycheckproblems: Generated<number>;
  wallchart_servers_showautomatedtaskproblems: Generated<number>;
  wallchart_servers_includeoverdueservers: Generated<number>;
  wallchart_servers_includeofflineservers: Generated<number>;
  wallchart_workstations_show24x7problems: Generated<number>;
  wallchart_workstations_showdailysafetycheckproblems: Generated<number>;
  wallchart_workstations_showautomatedtaskproblems: Generated<number>;
}

/** A signed-in dashboard browser. Only the sha256 of the cookie's token is stored. */
export interface DashboardSessionTable {
  id: Generated<number>;
  account_id: number;
  user_id: number;
  token_hash: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  source_address: string;
  user_agent: string;
}

// ---------------------------------------------------------------------------------------------------
// Agents (migration 0009): site enrolment tokens, device credentials, commands for agents

/** A token an installation package carries; enrols devices into its site until it expires or is revoked. */
export interface SiteEnrolmentTokenTable {
  id: Generated<number>;
  account_id: number;
  site_id: number;
  /** sha256 of the whole token, hex. */
  token_hash: string;
  /** `slt_` and 8 characters, for lists. */
  prefix: string;
  created_at: number;
  created_by_user_id: number | null;
  /** The creator's email at the time, or `system (CLI)`. */
  created_by: string;
  expires_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** An enrolled device's secret (sha256 hex); re-enrolling revokes the previous one. */
export interface DeviceCredentialTable {
  id: Generated<number>;
  account_id: number;
  device_id: number;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
}

/** A command for one device's agent (the write/action services queue them). */
export interface AgentCommandTable {
  id: Generated<number>;
  account_id: number;
  device_id: number;
  kind: string;
  /** JSON object of string, number and boolean values. */
  params: string;
  dedupe_key: string;
  /** queued → delivered → acked, or expired when not acknowledged in time (src/commands/). */
  status: 'queued' | 'delivered' | 'acked' | 'expired';
  created_at: number;
  delivered_at: number | null;
  acked_at: number | null;
  expires_at: number;
  /** succeeded | failed | unsupported, once acknowledged. */
  outcome: string | null;
  message: Generated<string>;
}

// Stored performance and drive-space history (migration 0008). Declared as a second `Database` block,
// which TypeScript merges with the one above, so this addition stays in one place.
export interface Database {
  performance_intervals: PerformanceIntervalTable;
  storage_days: StorageDayTable;
}

/** One metric of one performance monitor over one 15-minute or hourly interval: the samples folded in. */
export interface PerformanceIntervalTable {
  account_id: number;
  monitor_id: number;
  minutes: 15 | 60;
  /** Interval start (epoch seconds, a multiple of the interval). */
  start: number;
  /** The protocol's metric name (`load`, `available`, …; `load.0`, `load.1`, … per processor). */
  metric: string;
  /** Sum of the folded samples' values; the interval's average is total / samples. */
  total: number;
  samples: number;
  max_value: number;
  min_value: number;
  /** The newest sample folded in. */
  last_at: number;
}

/** The size of one drive or Exchange store on one UTC day: the day's last reported value. */
export interface StorageDayTable {
  account_id: number;
  monitor_id: number;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  size_mb: number;
  measured_at: number;
}

// ---------------------------------------------------------------------------------------------------
// Ingestion (migration 0007): enrolled machines, applied report batches, template checks, agent-run
// check settings, the overdue threshold, natural keys of reported items, per-device antivirus state.
// Interfaces declared again here merge with the ones above (TypeScript declaration merging).

export interface Database {
  agent_batches: AgentBatchTable;
  template_checks: TemplateCheckTable;
  device_antivirus: DeviceAntivirusTable;
}

export interface DeviceTable {
  /** The stable id the agent sent at enrolment; null for devices no agent enrolled (seeded ones). */
  machine_id: string | null;
}

export interface CheckTable {
  /** The protocol's CheckKind the agent runs it as; '' for checks the reference agent does not run. */
  kind: Generated<string>;
  /** Seconds between runs of a 24x7 check (0 = the device's schedule). */
  interval_seconds: Generated<number>;
  /** JSON object of kind-specific settings (protocol CheckConfig.settings). */
  settings: Generated<string>;
}

export interface AccountSettingsTable {
  /** A device with no report for this long is overdue (the sweeper opens its DEVICE_OVERDUE outage). */
  overdue_after_seconds: Generated<number>;
}

export interface MavScanTable {
  /** The agent's own id of the scan, so a scan reported running and later finished is one row. */
  scan_key: string | null;
}

export interface PatchCatalogTable {
  /** The agent's stable key of the patch (KB number, package + version); null for catalogued ones. */
  patch_key: string | null;
}

/** A report batch applied for a device; pruned after BATCH_RETENTION_SECONDS. */
export interface AgentBatchTable {
  account_id: number;
  device_id: number;
  batch_id: string;
  /** sha256 (hex) of the batch's canonical JSON. */
  content_sha256: string;
  applied_at: number;
}

/** One check an installation template gives the devices enrolled under it. */
export interface TemplateCheckTable {
  id: Generated<number>;
  account_id: number;
  template_id: number;
  check_type: number;
  kind: string;
  description: string;
  dsc_247: number;
  interval_seconds: number;
  settings: string;
}

export interface DeviceAntivirusTable {
  device_id: number;
  account_id: number;
  client_id: number;
  product: string;
  running: number;
  definitions_version: string;
  definitions_released_at: number | null;
  reported_at: number;
}

// ---------------------------------------------------------------------------------------------------
// Check actions (migration 0010): how long a cleared check stays cleared

export interface CheckTable {
  /** '' when not cleared; else untilpasses | untilnextrun | untildatetime (clear_check's clear_type). */
  clear_type: Generated<string>;
  /** When an untildatetime clear ends (epoch seconds); null for the other kinds. */
  clear_until: Generated<number | null>;
}
