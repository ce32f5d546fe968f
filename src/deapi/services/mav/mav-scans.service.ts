import { epochSeconds } from '../../../lib/clock.js';
import { defineService, x, param } from '../../service-spec.js';
import { loadMavHistory } from './mav-history.js';
import {
  agentTime, ENGINE_NAMES, engineVersion, engineVersionParam, isBitdefender, scanDuration, scanEventType, scanKindText, scanStateText,
  scanStatusCode, scanTime, scanTypeText,
} from './mav-presenter.js';

const deviceIdParam = param.id('The deviceid must be a valid id.');

export const mavScanDeviceList = defineService({
  name: 'mav_scan_device_list',
  family: 'mav',
  description: 'Lists the Managed Antivirus scans of one device from the last year, newest first.',
  params: { deviceid: deviceIdParam, v: engineVersionParam },
  permission: null,
  root: 'scans',
  notes:
    'Root <scans> with created/host/status like <result>. v=1 lists VIPRE scans only, v=2 (default) both engines with <engine>. ' +
    'scanstartdatetime / scanenddatetime are agent-local "YYYY-MM-DD HH:MM:SS" (the elapsed time VIPRE appends to running scans is not added).',
  shape: [
    x.list('scan', 'scans', [
      x.int('threateventid', 'Scan id'),
      x.int('deviceid', 'Device id'),
      x.int('status', 'VIPRE: 3 Finished, 4 Canceled, 5 Error, 6 Paused, 7 Running; Bitdefender: 0 Finished Normally, 1 Aborted, 2 Stopped, 3 In Progress'),
      x.str('scantype', 'VIPRE: Quick scan, Deep scan, Active protection, Custom Scan (+ " in progress"); Bitdefender: Active Protection, Quick, Deep, Custom, Behavioral, IDS, Device'),
      x.int('event_type', 'VIPRE: 0 Quick, 1 Deep, 7 Active Protection, 9 Custom; Bitdefender: 1 Active Protection, 2 Quick, 3 Deep, 4 Custom, 5 Behavioral, 6 IDS, 7 Device'),
      x.datetime('scanstartdatetime', 'Start, agent local time'),
      x.datetime('scanenddatetime', 'End, agent local time; empty while running', { canBeEmpty: true }),
      x.int('threat_count', 'Threats found'),
      x.int('trace_count', 'Traces found'),
      x.int('quarantine_count', 'Items quarantined'),
      x.int('cookies_scanned', 'Cookies scanned'),
      x.int('files_scanned', 'Files scanned'),
      x.int('folders_scanned', 'Folders scanned (always 0 for Bitdefender)'),
      x.int('registry_scanned', 'Registry entries scanned'),
      x.int('processes_scanned', 'Processes scanned'),
      x.int('scan_errors', 'Scan errors (always 0 for Bitdefender)'),
      x.str('duration', 'hh:mm:ss; empty while running', { canBeEmpty: true }),
      x.str('engine', 'VIPRE or Bitdefender; only when v>1', { optional: true }),
    ]),
  ],
  async handler(ctx, params) {
    const version = engineVersion(params.v);
    const h = await loadMavHistory(ctx, ctx.caller.scope, params.deviceid, version, epochSeconds(ctx.clock));
    const offset = h.device.utc_offset;
    return {
      scans: h.scans.map((s) => {
        const threats = h.threatsByScan.get(s.id) ?? [];
        const bitdefender = isBitdefender(s.engine);
        return {
          threateventid: s.id,
          deviceid: s.device_id,
          status: scanStatusCode(s.engine, s.state),
          scantype: scanTypeText(s.engine, s.kind, s.state),
          event_type: scanEventType(s.engine, s.kind),
          scanstartdatetime: agentTime(s.started_at, offset),
          scanenddatetime: agentTime(s.ended_at, offset),
          threat_count: threats.length,
          trace_count: threats.reduce((sum, t) => sum + t.trace_count, 0),
          quarantine_count: (h.quarantineByScan.get(s.id) ?? []).length,
          cookies_scanned: s.cookies_scanned,
          files_scanned: s.files_scanned,
          folders_scanned: bitdefender ? 0 : s.folders_scanned,
          registry_scanned: s.registry_scanned,
          processes_scanned: s.processes_scanned,
          scan_errors: bitdefender ? 0 : (h.errorsByScan.get(s.id) ?? []).length,
          duration: scanDuration(s.started_at, s.ended_at),
          engine: version.withEngine ? ENGINE_NAMES[s.engine] : undefined,
        };
      }),
    };
  },
});

export const listMavScans = defineService({
  name: 'list_mav_scans',
  family: 'mav',
  description: 'Lists the Managed Antivirus scans of one device, running or complete, going back up to one year. details=YES adds threats, quarantine and errors.',
  params: {
    deviceid: deviceIdParam,
    details: param.oneOf(['YES', 'NO'], 'YES adds the threats, quarantined items and errors of each scan; NO gives summaries.', { required: true }),
    v: engineVersionParam,
  },
  permission: null,
  notes:
    'details is required and case-sensitive (YES or NO). v=1 lists VIPRE scans only, v=2 (default) both engines with <engine>. ' +
    'Scans are newest first. error_count is sent with details=NO, and also with details=YES for Bitdefender scans when v>1.',
  shape: [
    x.list('scan', 'scans', [
      x.str('type', 'VIPRE: QUICK, DEEP, ACTIVE, CUSTOM; Bitdefender: Active Protection, Quick, Deep, Custom, Behavioral, IDS, Device'),
      x.str('status', 'VIPRE: FINISHED, CANCELED, ERROR, PAUSED, RUNNING; Bitdefender: Scan Finished Normally, Scan Aborted, Scan Stopped, Scan In Progress'),
      x.datetime('start', 'Start (UTC for VIPRE, agent-local for Bitdefender)'),
      x.datetime('end', 'End; only when complete', { optional: true }),
      x.int('cookies_scanned', 'Cookies scanned'),
      x.int('registry_scanned', 'Registry entries scanned'),
      x.int('files_scanned', 'Files scanned'),
      x.int('folders_scanned', 'Folders scanned'),
      x.int('processes_scanned', 'Processes scanned'),
      x.int('threat_count', 'Threats found; details=NO only', { optional: true }),
      x.int('quarantine_count', 'Items quarantined; details=NO only', { optional: true }),
      x.int('error_count', 'Scan errors; details=NO, or Bitdefender with v>1', { optional: true }),
      x.group('threats', [
        x.list('threat', 'items', [
          x.text('name', 'Threat name'),
          x.str('category', 'Threat category'),
          x.str('status', 'VIPRE: QUARANTINED, RELEASE_PENDING, RELEASED, DELETE_PENDING, DELETED, REPORTED, FAILED_TO_*; Bitdefender: Ignored, Detected, Deleted, Blocked, Quarantined, Cleaned'),
          x.group('quarantine', [
            x.list('item', 'items', [
              x.str('guid', 'Quarantine id, for guids= of mav_quarantine_release / _remove'),
              x.int('count', 'Traces quarantined (always 1 for Bitdefender)'),
              x.str('deleted', 'YES or NO'),
              x.str('type', 'Trace type; Bitdefender only', { optional: true }),
              x.text('description', 'Path of the quarantined trace; Bitdefender only', { optional: true }),
            ]),
          ], { key: 'quarantine', optional: true }),
          x.group('traces', [
            x.list('trace', 'items', [
              x.str('type', 'Trace type, e.g. FILE, REGISTRY_ENTRY (VIPRE) or File, Registry (Bitdefender)'),
              x.text('description', 'File name, registry key and value, or process'),
              x.str('status', 'Bitdefender only: Ignored, Detected, Deleted, Blocked, Quarantined, Cleaned', { optional: true }),
            ]),
          ], { key: 'traces' }),
        ]),
      ], { key: 'threats', optional: true }),
      x.group('errors', [
        x.list('error', 'items', [
          x.text('item', 'File name or identifier'),
          x.str('reason', 'Reason code, e.g. DELETE_FILE, OPEN_PROCESS'),
        ]),
      ], { key: 'errors', optional: true }),
      x.str('engine', 'VIPRE or Bitdefender; only when v>1', { optional: true }),
    ]),
  ],
  async handler(ctx, params) {
    const version = engineVersion(params.v);
    const h = await loadMavHistory(ctx, ctx.caller.scope, params.deviceid, version, epochSeconds(ctx.clock));
    const offset = h.device.utc_offset;
    const details = params.details === 'YES';
    return {
      scans: h.scans.map((s) => {
        const threats = h.threatsByScan.get(s.id) ?? [];
        const scanErrors = h.errorsByScan.get(s.id) ?? [];
        const bitdefender = isBitdefender(s.engine);
        return {
          type: scanKindText(s.engine, s.kind),
          status: scanStateText(s.engine, s.state),
          start: scanTime(s.engine, s.started_at, offset),
          end: s.ended_at === null ? undefined : scanTime(s.engine, s.ended_at, offset),
          cookies_scanned: s.cookies_scanned,
          registry_scanned: s.registry_scanned,
          files_scanned: s.files_scanned,
          folders_scanned: s.folders_scanned,
          processes_scanned: s.processes_scanned,
          threat_count: details ? undefined : threats.length,
          quarantine_count: details ? undefined : (h.quarantineByScan.get(s.id) ?? []).length,
          error_count: !details || (bitdefender && version.withEngine) ? scanErrors.length : undefined,
          threats: details && threats.length > 0 ? { items: threats.map((t) => presentThreat(h, t, bitdefender)) } : undefined,
          errors: details && !bitdefender && scanErrors.length > 0 ? { items: scanErrors.map((e) => ({ item: e.item, reason: e.reason })) } : undefined,
          engine: version.withEngine ? ENGINE_NAMES[s.engine] : undefined,
        };
      }),
    };
  },
});

type History = Awaited<ReturnType<typeof loadMavHistory>>;

function presentThreat(h: History, t: History['threats'][number], bitdefender: boolean) {
  const traces = h.tracesByThreat.get(t.id) ?? [];
  const quarantined = h.quarantineByThreat.get(t.id) ?? [];
  const first = traces[0];
  return {
    name: t.name,
    category: t.category,
    status: t.status,
    quarantine:
      quarantined.length > 0
        ? {
            items: quarantined.map((q) => ({
              guid: q.guid,
              count: bitdefender ? 1 : t.trace_count,
              deleted: q.statusid === 5 ? 'YES' : 'NO',
              type: bitdefender ? (first?.trace_type ?? '') : undefined,
              description: bitdefender ? (first?.description ?? '') : undefined,
            })),
          }
        : undefined,
    traces: {
      items: traces.map((r) => ({ type: r.trace_type, description: r.description, status: bitdefender ? r.status : undefined })),
    },
  };
}
