import { setMaxListeners } from 'node:events';
import type { Command, ConfigResponse, EnrolResponse, ReportRequest } from '../agent-protocol/protocol.schema.js';
import { Prng } from '../seed/prng.js';
import { SimulatedDevice } from './simulated-device.js';

export type SiteToken = { readonly siteId: number; readonly token: string };

export type SimulationOptions = {
  /** The server, e.g. http://127.0.0.1:8080 (the protocol lives under /agent/v1/). */
  url: string;
  /** One enrolment token per site the devices are spread over. */
  sites: readonly SiteToken[];
  devices: number;
  durationSeconds: number;
  /**
   * Reports per second across the fleet. Default: every device reports once per its config's
   * reportIntervalSeconds (a real fleet's pace); a higher rate compresses time (the bench uses it).
   */
  rate?: number;
  /** Requests in flight at once (enrolments and reports); long-polls are not counted. */
  concurrency?: number;
  /** Devices that keep a command long-poll open (each holds a socket); the rest get commands with reports. */
  maxPolls?: number;
  /** Chance per report that a passing check starts failing (default 0.004; 1 = every check fails). */
  failRate?: number;
  seed?: string;
  onProgress?: (progress: SimulationProgress) => void;
  /** Stops the run early (Ctrl-C). */
  signal?: AbortSignal;
};

export type SimulationProgress = {
  phase: 'enrolling' | 'reporting' | 'done';
  enrolled: number;
  devices: number;
  reports: number;
  checkResults: number;
  commands: number;
  errors: number;
  dark: number;
  elapsedSeconds: number;
  /** Time spent enrolling, then reporting (check results per second = checkResults / reportSeconds). */
  enrolSeconds: number;
  reportSeconds: number;
  lastError?: string;
};

const AGENT_PATH = '/agent/v1';

/**
 * Drives a simulated fleet through the real HTTP protocol: enrols `devices` machines over the given site
 * tokens, fetches each one's config, then sends reports at the fleet rate until the duration has passed,
 * keeping command long-polls open and acknowledging what arrives. Nothing here touches the database:
 * the server under test sees exactly what agents would send.
 */
export async function simulateFleet(options: SimulationOptions): Promise<SimulationProgress> {
  if (options.sites.length === 0) throw new Error('no site to enrol devices in');
  const base = options.url.replace(/\/+$/, '') + AGENT_PATH;
  const rng = new Prng(options.seed ?? `${Date.now()}`);
  const concurrency = options.concurrency ?? 32;
  const started = performance.now();
  const progress: SimulationProgress = { phase: 'enrolling', enrolled: 0, devices: options.devices, reports: 0, checkResults: 0, commands: 0, errors: 0, dark: 0, elapsedSeconds: 0, enrolSeconds: 0, reportSeconds: 0 };
  const report = () => {
    progress.elapsedSeconds = (performance.now() - started) / 1000;
    options.onProgress?.({ ...progress });
  };
  const ticker = setInterval(report, 1000);
  const stop = new AbortController();
  // Every long-poll listens to this signal: one listener per polling device, not a leak.
  setMaxListeners(0, stop.signal);
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const failed = (error: unknown) => {
    progress.errors++;
    progress.lastError = error instanceof Error ? error.message : String(error);
  };

  try {
    const fleet = Array.from({ length: options.devices }, (_, i) => new SimulatedDevice(rng, options.sites[i % options.sites.length]!.siteId, i + 1, options.failRate));
    const tokenOf = new Map(options.sites.map((s) => [s.siteId, s.token]));
    await inParallel(fleet, concurrency, stop.signal, async (device) => {
      try {
        const enrolled = await call<EnrolResponse>(`${base}/enrol`, { method: 'POST', body: { siteToken: tokenOf.get(device.siteId), machineId: device.machineId, facts: device.facts } });
        device.deviceId = enrolled.deviceId;
        device.secret = enrolled.deviceSecret;
        const config = await call<ConfigResponse>(`${base}/config`, { secret: device.secret });
        device.checks = config.checks;
        device.reportIntervalSeconds = config.reportIntervalSeconds;
        progress.enrolled++;
        // Like an agent, a new device reports at once (facts, inventory, first results), then on schedule.
        await sendReport(base, device, device.nextReport(Math.floor(Date.now() / 1000)), progress);
      } catch (error) {
        failed(error);
      }
    });

    progress.phase = 'reporting';
    progress.enrolSeconds = (performance.now() - started) / 1000;
    const live = fleet.filter((d) => d.secret);
    // The duration counts from the end of enrolment, so a large fleet still reports for the time asked.
    const deadline = performance.now() + options.durationSeconds * 1000;
    const pollers = live.slice(0, options.maxPolls ?? 2000).map((device) => keepPolling(base, device, stop.signal, progress, failed));
    const rate = options.rate ?? live.reduce((sum, d) => sum + 1 / Math.max(1, d.reportIntervalSeconds), 0);
    await sendReports(base, live, rate, deadline, concurrency, stop.signal, progress, failed);
    progress.reportSeconds = (performance.now() - started) / 1000 - progress.enrolSeconds;
    stop.abort();
    await Promise.allSettled(pollers);
    progress.dark = live.filter((d) => d.dark).length;
    progress.phase = 'done';
    return { ...progress, elapsedSeconds: (performance.now() - started) / 1000 };
  } finally {
    clearInterval(ticker);
    stop.abort();
  }
}

/** Reports at `rate` per second, round-robin over the live devices, with at most `concurrency` in flight. */
async function sendReports(
  base: string, devices: readonly SimulatedDevice[], rate: number, deadline: number, concurrency: number,
  signal: AbortSignal, progress: SimulationProgress, failed: (e: unknown) => void,
): Promise<void> {
  if (devices.length === 0 || rate <= 0) {
    await sleep(Math.max(0, deadline - performance.now()), signal);
    return;
  }
  let next = 0;
  let sent = 0;
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  while (!signal.aborted && performance.now() < deadline) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate) - sent;
    if (due <= 0 || inFlight.size >= concurrency) {
      await (inFlight.size >= concurrency ? Promise.race(inFlight) : sleep(5, signal));
      continue;
    }
    const device = devices[next++ % devices.length]!;
    sent++;
    if (device.dark) continue;
    const body = device.nextReport(Math.floor(Date.now() / 1000));
    const task = sendReport(base, device, body, progress).catch(failed).finally(() => inFlight.delete(task));
    inFlight.add(task);
  }
  await Promise.allSettled(inFlight);
}

async function sendReport(base: string, device: SimulatedDevice, body: ReportRequest, progress: SimulationProgress): Promise<void> {
  const answer = await call<{ commands: Command[] }>(`${base}/reports`, { method: 'POST', secret: device.secret, body });
  progress.reports++;
  progress.checkResults += body.checkResults.length;
  for (const command of answer.commands) await acknowledge(base, device, command, progress);
}

/** One long-poll after another until the run ends; a command is acknowledged as soon as it arrives. */
async function keepPolling(base: string, device: SimulatedDevice, signal: AbortSignal, progress: SimulationProgress, failed: (e: unknown) => void): Promise<void> {
  while (!signal.aborted && !device.dark) {
    try {
      const answer = await call<{ commands: Command[] }>(`${base}/commands?wait=30`, { secret: device.secret, signal });
      for (const command of answer.commands) await acknowledge(base, device, command, progress);
    } catch (error) {
      if (signal.aborted) return;
      failed(error);
      await sleep(1000, signal);
    }
  }
}

async function acknowledge(base: string, device: SimulatedDevice, command: Command, progress: SimulationProgress): Promise<void> {
  const ack = device.acknowledge(command, Math.floor(Date.now() / 1000));
  await call(`${base}/commands/${command.id}/ack`, { method: 'POST', secret: device.secret, body: ack });
  progress.commands++;
}

/** A JSON call; a non-2xx answer throws with the server's JSON error message. */
async function call<T>(url: string, options: { method?: string; secret?: string; body?: unknown; signal?: AbortSignal }): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.secret) headers.authorization = `Bearer ${options.secret}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
  const text = await response.text();
  if (!response.ok) {
    let message = text.slice(0, 200);
    try {
      message = JSON.parse(text).error?.message ?? message;
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`${options.method ?? 'GET'} ${new URL(url).pathname} answered ${response.status}: ${message}`);
  }
  return (text ? JSON.parse(text) : {}) as T;
}

async function inParallel<T>(items: readonly T[], limit: number, signal: AbortSignal, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (!signal.aborted && next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
