import type { PerformanceKind } from '../../../history/performance-kind.js';
import { errors } from '../../../errors.js';
import { epochSeconds } from '../../../lib/clock.js';
import { parseUtcDateTime } from '../../../lib/dates.js';
import { METRICS, PER_TARGET_KINDS } from '../../../history/performance-metrics.js';
import { intervalData, intervalWindow } from '../../../history/performance-intervals.js';
import { groupBy } from '../../../lib/group-by.js';
import { defineService, x, param, type FieldValue, type XmlNode } from '../../service-spec.js';

/** N-sight's own text for a missing or wrong interval (seen live; api-errors.md). */
export const INTERVAL_MESSAGE = 'Invalid "interval": must be 15 or 60 (minutes)';

function history(kind: PerformanceKind) {
  const values: XmlNode[] = METRICS[kind].flatMap((m) => {
    const average = x.str(m.average, `Average over the interval (${m.average})`, { optional: kind === 'cpu_load' });
    return m.extreme ? [average, x.str(m.extreme.name, `${m.extreme.direction === 'max' ? 'Highest' : 'Lowest'} value in the interval`, { optional: kind === 'cpu_load' })] : [average];
  });
  const children: XmlNode[] = [x.datetime('start', 'Interval start (UTC, YYYY-MM-DD HH:MM:SS)'), x.datetime('end', 'Interval end (UTC), e.g. 10:14:59')];
  if (kind === 'cpu_load') {
    children.push(x.list('cpu', 'cpus', [x.int('cpu_id', 'Processor number (multi-CPU form)'), ...values.map((v) => ({ ...v, optional: false }))]));
  }
  children.push(...values);
  if (kind === 'memory_usage') children.push(x.int('total', 'Total physical memory (MB)'));
  return x.group('history', [x.list('data', 'data', children)], { key: 'history' });
}

const threshold = (name: string, description: string) => x.str(name, `Threshold: ${description}`);
const checkId = x.int('check_id', 'The check that collects this data');

const SHAPE = [
  x.group('bandwidth', [
    x.list('host', 'monitors', [
      x.text('name', 'Descriptive check name, e.g. "example.com port 12345"'),
      x.str('host', 'IP address or host name monitored', { key: 'target' }),
      checkId,
      threshold('receive', 'receive rate'),
      threshold('transmit', 'transmit rate'),
      history('bandwidth'),
    ]),
  ], { key: 'bandwidth', optional: true }),
  x.group('cpu_load', [checkId, threshold('average_load', 'average processor load (%)'), history('cpu_load')], { key: 'cpu_load', optional: true }),
  x.group('cpu_queue', [checkId, threshold('average_length', 'average processor queue length'), history('cpu_queue')], { key: 'cpu_queue', optional: true }),
  x.group('disk_load', [
    x.list('disk', 'monitors', [
      x.str('disk', 'Disk, e.g. C:', { key: 'target' }),
      checkId,
      threshold('read_queue_length', 'read queue length'),
      threshold('write_queue_length', 'write queue length'),
      threshold('average_disk_time', 'average disk time (%)'),
      history('disk_load'),
    ]),
  ], { key: 'disk_load', optional: true }),
  x.group('network_usage', [
    x.list('interface', 'monitors', [x.text('adapter', 'Network adapter', { key: 'target' }), checkId, threshold('average_usage', 'average usage (%)'), history('network_usage')]),
  ], { key: 'network_usage', optional: true }),
  x.group('memory_usage', [
    checkId,
    threshold('available_min', 'minimum available memory (MB)'),
    threshold('average_pages', 'average page faults per second'),
    threshold('average_page_file', 'average page file usage (%)'),
    threshold('non_paged_pool', 'non-paged pool (MB)'),
    threshold('average_commit', 'average commit charge (%)'),
    history('memory_usage'),
  ], { key: 'memory_usage', optional: true }),
] as const;

/** Sections holding one element per monitored host / disk / adapter; the others have one monitor. */
type RepeatedKind = 'bandwidth' | 'disk_load' | 'network_usage';
const isRepeated = (kind: PerformanceKind): kind is RepeatedKind => PER_TARGET_KINDS.has(kind);

export const listPerformanceHistory = defineService({
  name: 'list_performance_history',
  family: 'history',
  description:
    'Returns the data of every Performance and Bandwidth Monitoring check on a device: 15-minute intervals for the last 24 hours, or hourly intervals for the last 8 days.',
  params: {
    deviceid: param.id('The deviceid must be a valid id.'),
    // Checked by the handler, not the parameter parser: N-sight answers its own message when it is missing too.
    interval: { ...param.string('Required. 15 (last 24 hours) or 60 (last 8 days), in minutes.'), type: 'integer', values: '15|60' },
    since: param.string('Optional. UTC YYYY-MM-DD HH:MM:SS; only intervals starting at or after it are returned.', { type: 'datetime', max: 32 }),
  },
  permission: null,
  notes:
    'interval is required, but a missing or wrong one answers error 4 with N-sight\'s text `Invalid "interval": must be 15 or 60 (minutes)` (not error 5), so describe lists it as not required. Consecutive identical intervals are not merged (only MSP claims N-sight does). Only complete intervals are listed, oldest first; since also accepts a T separator and a trailing Z. Units are undocumented: load, disk time, usage and commit charge are percent, memory and non-paged pool MB, bandwidth kbit/s; queue lengths have two decimals. cpu_load uses the multi-CPU form (cpu elements) when the check reports several processors. Sections without a check are omitted. Values are the samples agents reported, stored per interval as they arrive: an interval\'s average is the mean of its samples and its max or min their extreme, so an hour holds every sample of its four quarters; intervals without samples are absent. memory_usage\'s total is the reported total memory (the device\'s memory when not reported).',
  shape: SHAPE,
  async handler({ caller, devices, history, clock }, params) {
    if (params.interval !== '15' && params.interval !== '60') throw errors.invalidValueMessage(INTERVAL_MESSAGE);
    const minutes = Number(params.interval) as 15 | 60;
    const since = params.since === undefined ? undefined : parseUtcDateTime(params.since);
    if (params.since !== undefined && since === undefined) throw errors.invalidValue('since');
    const device = await devices.requireVisible(caller.scope, params.deviceid);
    const monitors = await history.performanceMonitors(caller.scope, device.id);
    const { from, to } = intervalWindow(epochSeconds(clock), minutes, since);
    const intervals = groupBy(await history.performanceIntervals(caller.scope, device.id, minutes, from, to), (row) => row.monitor_id);
    const totalMemoryMb = Math.round(device.total_memory / 1024 ** 2);
    const present = (monitor: (typeof monitors)[number]) => ({
      // Threshold names differ by kind (the shape lists them); they are stored as the check was configured.
      ...(JSON.parse(monitor.thresholds) as Record<string, FieldValue>),
      name: monitor.name,
      target: monitor.target,
      check_id: monitor.check_id,
      history: { data: intervalData(monitor.kind, minutes, intervals.get(monitor.id) ?? [], totalMemoryMb) },
    });
    type Entry = ReturnType<typeof present>;
    const sections: { [K in RepeatedKind]?: { monitors: Entry[] } } & { [K in Exclude<PerformanceKind, RepeatedKind>]?: Entry } = {};
    for (const monitor of monitors) {
      const kind = monitor.kind;
      if (isRepeated(kind)) (sections[kind] ??= { monitors: [] }).monitors.push(present(monitor));
      else sections[kind] ??= present(monitor);
    }
    return sections;
  },
});
