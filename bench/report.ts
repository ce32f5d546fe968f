export type LoadResult = { rps: number; p50: number; p99: number; errors: number; non2xx: number; mbPerSec: number; served: number };
/** CPU ms per request: the server processes', and PostgreSQL's backends' for the bench database (0 on SQLite). */
export type CpuCost = { serverCpuMs: number; postgresCpuMs: number };

/** Requests one CPU-second serves, servers and PostgreSQL together: the efficiency that carries to larger machines. */
export const requestsPerCpuSecond = (c: CpuCost) => 1000 / (c.serverCpuMs + c.postgresCpuMs);

export type BenchResult = {
  when: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage: number[] };
  dialect: 'sqlite' | 'postgres';
  devices: number;
  clients: number;
  fingerprint: string;
  seedSeconds: number;
  connections: number;
  secondsPerCall: number;
  startupMs: number;
  ceiling: LoadResult & { bytes: number; serverCpuMs: number };
  /** ratio: requests/s over the ceiling's; cpuRatio: the ceiling's CPU ms per request over the call's (steadier on a busy machine). */
  calls: Array<LoadResult & CpuCost & { name: string; bytes: number; ratio: number; cpuRatio: number }>;
  extract: CpuCost & { clients: number; devices: number; complete: boolean; calls: number; seconds: number; projectedSeconds: number | null; callsPerSec: number; mb: number };
  large: Array<{ name: string; bytes: number; ttfbMs: number; seconds: number; mbPerSec: number; firstMbPerSec?: number; maxRssMb: number; peakRssMb: number }>;
  serverPeakRssMb: number;
  /** With --processes N: each small call against the first process alone, then spread over all N. */
  processes?: { count: number; calls: Array<{ name: string; one: LoadResult & CpuCost; all: LoadResult & CpuCost }> };
  targets: Array<{ target: string; measured: string; met: boolean }>;
};

/** The ~100 KB lists of issue 13's targets; every other call of the table is a small one (< 10 KB). */
const LISTS = /^(list_clients|list_devices_at_client|list_failing_checks)\b/;

/** Issue 13's targets (SQLite figures; PostgreSQL is compared to SQLite by reading both reports). */
export function targetsOf(r: BenchResult) {
  const small = r.calls.filter((c) => !LISTS.test(c.name));
  // The lists' target is measured cold: their hot measurements are reported, not judged.
  const lists = r.calls.filter((c) => LISTS.test(c.name) && !c.name.includes('hot'));
  const worstRatio = Math.min(...small.map((c) => c.ratio));
  const worstP99 = Math.max(...small.map((c) => c.p99));
  const worstListRatio = Math.min(...lists.map((c) => c.ratio));
  const slowestLarge = Math.min(...r.large.map((l) => l.mbPerSec));
  const loads = [...r.calls, ...(r.processes?.calls.map((c) => c.all) ?? [])];
  const failures = loads.reduce((n, c) => n + c.errors + c.non2xx, 0);
  const processTargets = [];
  if (r.processes) {
    const gains = r.processes.calls.map((c) => c.all.rps / c.one.rps);
    const efficiencies = r.processes.calls.map((c) => requestsPerCpuSecond(c.all) / requestsPerCpuSecond(c.one));
    const n = r.processes.count;
    processTargets.push(
      { target: `${n} processes: more req/s than one`, measured: `worst ${Math.min(...gains).toFixed(2)}×`, met: Math.min(...gains) > 1 },
      { target: `${n} processes: req per CPU-s ≥ 0.9× one's`, measured: `worst ${Math.min(...efficiencies).toFixed(2)}×`, met: Math.min(...efficiencies) >= 0.9 },
    );
  }
  return [
    { target: 'every small call ≥ 0.5 of the ceiling', measured: `worst ${worstRatio.toFixed(2)}`, met: worstRatio >= 0.5 },
    { target: 'every small call p99 < 25 ms', measured: `worst ${worstP99} ms`, met: worstP99 < 25 },
    { target: '~100 KB lists (cold) ≥ 0.25 of the ceiling', measured: `worst ${worstListRatio.toFixed(2)}`, met: worstListRatio >= 0.25 },
    { target: 'no failed requests under load', measured: `${failures}`, met: failures === 0 },
    {
      target: 'full-account extract < 20 s',
      measured: r.extract.complete ? `${r.extract.seconds.toFixed(1)} s` : `stopped at ${r.extract.seconds.toFixed(0)} s, ~${r.extract.projectedSeconds?.toFixed(0) ?? '?'} s projected`,
      met: r.extract.complete && r.extract.seconds < 20,
    },
    { target: 'large answers ≥ 100 MB/s', measured: `slowest ${slowestLarge.toFixed(1)} MB/s`, met: slowestLarge >= 100 },
    { target: 'server RSS < 250 MB', measured: `peak ${r.serverPeakRssMb.toFixed(0)} MB`, met: r.serverPeakRssMb < 250 },
    { target: 'start to first answer < 0.5 s', measured: `${Math.round(r.startupMs)} ms`, met: r.startupMs < 500 },
    ...processTargets,
  ];
}

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const pad = (s: string, width: number) => (s.length >= width ? s : s + ' '.repeat(width - s.length));
const lpad = (s: string, width: number) => (s.length >= width ? s : ' '.repeat(width - s.length) + s);

/** The plain-text table `npm run bench` prints (and docs/performance.md quotes). */
export function formatReport(r: BenchResult): string {
  const lines: string[] = [];
  lines.push(
    `Sightline bench: ${r.dialect}, ${n0(r.devices)} devices over ${r.clients} clients; ${r.connections} connections, ${r.secondsPerCall} s per call; ` +
      `${r.machine.cpus} × ${r.machine.cpuModel.trim()}, Node ${r.machine.node}`,
  );
  lines.push(`load average at the start and end: ${r.machine.loadAverage.map((l) => l.toFixed(1)).join(' → ')} (other work on the machine depresses every figure but the CPU ms per call)`);
  lines.push('');
  // On PostgreSQL, its backends' CPU ms per request next to the server's (CPU ratio stays the server's alone).
  const pg = r.dialect === 'postgres';
  lines.push(`${pad('call', 46)}${lpad('req/s', 9)}${lpad('p50 ms', 8)}${lpad('p99 ms', 8)}${lpad('ratio', 7)}${lpad('bytes', 9)}${lpad('CPU ms', 8)}${pg ? lpad('PG ms', 7) : ''}${lpad('CPU ratio', 10)}`);
  const row = (name: string, l: LoadResult, bytes: number, ratio: string, cpu: number, pgCpu: number, cpuRatio: string) =>
    lines.push(`${pad(name, 46)}${lpad(n0(l.rps), 9)}${lpad(String(l.p50), 8)}${lpad(String(l.p99), 8)}${lpad(ratio, 7)}${lpad(n0(bytes), 9)}${lpad(cpu.toFixed(2), 8)}${pg ? lpad(pgCpu.toFixed(2), 7) : ''}${lpad(cpuRatio, 10)}`);
  row('ceiling (node:http, same bytes from memory)', r.ceiling, r.ceiling.bytes, '1.00', r.ceiling.serverCpuMs, 0, '1.00');
  for (const c of r.calls) row(c.name, c, c.bytes, c.ratio.toFixed(2), c.serverCpuMs, c.postgresCpuMs, c.cpuRatio.toFixed(2));
  lines.push('');
  lines.push(
    `full-account extract (8 in flight): ${n0(r.extract.calls)} calls (${r.extract.clients} clients, ${n0(r.extract.devices)} devices) in ${r.extract.seconds.toFixed(1)} s = ${n0(r.extract.callsPerSec)} calls/s, ${r.extract.mb.toFixed(0)} MB` +
      (r.extract.complete ? '' : ` (stopped at the time limit; whole account projected at ${r.extract.projectedSeconds?.toFixed(0) ?? '?'} s)`) +
      `; CPU ms per call: server ${r.extract.serverCpuMs.toFixed(2)}${pg ? `, PostgreSQL ${r.extract.postgresCpuMs.toFixed(2)}` : ''}`,
  );
  if (r.processes) {
    const n = r.processes.count;
    lines.push('');
    lines.push(
      `${n} server processes on one database (each call against one process with ${r.connections} connections, then against ${n} with ${r.connections} each; CPU of every server${pg ? ' and PostgreSQL' : ''})`,
    );
    lines.push(`${pad('call', 40)}${lpad('req/s 1', 9)}${lpad(`req/s ${n}`, 9)}${lpad('gain', 6)}${lpad(`p99 ${n}`, 7)}${lpad('CPU ms 1', 10)}${lpad(`CPU ms ${n}`, 10)}${lpad('req/CPU-s 1', 13)}${lpad(`req/CPU-s ${n}`, 13)}${lpad('eff.', 6)}`);
    for (const c of r.processes.calls) {
      const [one, all] = [requestsPerCpuSecond(c.one), requestsPerCpuSecond(c.all)];
      lines.push(
        `${pad(c.name, 40)}${lpad(n0(c.one.rps), 9)}${lpad(n0(c.all.rps), 9)}${lpad((c.all.rps / c.one.rps).toFixed(2), 6)}${lpad(String(c.all.p99), 7)}` +
          `${lpad((c.one.serverCpuMs + c.one.postgresCpuMs).toFixed(2), 10)}${lpad((c.all.serverCpuMs + c.all.postgresCpuMs).toFixed(2), 10)}${lpad(n0(one), 13)}${lpad(n0(all), 13)}${lpad((all / one).toFixed(2), 6)}`,
      );
    }
  }
  lines.push('');
  lines.push(`${pad('large answer (median of 3 after the first)', 60)}${lpad('MB', 7)}${lpad('TTFB ms', 9)}${lpad('MB/s', 7)}${lpad('first', 7)}${lpad('RSS MB', 8)}`);
  for (const l of r.large) {
    lines.push(`${pad(l.name, 60)}${lpad((l.bytes / 1e6).toFixed(1), 7)}${lpad(l.ttfbMs.toFixed(0), 9)}${lpad(l.mbPerSec.toFixed(1), 7)}${lpad(l.firstMbPerSec?.toFixed(1) ?? '', 7)}${lpad(l.maxRssMb.toFixed(0), 8)}`);
  }
  lines.push('');
  lines.push(`server start to first answer: ${Math.round(r.startupMs)} ms; server peak RSS (VmHWM): ${r.serverPeakRssMb.toFixed(0)} MB`);
  lines.push('');
  for (const t of r.targets) lines.push(`${t.met ? 'met    ' : 'MISSED '} ${pad(t.target, 44)} ${t.measured}`);
  return lines.join('\n');
}
