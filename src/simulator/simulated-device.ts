import { randomUUID } from 'node:crypto';
import type { CheckConfig, CheckResult, Command, CommandAck, DeviceFacts, ReportRequest } from '../agent-protocol/protocol.schema.js';
import { FIRST_NAMES, SERVER_HARDWARE, SERVER_OS, SERVER_ROLES, WORKSTATION_HARDWARE, WORKSTATION_OS } from '../seed/catalog.js';
import type { Prng } from '../seed/prng.js';
import { mavAcknowledgement } from './simulated-mav.js';
import { acknowledgePatchCommand } from './simulated-patch-commands.js';

/** Chances per report that drive a simulated fleet: small, so most of it is green like a real one. */
const CHANCE = {
  /** A passing check starts failing. */
  checkBreaks: 0.004,
  /** A failing check recovers. */
  checkRecovers: 0.15,
  /** A device goes dark for good (it stops reporting, so the sweeper marks it overdue and opens an outage). */
  goesDark: 0.0005,
  /** A report also carries a patch snapshot / a backup session / a MAV scan / an AV state. */
  patches: 0.02,
  backup: 0.02,
  scan: 0.01,
  antivirus: 0.02,
} as const;

/** The most results of one check in one report (a check every minute in a ten-minute report). */
const MAX_RUNS_PER_REPORT = 10;

const PATCH_TITLES = [
  ['KB5034441', 'Security Update for Windows (KB5034441)', 'Windows', 4],
  ['KB5035845', 'Cumulative Update for Windows 11 (KB5035845)', 'Windows', 3],
  ['KB890830', 'Windows Malicious Software Removal Tool (KB890830)', 'Windows', 2],
  ['KB5036620', 'Cumulative Update for .NET Framework (KB5036620)', '.NET Framework', 2],
  ['KB5002537', 'Security Update for Microsoft Office (KB5002537)', 'Office', 3],
] as const;

/**
 * One machine of the fleet simulator: its facts, its checks' current states and what it reports next.
 * It speaks the same protocol as the reference agent (src/agent-protocol/protocol.schema.ts), with
 * plausible data instead of measurements: checks that fail now and then and recover, performance that
 * follows a daily curve, drives that fill slowly, patches, backups and scans now and then.
 */
export class SimulatedDevice {
  readonly machineId = `sim-${randomUUID()}`;
  readonly facts: DeviceFacts;
  deviceId = 0;
  secret = '';
  checks: readonly CheckConfig[] = [];
  reportIntervalSeconds = 60;
  /** Set when the device has gone dark: it no longer reports (its long-poll stops too). */
  dark = false;
  private readonly failing = new Set<number>();
  private readonly driveTotalMb: number;
  private driveUsedMb: number;
  private lastReportAt = 0;
  private scans = 0;

  constructor(
    private readonly rng: Prng,
    readonly siteId: number,
    index: number,
    /** Chance per report that a passing check starts failing (1: every check fails from the first report). */
    private readonly failRate: number = CHANCE.checkBreaks,
  ) {
    const server = rng.chance(0.15);
    const [osName, osVersion] = server ? rng.pick(SERVER_OS) : rng.pick(WORKSTATION_OS);
    const [manufacturer, model] = server ? rng.pick(SERVER_HARDWARE) : rng.pick(WORKSTATION_HARDWARE);
    const user = rng.pick(FIRST_NAMES);
    const hostname = server ? `SIM-${rng.pick(SERVER_ROLES)}${String(index).padStart(4, '0')}` : `SIM-WS${String(index).padStart(5, '0')}`;
    const family = osName.startsWith('macOS') ? 'mac' : osName.startsWith('Ubuntu') ? 'linux' : 'windows';
    this.facts = {
      hostname,
      deviceType: server ? 'server' : 'workstation',
      os: { name: osName, version: osVersion, family },
      manufacturer,
      model,
      serialNumber: rng.hex(10).toUpperCase(),
      cpu: { model: server ? 'Intel(R) Xeon(R) Silver 4214R CPU @ 2.40GHz' : 'Intel(R) Core(TM) i5-1145G7 CPU @ 2.60GHz', count: server ? rng.pick([4, 8, 16]) : rng.pick([4, 8]) },
      memoryMb: (server ? rng.pick([16, 32, 64]) : rng.pick([8, 16])) * 1024,
      bootedAt: Math.floor(Date.now() / 1000) - rng.int(3600, 30 * 86400),
      ipAddresses: [`10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(2, 254)}`],
      macAddresses: [Array.from({ length: 6 }, () => rng.hex(2).toUpperCase()).join(':')],
      username: `SIM\\${user}`,
      domain: 'sim.local',
      agentVersion: 'sim-1.0.0',
    };
    this.driveTotalMb = (server ? rng.pick([250, 500, 1000]) : rng.pick([250, 500])) * 1024;
    this.driveUsedMb = Math.floor(this.driveTotalMb * (0.3 + rng.next() * 0.5));
  }

  /** The next report: one result per configured check, a performance sample, drive space and now and then more. */
  nextReport(now: number): ReportRequest {
    const rng = this.rng;
    if (rng.chance(CHANCE.goesDark)) this.dark = true;
    const checkResults = this.checks.flatMap((check) => this.runsSinceLastReport(check, now));
    const hour = new Date(now * 1000).getUTCHours();
    const daily = Math.sin(((hour - 9) / 24) * 2 * Math.PI);
    const load = clamp(20 + 15 * daily + rng.next() * 10, 0, 100);
    this.driveUsedMb = Math.min(this.driveTotalMb, this.driveUsedMb + rng.int(0, 20));
    const report: ReportRequest = {
      batchId: randomUUID(),
      sentAt: now,
      checkResults,
      performance: [
        { kind: 'cpu_load', target: '', at: now, values: { load: round(load) } },
        {
          kind: 'memory_usage',
          target: '',
          at: now,
          values: { available: Math.round(this.facts.memoryMb * (0.3 + 0.2 * rng.next())), commit_charge: round(55 + 10 * daily), total: this.facts.memoryMb },
        },
      ],
      driveSpace: [{ drive: this.facts.os.family === 'windows' ? 'C:' : '/', at: now, totalMb: this.driveTotalMb, usedMb: this.driveUsedMb }],
      mavScans: [],
      backupSessions: [],
    };
    if (this.lastReportAt === 0 || rng.chance(CHANCE.patches)) report.patches = this.patches(now);
    if (this.lastReportAt === 0 || rng.chance(CHANCE.antivirus)) {
      report.antivirus = { product: 'Managed Antivirus', running: rng.chance(0.98), definitionsVersion: `1.${rng.int(400, 420)}.0`, definitionsReleasedAt: now - rng.int(3600, 3 * 86400) };
    }
    if (this.facts.deviceType === 'server' && rng.chance(CHANCE.backup)) report.backupSessions.push(this.backupSession(now));
    if (rng.chance(CHANCE.scan)) report.mavScans.push(this.scan(now));
    this.lastReportAt = now;
    return report;
  }

  /** A plausible acknowledgement: the simulator "does" everything it is asked and says so. */
  acknowledge(command: Command, now: number): CommandAck {
    if (command.kind === 'run_check' && typeof command.params.checkId === 'number') {
      const check = this.checks.find((c) => c.checkId === command.params.checkId);
      if (check) return { outcome: 'succeeded', message: 'Task run on request', checkResult: this.runCheck(check, now) };
    }
    return (
      mavAcknowledgement(this, command, now) ??
      acknowledgePatchCommand(command, () => this.patches(now), this.rng, now) ?? { outcome: 'succeeded', message: `${command.kind} done (simulated)` }
    );
  }

  /** A quick scan started on request: finished at once, clean, with this device's next scan key. */
  requestedScan(startedAt: number, now: number): ReportRequest['mavScans'][number] {
    return {
      scanKey: `${this.machineId}-${++this.scans}`, engine: 'bitdefender', kind: 'quick', state: 'finished',
      startedAt, endedAt: now, filesScanned: this.rng.int(10_000, 400_000), foldersScanned: this.rng.int(1_000, 40_000), threats: [],
    };
  }

  /**
   * The results of a check's runs since the previous report: a check running every minute reports five
   * results in a five-minute report, as an agent does. Their times are spread over the time since the
   * previous report (the simulator may compress time: --rate above the fleet's natural pace).
   */
  private runsSinceLastReport(check: CheckConfig, now: number): CheckResult[] {
    const runs = Math.min(MAX_RUNS_PER_REPORT, Math.max(1, Math.round(this.reportIntervalSeconds / Math.max(1, check.intervalSeconds))));
    const since = this.lastReportAt === 0 ? now - 1 : Math.min(this.lastReportAt, now - 1);
    return Array.from({ length: runs }, (_, i) => this.runCheck(check, since + Math.max(1, Math.round(((i + 1) * (now - since)) / runs))));
  }

  private runCheck(check: CheckConfig, now: number): CheckResult {
    const rng = this.rng;
    if (this.failing.has(check.checkId)) {
      if (this.failRate < 1 && rng.chance(CHANCE.checkRecovers)) this.failing.delete(check.checkId);
    } else if (rng.chance(this.failRate)) {
      this.failing.add(check.checkId);
    }
    const failing = this.failing.has(check.checkId);
    return { checkId: check.checkId, at: now, status: failing ? 'fail' : 'pass', output: outputFor(check, failing, rng) };
  }

  private patches(now: number): NonNullable<ReportRequest['patches']> {
    return PATCH_TITLES.filter(() => this.rng.chance(0.7)).map(([key, title, product, severity]) => {
      const installed = this.rng.chance(0.6);
      return { key, title, product, severity, status: installed ? 'installed' : 'missing', installedAt: installed ? now - this.rng.int(1, 30) * 86400 : null };
    });
  }

  private backupSession(now: number): ReportRequest['backupSessions'][number] {
    const rng = this.rng;
    const size = rng.int(20, 400) * 1024 ** 3;
    const failed = rng.chance(0.05);
    return {
      type: 'BACKUP', plugin: 'FileSystem', startedAt: now - rng.int(600, 7200), endedAt: now, status: failed ? 'Failed' : 'Completed',
      selectionSize: size, processedSize: size, transferredSize: Math.floor(size * rng.next() * 0.05), errorCount: failed ? rng.int(1, 20) : 0,
    };
  }

  private scan(now: number): ReportRequest['mavScans'][number] {
    const rng = this.rng;
    const threats = rng.chance(0.1) ? [{ name: rng.pick(['Trojan.GenericKD.4711', 'Adware.Agent.XY', 'PUP.Optional.Toolbar']), category: 'Malware', status: 'QUARANTINED', quarantineGuid: randomUUID() }] : [];
    return {
      scanKey: `${this.machineId}-${++this.scans}`, engine: 'bitdefender', kind: rng.pick(['quick', 'deep'] as const), state: 'finished',
      startedAt: now - rng.int(300, 3600), endedAt: now, filesScanned: rng.int(10_000, 400_000), foldersScanned: rng.int(1_000, 40_000), threats,
    };
  }
}

function outputFor(check: CheckConfig, failing: boolean, rng: Prng): string {
  switch (check.kind) {
    case 'disk_space':
      return failing ? `${(rng.next() * 2).toFixed(1)}GB free (${(rng.next() * 3).toFixed(1)}%), threshold 10%` : `${(20 + rng.next() * 200).toFixed(1)}GB free (${rng.int(15, 70)}%)`;
    case 'process':
      return failing ? `${check.settings.name ?? 'process'} not running` : `${check.settings.name ?? 'process'} running (pid ${rng.int(300, 40_000)})`;
    case 'http':
      return failing ? rng.pick(['HTTP 503 Service Unavailable', 'Connection timed out']) : `HTTP 200 in ${rng.int(40, 400)}ms`;
    case 'tcp_port':
      return failing ? 'Connection refused' : `Port open, connected in ${rng.int(1, 40)}ms`;
    case 'script':
      return failing ? 'Exit code 1: check failed' : 'Exit code 0';
    case 'performance':
      return failing ? `${check.description}: over threshold for 15 minutes` : `${check.description}: within threshold`;
    default:
      return failing ? 'Check failed' : 'Check passed';
  }
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
const round = (v: number) => Math.round(v * 10) / 10;
