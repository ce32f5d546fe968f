// @ts-check
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { basename } from 'node:path';
import { measureSpace } from './collect/disks.mjs';
import { execCapture } from './exec.mjs';
import { anySignal, clip, describeError, formatBytes, nowSeconds, readText, round1 } from './util.mjs';

/** @typedef {import('./types.mjs').CheckConfig} CheckConfig */
/** @typedef {import('./types.mjs').CheckResult} CheckResult */
/** @typedef {import('./collect/performance.mjs').Readings} Readings */
/** @typedef {{ status: 'pass' | 'fail', output: string, value?: number }} Outcome */
/**
 * @typedef {object} CheckContext
 * @property {AbortSignal} [signal] stops a running check (the agent is stopping)
 * @property {() => Readings | null} [readings] the latest performance sample, for `performance` checks
 */

const OUTPUT_MAX = 2000;
const IS_WINDOWS = process.platform === 'win32';

/** @param {string} output @param {number} [value] @returns {Outcome} */
const pass = (output, value) => ({ status: 'pass', output, ...(value === undefined ? {} : { value }) });
/** @param {string} output @param {number} [value] @returns {Outcome} */
const fail = (output, value) => ({ status: 'fail', output, ...(value === undefined ? {} : { value }) });

/**
 * A setting as text ('' when absent).
 * @param {CheckConfig} check
 * @param {string} key
 */
const text = (check, key) => String(check.settings[key] ?? '').trim();

/**
 * A setting as a number (the server may send "30" as well as 30), or `fallback` when absent or not a number.
 * @param {CheckConfig} check
 * @param {string} key
 * @param {number} fallback
 */
function number(check, key, fallback) {
  const raw = check.settings[key];
  const value = typeof raw === 'string' && raw.trim() === '' ? NaN : Number(raw);
  return raw === undefined || Number.isNaN(value) ? fallback : value;
}

/** @param {number} ms */
const seconds = (ms) => `${round1(ms / 1000)}s`;

/** @type {Record<string, (check: CheckConfig, context: CheckContext) => Promise<Outcome>>} */
const RUNNERS = {
  async disk_space(check) {
    const path = text(check, 'path') || (IS_WINDOWS ? 'C:' : '/');
    const minimum = number(check, 'minFreePercent', 10);
    let space;
    try {
      space = await measureSpace(path);
    } catch (error) {
      return fail(`Cannot read ${path}: ${describeError(error)}`);
    }
    const percent = round1(space.freePercent);
    const found = `${formatBytes(space.freeBytes)} free (${Math.round(space.freePercent)}%)`;
    return percent >= minimum ? pass(found, percent) : fail(`${found}, below the ${minimum}% minimum`, percent);
  },

  async process(check) {
    const name = text(check, 'name');
    if (!name) return fail('No process name configured');
    const pids = await findProcesses(name);
    if (pids.length === 0) return fail(`${name} not running`, 0);
    const which = pids.length === 1 ? `pid ${pids[0]}` : `${pids.length} processes, pid ${pids[0]}`;
    return pass(`${name} running (${which})`, pids.length);
  },

  async http(check, { signal }) {
    const url = text(check, 'url');
    const timeout = number(check, 'timeoutSeconds', 30);
    const expected = number(check, 'expectStatus', 0);
    if (!/^https?:\/\//i.test(url)) return fail('No http(s) URL configured');
    const timer = AbortSignal.timeout(timeout * 1000);
    const started = performance.now();
    try {
      const response = await fetch(url, { signal: anySignal([signal, timer]), headers: { 'user-agent': 'sightline-agent' } });
      const ms = Math.round(performance.now() - started);
      await response.body?.cancel().catch(() => {});
      const ok = expected ? response.status === expected : response.status < 400;
      const found = `HTTP ${response.status} in ${ms}ms`;
      return ok ? pass(found, ms) : fail(expected ? `${found}, expected ${expected}` : found, ms);
    } catch (error) {
      // The URL is not repeated: it may carry credentials, and the check's description names it already.
      return fail(timer.aborted ? `No answer within ${timeout}s` : `Request failed: ${describeError(error)}`);
    }
  },

  async tcp_port(check, { signal }) {
    const host = text(check, 'host') || 'localhost';
    const port = number(check, 'port', 0);
    const timeout = number(check, 'timeoutSeconds', 10);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return fail(`No valid port configured (${check.settings.port ?? 'none'})`);
    const target = `${host}:${port}`;
    const started = performance.now();
    const error = await new Promise((resolve) => {
      const socket = net.connect({ host, port });
      /** @param {unknown} outcome */
      const done = (outcome) => {
        socket.destroy();
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = () => done('stopped');
      socket.setTimeout(timeout * 1000, () => done(`no answer within ${timeout}s`));
      socket.once('connect', () => done(null));
      socket.once('error', (e) => done(describeError(e)));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const ms = Math.round(performance.now() - started);
    return error === null ? pass(`${target} open (${ms}ms)`, ms) : fail(`${target} closed: ${error}`);
  },

  async script(check, { signal }) {
    const command = text(check, 'command');
    const timeout = number(check, 'timeoutSeconds', 60);
    if (!command) return fail('No command configured');
    const shell = IS_WINDOWS ? ['cmd.exe', ['/d', '/s', '/c', command]] : ['/bin/sh', ['-c', command]];
    const result = await execCapture(/** @type {string} */ (shell[0]), /** @type {string[]} */ (shell[1]), { timeoutMs: timeout * 1000, signal });
    const output = result.output.trim();
    if (result.error) return fail(`Cannot run the script: ${result.error}`);
    if (result.timedOut) return fail(clip(`Timed out after ${timeout}s${output ? `: ${output}` : ''}`, OUTPUT_MAX));
    if (result.code === null) return fail('Stopped');
    const shown = output || `Exit code ${result.code}`;
    return result.code === 0 ? pass(shown, 0) : fail(shown, result.code);
  },

  async performance(check, { readings }) {
    const counter = text(check, 'counter');
    const threshold = number(check, 'threshold', NaN);
    const measure = counterOf(counter);
    if (!measure) return fail(`Unknown performance counter "${counter}"`);
    if (Number.isNaN(threshold)) return fail('No threshold configured');
    const current = readings?.();
    if (!current) return fail('No performance sample yet');
    const value = measure.read(current);
    if (value === null) return fail(`${measure.label} is not measured on this system`);
    const found = `${measure.label} ${value}${measure.unit}`;
    return value > threshold ? fail(`${found} > ${threshold}${measure.unit}`, value) : pass(found, value);
  },
};

/**
 * @typedef {{ label: string, unit: string, read: (r: Readings) => number | null }} Counter
 * The counters a `performance` check may name: the protocol's sample names (cpu_load, memory_usage.commit_charge)
 * or N-sight's words for them ("Processor Queue Length", "Memory Usage"), in any case and spacing.
 */
/** @type {Array<[RegExp, Counter]>} */
const COUNTERS = [
  [/^(cpuqueue(queue)?|processorqueue(length)?|queue(length)?|loadaverage)$/, { label: 'Processor queue length', unit: '', read: (r) => r.cpuQueue }],
  [/^(cpuload(load)?|cpu(usage|time)?|processor(time|usage|load)?)$/, { label: 'CPU load', unit: '%', read: (r) => r.cpuLoad }],
  [/^(memoryusagecommitcharge|commitcharge)$/, { label: 'Commit charge', unit: '%', read: (r) => r.commitCharge }],
  [/^(memoryusage|memory(used)?|physicalmemory)$/, { label: 'Memory usage', unit: '%', read: (r) => r.memoryUsed }],
];

/** @param {string} counter */
function counterOf(counter) {
  const key = counter.toLowerCase().replace(/[^a-z]/g, '');
  return COUNTERS.find(([pattern]) => pattern.test(key))?.[1];
}

/** The name a process check gives the init process, pid 1, whatever its program is called. */
const INIT = 'init';

/**
 * The ids of running processes called `name`, the agent itself excluded (it is not what anyone monitors).
 * Linux: /proc/PID/comm (cut at 15 characters by the kernel) or the program of /proc/PID/cmdline; elsewhere ps,
 * or tasklist on Windows, where "nginx" also finds "nginx.exe". Outside Windows `init` is pid 1 whatever its
 * program (systemd, launchd, tini, a container's entry point), even when that is the agent: every system has
 * one, so the built-in templates check it (src/templates/default-template-checks.ts).
 * @param {string} name
 * @returns {Promise<number[]>}
 */
export async function findProcesses(name) {
  /** @param {string} candidate */
  const matches = (candidate) => {
    const program = basename(candidate.trim());
    return program === name || program === `${name}.exe` || (name.length > 15 && program === name.slice(0, 15));
  };
  /** @type {number[]} */
  let pids = [];
  if (process.platform === 'linux') {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const comm = readText(`/proc/${entry}/comm`);
      if (comm === null) continue; // ended while we looked
      const program = (readText(`/proc/${entry}/cmdline`) ?? '').split('\0')[0];
      if (matches(comm) || (program && matches(program))) pids.push(Number(entry));
    }
  } else if (IS_WINDOWS) {
    const list = await execCapture('tasklist', ['/fo', 'csv', '/nh'], { timeoutMs: 30_000, maxBytes: 8 * 1024 * 1024 });
    pids = list.stdout
      .split('\n')
      .map((line) => /^"([^"]+)","(\d+)"/.exec(line))
      .filter((m) => m !== null && matches(m[1]))
      .map((m) => Number(/** @type {RegExpExecArray} */ (m)[2]));
  } else {
    const list = await execCapture('ps', ['-A', '-o', 'pid=,comm='], { timeoutMs: 30_000, maxBytes: 8 * 1024 * 1024 });
    pids = list.stdout
      .split('\n')
      .map((line) => /^\s*(\d+)\s+(.+)$/.exec(line))
      .filter((m) => m !== null && matches(m[2]))
      .map((m) => Number(/** @type {RegExpExecArray} */ (m)[1]));
  }
  const own = pids.filter((pid) => pid !== process.pid);
  if (name === INIT && !IS_WINDOWS && !own.includes(1)) own.push(1);
  return own.sort((a, b) => a - b);
}

/**
 * Runs one check of the config now. Checks of kind `other` (and kinds this agent does not know) are not run:
 * null, and nothing is reported for them. A check never throws: what went wrong is its failing output.
 * @param {CheckConfig} check
 * @param {CheckContext} [context]
 * @returns {Promise<CheckResult | null>}
 */
export async function runCheck(check, context = {}) {
  const runner = Object.hasOwn(RUNNERS, check.kind) ? RUNNERS[check.kind] : undefined;
  if (!runner) return null;
  /** @type {Outcome} */
  let outcome;
  try {
    outcome = await runner(check, context);
  } catch (error) {
    outcome = fail(`The check could not run: ${describeError(error)}`);
  }
  return { checkId: check.checkId, at: nowSeconds(), ...outcome, output: clip(outcome.output, OUTPUT_MAX) };
}

/** Whether this agent runs checks of this kind. @param {CheckConfig} check */
export const isRunnable = (check) => check.kind !== 'other' && Object.hasOwn(RUNNERS, check.kind);
