// @ts-check
import { createHash, randomUUID } from 'node:crypto';
import { isRunnable, runCheck } from './checks.mjs';
import { ProtocolClient, RefusedError, StoppedError, UnreachableError, withRetry } from './client.mjs';
import { collectDriveSpace } from './collect/disks.mjs';
import { collectHardware } from './collect/hardware.mjs';
import { Sampler } from './collect/performance.mjs';
import { collectSoftware } from './collect/software.mjs';
import { collectFacts, osFamily } from './collect/system.mjs';
import { machineIdOf, readState, writeState } from './settings.mjs';
import { nowSeconds, sleep } from './util.mjs';

/** @typedef {import('./types.mjs').AgentConfig} AgentConfig */
/** @typedef {import('./types.mjs').CheckConfig} CheckConfig */
/** @typedef {import('./types.mjs').CheckResult} CheckResult */
/** @typedef {import('./types.mjs').Command} Command */
/** @typedef {import('./types.mjs').CommandAck} CommandAck */
/** @typedef {import('./types.mjs').PerformanceSample} PerformanceSample */
/** @typedef {import('./types.mjs').Report} Report */
/** @typedef {import('./settings.mjs').Settings} Settings */
/** @typedef {import('./settings.mjs').State} State */
/** @typedef {import('./log.mjs').Logger} Logger */

/** Seconds the server may hold a command long-poll (the protocol allows up to 60). */
const POLL_WAIT_SECONDS = 30;
/** Tries of one request before `run --once` gives up (waits of about 1+2+4+8 s between them). */
const ONCE_ATTEMPTS = 5;
/** Tries of one report in `run` before it is kept for the next cycle. */
const REPORT_ATTEMPTS = 4;
/** Reports kept while the server is unreachable; older ones are dropped first. */
const MAX_UNSENT_REPORTS = 10;
/** Samples and check results kept between reports (a long outage must not grow memory without bound). */
const MAX_BUFFERED = 5_000;
/** How often `run` looks at the installed software and hardware; a changed snapshot is sent. */
const INVENTORY_EVERY_MS = 60 * 60 * 1000;
/** The first report of `run` waits this long at most for the first run of every check. */
const FIRST_REPORT_WAIT_MS = 30_000;

/**
 * The server's config, with intervals held to sane bounds: a server typo must not make the agent spin.
 * @param {any} raw
 * @returns {AgentConfig}
 */
function normaliseConfig(raw) {
  /** @param {unknown} value @param {number} fallback @param {number} min @param {number} max */
  const bounded = (value, fallback, min, max) => (Number.isFinite(value) ? Math.min(max, Math.max(min, Number(value))) : fallback);
  const checks = Array.isArray(raw?.checks) ? raw.checks : [];
  return {
    deviceId: Number(raw?.deviceId),
    reportIntervalSeconds: bounded(raw?.reportIntervalSeconds, 300, 10, 86_400),
    sampleIntervalSeconds: bounded(raw?.sampleIntervalSeconds, 60, 5, 3_600),
    dscHour: bounded(raw?.dscHour, 8, 0, 23),
    checks: checks
      .filter((/** @type {any} */ c) => c && Number.isInteger(c.checkId) && typeof c.kind === 'string')
      .map((/** @type {any} */ c) => ({ ...c, settings: c.settings && typeof c.settings === 'object' ? c.settings : {} })),
  };
}

/**
 * When a check that last ran at `ranAt` (ms) is due again: 24x7 checks after their interval, Daily Safety
 * Checks at the next dscHour:00 local time.
 * @param {CheckConfig} check
 * @param {number} ranAt
 * @param {number} dscHour
 */
export function nextRunAt(check, ranAt, dscHour) {
  if (check.dsc247 === 1) {
    const next = new Date(ranAt);
    next.setHours(dscHour, 0, 0, 0);
    if (next.getTime() <= ranAt) next.setDate(next.getDate() + 1);
    return next.getTime();
  }
  return ranAt + Math.max(10, Number(check.intervalSeconds) || 300) * 1000;
}

/** @param {unknown} value */
const hashOf = (value) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/**
 * One agent: its enrolment, its config, its reports and its commands. `runOnce` and `runForever` return
 * when done or stopped and throw SetupError / UnreachableError / RefusedError for main to turn into an exit code.
 */
export class Agent {
  /**
   * @param {{ home: string, settings: Settings, log: Logger, signal: AbortSignal, agentVersion: string }} options
   *   signal: aborted on SIGTERM/SIGINT
   */
  constructor({ home, settings, log, signal, agentVersion }) {
    this.home = home;
    this.settings = settings;
    this.log = log;
    this.agentVersion = agentVersion;
    // Stopping is the caller's signal or a fatal error in the command loop (see fail()).
    this.stopper = new AbortController();
    signal.addEventListener('abort', () => this.stopper.abort(), { once: true });
    if (signal.aborted) this.stopper.abort();
    this.signal = this.stopper.signal;
    /** @type {Error | null} */
    this.fatal = null;
    this.client = new ProtocolClient(`${settings.serverUrl}${settings.agentPath}`, { agentVersion, signal: this.signal });
    /** @type {State | null} */
    this.state = readState(home);
    /** @type {AgentConfig | null} */
    this.config = null;
    /** @type {Promise<void> | null} an enrolment in flight, shared by concurrent 401s */
    this.enrolling = null;
    /** @type {string | null} a secret from a re-enrolment that no call has used successfully yet */
    this.freshSecret = null;
    /** @type {Set<number>} ids of commands already taken (a command may come with a report and a poll) */
    this.takenCommands = new Set();
    this.attempts = ONCE_ATTEMPTS;
    this.sampler = new Sampler();
    log.addSecret(settings.siteToken);
    log.addSecret(this.state?.deviceSecret);
  }

  /** @param {Error} error */
  fail(error) {
    this.fatal ??= error;
    this.stopper.abort();
  }

  /** The state holds a secret of this server (a package pointing elsewhere enrols anew). */
  get enrolled() {
    return Boolean(this.state?.deviceSecret && this.state.serverUrl === this.settings.serverUrl);
  }

  /**
   * Enrols with the site token and keeps the device secret in the state file.
   * @param {string} reason for the log
   */
  enrol(reason) {
    this.enrolling ??= (async () => {
      const machineId = machineIdOf(this.state);
      const facts = await collectFacts({ agentVersion: this.agentVersion, deviceType: this.settings.deviceType });
      const body = { siteToken: this.settings.siteToken, machineId, facts };
      const answer = await this.retry(() => this.client.request('POST', 'enrol', { body }));
      if (!Number.isInteger(answer?.deviceId) || typeof answer?.deviceSecret !== 'string' || answer.deviceSecret === '') {
        throw new UnreachableError('POST enrol: the answer has no deviceId and deviceSecret');
      }
      this.log.addSecret(answer.deviceSecret);
      this.state = {
        machineId,
        deviceId: answer.deviceId,
        deviceSecret: answer.deviceSecret,
        serverUrl: this.settings.serverUrl,
        agentUrl: typeof answer.agentUrl === 'string' ? answer.agentUrl : undefined,
        enrolledAt: nowSeconds(),
      };
      writeState(this.home, this.state);
      this.log.info(`enrolled as device ${answer.deviceId} (${reason})`);
    })().finally(() => {
      this.enrolling = null;
    });
    return this.enrolling;
  }

  /**
   * Retries `attempt` while the server is unreachable, `this.attempts` times.
   * @template T
   * @param {() => Promise<T>} attempt
   * @returns {Promise<T>}
   */
  retry(attempt) {
    return withRetry(attempt, {
      attempts: this.attempts,
      signal: this.signal,
      maxDelayMs: this.attempts === Infinity ? 300_000 : 30_000,
      onRetry: (error, delay) => this.log.warn(`${error.message}; trying again in ${Math.round(delay / 1000)}s`),
    });
  }

  /**
   * Calls the server with the device secret. A 401 (device revoked, secret rotated, server reset) enrols
   * again once with the site token and repeats the call; a 401 to the new secret too is final.
   * @template T
   * @param {(secret: string) => Promise<T>} call
   * @returns {Promise<T>}
   */
  async authed(call) {
    const secret = /** @type {string} */ (this.state?.deviceSecret);
    try {
      const result = await call(secret);
      if (this.freshSecret === secret) this.freshSecret = null;
      return result;
    } catch (error) {
      if (!(error instanceof RefusedError && error.status === 401) || this.freshSecret === secret) throw error;
      if (this.state?.deviceSecret === secret) {
        await this.enrol('the server answered 401 to the device secret');
        this.freshSecret = this.state?.deviceSecret ?? null;
      }
      return this.authed(call);
    }
  }

  /** Fetches GET config and keeps it. */
  async fetchConfig() {
    const raw = await this.retry(() => this.authed((secret) => this.client.request('GET', 'config', { secret })));
    this.config = normaliseConfig(raw);
    return this.config;
  }

  /**
   * Runs checks, skipping kinds this agent does not run; the performance ones compare the latest sample.
   * @param {CheckConfig[]} checks
   * @returns {Promise<CheckResult[]>}
   */
  async runChecks(checks) {
    const results = await Promise.all(checks.filter(isRunnable).map((check) => this.runOneCheck(check)));
    return results.filter((r) => r !== null);
  }

  /** @param {CheckConfig} check */
  runOneCheck(check) {
    return runCheck(check, { signal: this.signal, readings: () => this.sampler.latest });
  }

  /**
   * A report of this machine as it is now: facts and drives always, inventory when asked.
   * @param {{ checkResults: CheckResult[], performance: PerformanceSample[], inventory?: { hardware: any[], software: any[] } }} parts
   * @returns {Promise<Report>}
   */
  async buildReport({ checkResults, performance, inventory }) {
    const at = nowSeconds();
    const [facts, driveSpace] = await Promise.all([
      collectFacts({ agentVersion: this.agentVersion, deviceType: this.settings.deviceType }),
      collectDriveSpace(at),
    ]);
    return { batchId: randomUUID(), sentAt: at, facts, checkResults, performance, driveSpace, ...(inventory ?? {}) };
  }

  /** The hardware and software inventory, measured now. */
  async collectInventory() {
    const drives = await collectDriveSpace(nowSeconds());
    return { hardware: collectHardware(drives), software: await collectSoftware(this.signal) };
  }

  /**
   * Sends one report. A retry sends the very same body (same batch id and sentAt): the server applies a
   * batch once, and refuses a known batch id with different content.
   * @param {Report} report
   */
  async sendReport(report) {
    const answer = await this.retry(() => this.authed((secret) => this.client.request('POST', 'reports', { body: report, secret })));
    /** @param {number} n @param {string} noun */
    const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;
    const parts = [count(report.checkResults.length, 'check result'), count(report.performance.length, 'sample'), count(report.driveSpace.length, 'drive')];
    if (report.software) parts.push(count(report.software.length, 'package'));
    this.log.info(`report ${report.batchId} ${answer?.applied === false ? 'was already applied' : 'sent'}: ${parts.join(', ')}`);
    await this.takeCommands(answer?.commands);
  }

  /** `run --once`: enrol if needed, fetch the config, run every check, send one full report. */
  async runOnce() {
    if (!this.enrolled) await this.enrol('first run');
    const config = await this.fetchConfig();
    const inventory = await this.collectInventory();
    // CPU load is measured since the sampler's baseline: give it at least a second.
    await sleep(1000 - this.sampler.sinceBaselineMs, this.signal);
    if (this.signal.aborted) throw new StoppedError();
    const performance = this.sampler.sample(nowSeconds());
    const checkResults = await this.runChecks(config.checks);
    if (this.signal.aborted) throw new StoppedError();
    await this.sendReport(await this.buildReport({ checkResults, performance, inventory }));
  }

  /**
   * `run`: samples every sampleIntervalSeconds, runs each check when due, reports every
   * reportIntervalSeconds (the config is fetched again before each report), and keeps a command long-poll
   * open, until stopped. While the server is unreachable reports are kept and sent when it is back.
   */
  async runForever() {
    this.attempts = Infinity; // a service outlives a server restart: enrolment and config wait for it
    if (!this.enrolled) await this.enrol('first run');
    let config = await this.fetchConfig();
    this.log.info(`running: a report every ${config.reportIntervalSeconds}s, ${config.checks.filter(isRunnable).length} checks`);
    this.attempts = REPORT_ATTEMPTS;
    const polling = this.pollCommands().catch((error) => this.fail(error));
    try {
      await this.reportOnSchedule(config);
    } catch (error) {
      if (!(error instanceof StoppedError)) throw error;
    }
    await polling;
    if (this.fatal) throw this.fatal; // the command loop stopped the agent (a 401 that re-enrolment did not fix)
  }

  /**
   * The loop of `run`, until the agent stops.
   * @param {AgentConfig} initialConfig
   */
  async reportOnSchedule(initialConfig) {
    let config = initialConfig;
    const startedAt = Date.now();
    /** @type {Map<number, number>} */ const nextRun = new Map();
    /** @type {Set<number>} */ const running = new Set();
    /** @type {CheckResult[]} */ let checkResults = [];
    /** @type {PerformanceSample[]} */ let performance = [];
    /** @type {Report[]} */ const unsent = [];
    let nextSampleAt = startedAt + 1000; // the first sample a second after the CPU baseline
    let nextReportAt = startedAt + 1000;
    let nextInventoryAt = 0;
    let sentInventory = '';
    let reported = false;

    while (!this.signal.aborted) {
      const now = Date.now();
      if (now >= nextSampleAt) {
        performance = [...performance, ...this.sampler.sample(nowSeconds())].slice(-MAX_BUFFERED);
        nextSampleAt = now + config.sampleIntervalSeconds * 1000;
      }
      for (const check of config.checks.filter(isRunnable)) {
        if (running.has(check.checkId) || now < (nextRun.get(check.checkId) ?? 0)) continue;
        if (check.kind === 'performance' && !this.sampler.latest) continue; // it compares a sample: wait for the first

        running.add(check.checkId);
        this.runOneCheck(check).then((result) => {
          running.delete(check.checkId);
          nextRun.set(check.checkId, nextRunAt(check, Date.now(), config.dscHour));
          if (result && !this.signal.aborted) checkResults = [...checkResults, result].slice(-MAX_BUFFERED);
        });
      }
      // The first report waits for the first run of the checks, so it is complete.
      const waitForChecks = !reported && running.size > 0 && now - startedAt < FIRST_REPORT_WAIT_MS;
      if (now >= nextReportAt && !waitForChecks) {
        reported = true;
        try {
          config = await this.fetchConfig();
        } catch (error) {
          if (!(error instanceof UnreachableError)) throw error;
          this.log.warn(`${error.message}; keeping the config fetched before`);
        }
        let inventory;
        if (now >= nextInventoryAt) {
          const current = await this.collectInventory();
          nextInventoryAt = now + INVENTORY_EVERY_MS;
          if (hashOf(current) !== sentInventory) inventory = current;
        }
        // Taken before building the report: results that come in meanwhile go into the next one.
        const measured = { checkResults, performance };
        checkResults = [];
        performance = [];
        unsent.push(await this.buildReport({ ...measured, inventory }));
        while (unsent.length > 0 && !this.signal.aborted) {
          try {
            await this.sendReport(unsent[0]);
            if (unsent[0].software) sentInventory = hashOf({ hardware: unsent[0].hardware, software: unsent[0].software });
            unsent.shift();
          } catch (error) {
            if (error instanceof UnreachableError) {
              this.log.warn(`${error.message}; ${unsent.length} report(s) kept for the next cycle`);
              unsent.splice(0, unsent.length - MAX_UNSENT_REPORTS);
              break;
            }
            if (!(error instanceof RefusedError) || error.status === 401) throw error;
            this.log.error(`report ${unsent[0].batchId} refused, dropped: ${error.message}`);
            unsent.shift();
          }
        }
        nextReportAt = Date.now() + config.reportIntervalSeconds * 1000;
      }
      await sleep(1000, this.signal);
    }
  }

  /** Keeps a long-poll for commands open until the agent stops; a 401 that re-enrolment cannot fix is fatal. */
  async pollCommands() {
    let delay = 0;
    let lastProblem = '';
    while (!this.signal.aborted) {
      const started = Date.now();
      try {
        const answer = await this.authed((secret) =>
          this.client.request('GET', `commands?wait=${POLL_WAIT_SECONDS}`, { secret, timeoutMs: (POLL_WAIT_SECONDS + 30) * 1000 }),
        );
        delay = 0;
        lastProblem = '';
        const commands = Array.isArray(answer?.commands) ? answer.commands : [];
        await this.takeCommands(commands);
        // A server that answers at once with nothing would make this loop spin.
        if (commands.length === 0 && Date.now() - started < 1000) await sleep(1000, this.signal);
      } catch (error) {
        if (error instanceof StoppedError) return;
        if (error instanceof RefusedError && error.status === 401) throw error;
        if (!(error instanceof RefusedError) && !(error instanceof UnreachableError)) throw error;
        delay = error instanceof RefusedError ? 60_000 : Math.min(60_000, Math.max(2_000, delay * 2));
        // One line per distinct problem, not one per try.
        if (error.message !== lastProblem) this.log.warn(`command poll: ${error.message}; polling again in ${delay / 1000}s`);
        lastProblem = error.message;
        await sleep(delay, this.signal);
      }
    }
  }

  /**
   * Carries out commands not seen before and acknowledges each.
   * @param {unknown} commands
   */
  async takeCommands(commands) {
    if (!Array.isArray(commands)) return;
    for (const command of /** @type {Command[]} */ (commands)) {
      if (!Number.isInteger(command?.id) || this.takenCommands.has(command.id)) continue;
      this.takenCommands.add(command.id);
      if (this.takenCommands.size > 1000) this.takenCommands.delete(this.takenCommands.values().next().value ?? -1);
      /** @type {CommandAck} */
      let ack;
      try {
        ack = await this.carryOut(command);
      } catch (error) {
        if (error instanceof StoppedError) throw error;
        ack = { outcome: 'failed', message: String(/** @type {Error} */ (error).message).slice(0, 2000) };
      }
      this.log.info(`command ${command.id} (${command.kind}): ${ack.outcome}${ack.message ? `: ${ack.message.split('\n')[0]}` : ''}`);
      try {
        await this.retry(() => this.authed((secret) => this.client.request('POST', `commands/${command.id}/ack`, { body: ack, secret })));
      } catch (error) {
        // Not acknowledged: the server sends it again, and it is carried out again then.
        if (error instanceof UnreachableError) this.takenCommands.delete(command.id);
        if (!(error instanceof RefusedError) || error.status === 401) throw error;
        this.log.warn(`command ${command.id}: the server refused its acknowledgement: ${error.message}`);
      }
    }
  }

  /**
   * What a command does here: run_check runs the check now; every other kind is not something this agent can do.
   * @param {Command} command
   * @returns {Promise<CommandAck>}
   */
  async carryOut(command) {
    if (command.kind !== 'run_check') {
      return { outcome: 'unsupported', message: `${command.kind} is not supported by the reference agent on ${osFamily()}` };
    }
    const checkId = Number(command.params?.checkId);
    /** @param {AgentConfig | null} config */
    const find = (config) => config?.checks.find((c) => c.checkId === checkId);
    // A check added since the config was fetched: fetch it again before saying it does not exist.
    const check = find(this.config) ?? find(await this.fetchConfig());
    if (!check) return { outcome: 'failed', message: `check ${command.params?.checkId} is not in this device's configuration` };
    if (!isRunnable(check)) return { outcome: 'unsupported', message: `checks of kind ${check.kind} are not run by the reference agent` };
    const result = /** @type {CheckResult} */ (await this.runOneCheck(check));
    return { outcome: 'succeeded', message: result.output, checkResult: result };
  }
}
