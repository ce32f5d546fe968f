// @ts-check
import os from 'node:os';
import { MB, readText, round1 } from '../util.mjs';

/** @typedef {import('../types.mjs').PerformanceSample} PerformanceSample */
/** @typedef {{ total: number, idle: number }} CpuTimes */

/**
 * The current readings a `performance` check compares with its threshold.
 * @typedef {object} Readings
 * @property {number} cpuLoad percent of all processors busy since the previous sample
 * @property {number | null} cpuQueue runnable processes (1-minute load average); null on Windows, which has none
 * @property {number} memoryUsed percent of memory in use (not available to programs)
 * @property {number} commitCharge percent of the commit limit committed
 * @property {number} availableMb
 * @property {number} totalMb
 */

/**
 * Busy and idle jiffies of all processors together. Linux: the `cpu` line of /proc/stat, where idle counts
 * iowait too; elsewhere the same from os.cpus().
 * @returns {CpuTimes}
 */
export function readCpuTimes() {
  const stat = readText('/proc/stat');
  const line = stat?.split('\n').find((l) => l.startsWith('cpu '));
  if (line) {
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), idle: fields[3] + (fields[4] ?? 0) };
  }
  let total = 0;
  let idle = 0;
  for (const cpu of os.cpus()) {
    total += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.idle + cpu.times.irq;
    idle += cpu.times.idle;
  }
  return { total, idle };
}

/**
 * Memory in MB from /proc/meminfo (MemAvailable is what programs can still get, cache included); elsewhere
 * from os.freemem(). Commit charge, Windows' measure, is Linux's Committed_AS against RAM plus swap.
 */
export function readMemory() {
  const meminfo = readText('/proc/meminfo');
  if (meminfo) {
    /** @param {string} key */
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(meminfo)?.[1] ?? NaN);
    const total = kb('MemTotal');
    const available = Number.isNaN(kb('MemAvailable')) ? kb('MemFree') + kb('Buffers') + kb('Cached') : kb('MemAvailable');
    const committed = kb('Committed_AS');
    const limit = total + (kb('SwapTotal') || 0);
    if (total > 0 && !Number.isNaN(available)) {
      const commitCharge = Number.isNaN(committed) ? ((total - available) / total) * 100 : (committed / limit) * 100;
      return { totalMb: total / 1024, availableMb: available / 1024, commitCharge: Math.min(100, commitCharge) };
    }
  }
  const total = os.totalmem();
  const free = os.freemem();
  return { totalMb: total / MB, availableMb: free / MB, commitCharge: ((total - free) / total) * 100 };
}

/**
 * Takes performance samples. CPU load is a rate, so each sample measures the time since the previous one
 * (the first, since the sampler was made): make it early, sample later.
 */
export class Sampler {
  constructor() {
    /** @type {CpuTimes} */
    this.previous = readCpuTimes();
    this.previousAt = Date.now();
    /** @type {Readings | null} the readings of the last sample */
    this.latest = null;
  }

  /** Milliseconds since the CPU baseline: a load measured over less than a second is mostly noise. */
  get sinceBaselineMs() {
    return Date.now() - this.previousAt;
  }

  /**
   * Measures now: CPU load since the previous sample, the run queue, memory.
   * @param {number} at seconds since the epoch
   * @returns {PerformanceSample[]}
   */
  sample(at) {
    const cpu = readCpuTimes();
    const total = cpu.total - this.previous.total;
    const busy = total - (cpu.idle - this.previous.idle);
    const cpuCount = os.cpus().length || 1;
    // No jiffies passed (sampled twice in one tick): fall back to the load average against the processor count.
    const cpuLoad = total > 0 ? (busy / total) * 100 : Math.min(100, (os.loadavg()[0] / cpuCount) * 100);
    this.previous = cpu;
    this.previousAt = Date.now();
    const memory = readMemory();
    const cpuQueue = process.platform === 'win32' ? null : round1(os.loadavg()[0]);
    this.latest = {
      cpuLoad: round1(Math.max(0, Math.min(100, cpuLoad))),
      cpuQueue,
      memoryUsed: round1(((memory.totalMb - memory.availableMb) / memory.totalMb) * 100),
      commitCharge: round1(memory.commitCharge),
      availableMb: Math.round(memory.availableMb),
      totalMb: Math.round(memory.totalMb),
    };
    /** @type {PerformanceSample[]} */
    const samples = [
      { kind: 'cpu_load', target: '', at, values: { load: this.latest.cpuLoad } },
      { kind: 'memory_usage', target: '', at, values: { available: this.latest.availableMb, commit_charge: this.latest.commitCharge, total: this.latest.totalMb } },
    ];
    if (cpuQueue !== null) samples.push({ kind: 'cpu_queue', target: '', at, values: { queue: cpuQueue } });
    return samples;
  }
}
