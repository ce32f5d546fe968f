import { MavEngine } from '../../../mav/mav-codes.js';
import { utcDateTime } from '../../../lib/dates.js';
import { defineService, x, param } from '../../service-spec.js';
import {
  CURRENT_QUARANTINE_STATUSES, ENGINE_NAMES, engineVersion, engineVersionParam, PREVIOUS_QUARANTINE_STATUSES, QUARANTINE_STATUS_TEXT,
  quarantineEventType, quarantineGroup, quarantineStatusWord, scanKindText, scanTime,
} from './mav-presenter.js';

const deviceIdParam = param.id('The deviceid must be a valid id.');

export const mavQuarantineList = defineService({
  name: 'mav_quarantine_list',
  family: 'mav',
  description: 'Lists the threats Managed Antivirus quarantined on one device, current and previous.',
  params: { deviceid: deviceIdParam, v: engineVersionParam },
  permission: null,
  root: 'quarantines',
  notes:
    'Root <quarantines> with created/host/status like <result>. v=1 lists VIPRE items only, v=2 (default) both engines with <engine>. ' +
    'eventDate is UTC "YYYY-MM-DD HH:MM:SS"; items are in the order they were quarantined.',
  shape: [
    x.list('quarantine', 'items', [
      x.str('quarantineguid', 'GUID (VIPRE) or integer id (Bitdefender); pass to guids='),
      x.int('statusid', '1 Quarantined, 2 Release pending, 3 Released, 4 Delete pending, 5 Deleted, 6 Reported, 7 Failed to quarantine, 8 Failed to release, 9 Failed to delete'),
      x.int('group', '0 = currently quarantined (including pending or failed release/removal), 1 = not currently quarantined'),
      x.str('quarantineStatus', 'Text of statusid'),
      x.datetime('eventDate', 'Time of the event (UTC)'),
      x.text('threatName', 'Threat name; may be empty', { canBeEmpty: true }),
      x.int('traces', 'Number of traces (always 1 for Bitdefender)'),
      x.str('eventtype', 'Scan that quarantined it, e.g. Quick Scan (VIPRE) or Quick (Bitdefender)'),
      x.str('engine', 'VIPRE or Bitdefender; only when v>1', { optional: true }),
    ]),
  ],
  async handler({ caller, devices, mav }, params) {
    const version = engineVersion(params.v);
    const device = await devices.requireVisible(caller.scope, params.deviceid);
    const rows = await mav.quarantine(caller.scope, device.id, version.engines, null);
    return {
      items: rows.map((q) => ({
        quarantineguid: q.guid,
        statusid: q.statusid,
        group: quarantineGroup(q.statusid),
        quarantineStatus: QUARANTINE_STATUS_TEXT[q.statusid] ?? '',
        eventDate: utcDateTime(q.event_at),
        threatName: q.threat_name,
        traces: q.engine === MavEngine.bitdefender ? 1 : q.trace_count,
        eventtype: quarantineEventType(q.engine, q.kind),
        engine: version.withEngine ? ENGINE_NAMES[q.engine] : undefined,
      })),
    };
  },
});

export const listMavQuarantine = defineService({
  name: 'list_mav_quarantine',
  family: 'mav',
  description: 'Lists the contents of the Managed Antivirus quarantine of one device: current items (default), previous items, or all.',
  params: {
    deviceid: deviceIdParam,
    items: param.oneOf(['CURRENT', 'PREVIOUS', 'ALL'], 'Which items: CURRENT (still quarantined), PREVIOUS (released or deleted) or ALL.', { default: 'CURRENT' }),
    v: engineVersionParam,
  },
  permission: null,
  notes:
    'items is case-sensitive. CURRENT holds statusids 1, 2, 4, 8, 9 (quarantined, pending or failed release/removal); PREVIOUS 3, 5, 6, 7. ' +
    'quarantine_id is the guid for Bitdefender and Sightline\'s own id for VIPRE. Bitdefender sends one trace.',
  shape: [
    x.list('quarantined_item', 'items', [
      x.str('quarantine_id', 'Quarantine id (Bitdefender: same as guid)'),
      x.datetime('scan_start', 'Start of the scan that quarantined it (VIPRE UTC; Bitdefender agent-local)', { canBeEmpty: true }),
      x.datetime('scan_end', 'End of that scan', { canBeEmpty: true }),
      x.str('guid', 'Device quarantine id, for guids= of mav_quarantine_release / _remove'),
      x.text('threat_name', 'Threat name'),
      x.str('threat_category', 'Threat category'),
      x.str('status', 'VIPRE: QUARANTINED, RELEASE_PENDING, DELETE_PENDING, FAILED_TO_RELEASE, FAILED_TO_DELETE, RELEASED, DELETED, REPORTED, FAILED_TO_QUARANTINE; Bitdefender: Quarantined, Deleted, Restored'),
      x.str('scan_type', 'VIPRE: QUICK, DEEP, ACTIVE, CUSTOM; Bitdefender: Active Protection, Quick, Deep, Custom, Behavioral, IDS'),
      x.group('traces', [
        x.list('trace', 'items', [
          x.str('type', 'Trace type (see list_mav_scans)'),
          x.text('description', 'File name, registry key or process'),
        ]),
      ], { key: 'traces' }),
      x.str('engine', 'VIPRE or Bitdefender; only when v>1', { optional: true }),
    ]),
  ],
  async handler({ caller, devices, mav }, params) {
    const version = engineVersion(params.v);
    const device = await devices.requireVisible(caller.scope, params.deviceid);
    const which = params.items ?? 'CURRENT';
    const statusIds = which === 'ALL' ? null : which === 'CURRENT' ? CURRENT_QUARANTINE_STATUSES : PREVIOUS_QUARANTINE_STATUSES;
    const rows = await mav.quarantine(caller.scope, device.id, version.engines, statusIds);
    const traces = await mav.tracesOf(caller.scope, rows.map((q) => q.threat_id));
    return {
      items: rows.map((q) => {
        const bitdefender = q.engine === MavEngine.bitdefender;
        const own = traces.filter((r) => r.threat_id === q.threat_id);
        return {
          quarantine_id: bitdefender ? q.guid : String(q.id),
          scan_start: scanTime(q.engine, q.started_at, device.utc_offset),
          scan_end: scanTime(q.engine, q.ended_at, device.utc_offset),
          guid: q.guid,
          threat_name: q.threat_name,
          threat_category: q.threat_category,
          status: quarantineStatusWord(q.engine, q.statusid),
          scan_type: scanKindText(q.engine, q.kind),
          traces: { items: (bitdefender ? own.slice(0, 1) : own).map((r) => ({ type: r.trace_type, description: r.description })) },
          engine: version.withEngine ? ENGINE_NAMES[q.engine] : undefined,
        };
      }),
    };
  },
});
