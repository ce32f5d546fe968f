import { epochSeconds } from '../../../lib/clock.js';
import { utcDateTime } from '../../../lib/dates.js';
import { CheckFrequency } from '../../../checks/check-status.js';
import { checkStatusText } from '../checks/check-presenter.js';
import { OUTAGE_RETENTION_SECONDS } from '../checks/list-outages.service.js';
import { defineService, x, param, type DataOf } from '../../service-spec.js';

const deviceChildren = [
  x.int('id', 'Device id'),
  x.text('name', 'Device name'),
  x.text('description', 'Dashboard description', { canBeEmpty: true }),
  x.text('username', 'Last logged-on user', { canBeEmpty: true }),
  x.str('guid', 'Agent GUID', { canBeEmpty: true }),
  x.str('os', 'Operating system'),
  x.str('agent', 'Agent version'),
  x.datetime('lastresponse', 'Last upload (UTC, YYYY-MM-DD HH:MM:SS)', { canBeEmpty: true }),
  x.str('lastboot', 'Last boot (UTC, YYYY-MM-DD HH:MM:SS)', { canBeEmpty: true }),
  x.group('checks', [
    x.list('check', 'items', [
      x.int('checkid', 'Check id'),
      x.int('dsc_247', '1 = Daily Safety Check, 2 = 24x7'),
      x.text('description', 'Check description'),
      x.str('checkstatus', 'testok, testerror, testcleared or testnotrun'),
      x.text('extra', 'Extra result detail', { canBeEmpty: true }),
      x.datetime('datetime', 'Last run (UTC)', { canBeEmpty: true }),
      x.int('consecutive_fails', 'Consecutive failures'),
      x.flag('emailalerts', 'Email alert on failure'),
      x.flag('smsalerts', 'SMS alert on failure'),
      x.flag('emailrecoveryalerts', 'Email alert on recovery'),
      x.flag('smsrecoveryalerts', 'SMS alert on recovery'),
      x.datetime('servertime', 'Time the server received the result (UTC)', { canBeEmpty: true }),
    ]),
  ], { key: 'checks', attributes: [{ name: 'count' }] }),
  x.group('outages', [
    x.list('outage', 'items', [
      x.int('id', 'Outage id'),
      x.int('checkid', 'Check id (0 for device outages)'),
      x.int('descriptorid', 'Check type code'),
      x.flag('clearcheck', 'Check cleared'),
      x.str('checkstatusicon', 'Status icon name'),
      x.str('frequencyicon', 'Frequency icon name'),
      x.str('typeicon', 'Type icon name'),
      x.text('description', 'Outage description'),
      x.int('duration', 'Duration, seconds (to now when open)'),
      x.str('psaticketstatus', 'PSA ticket status', { canBeEmpty: true }),
      x.int('psaticketstatusid', 'PSA ticket status id'),
      x.datetime('startdate', 'Start (UTC)'),
      x.datetime('enddate', 'End (UTC); empty when open', { canBeEmpty: true }),
      x.text('failreason', 'Failure reason', { canBeEmpty: true }),
      x.flag('isclosed', 'Outage closed'),
    ]),
  ], { key: 'outages' }),
  x.group('notes', [
    x.list('note', 'items', [
      x.int('noteid', 'Note id'),
      x.datetime('created', 'Created (UTC)'),
      x.text('description', 'Check description the note belongs to'),
      x.text('devicename', 'Device name'),
      x.int('checkdescriptorid', 'Check type code'),
      x.text('checkdescription', 'Check description'),
      x.text('note', 'Private (technical) note', { canBeEmpty: true }),
      x.text('public_note', 'Public (customer-facing) note', { canBeEmpty: true }),
    ]),
  ], { key: 'notes' }),
  x.flag('takecontrol', 'Take Control enabled'),
  x.flag('patch', 'Patch Management enabled'),
  x.flag('mav', 'Managed Antivirus enabled'),
  x.flag('mob', 'Backup & Recovery enabled'),
  x.flag('systray', 'System tray icon enabled'),
  x.flag('mavbreck', 'Legacy Managed Antivirus engine'),
] as const;

export const listDeviceMonitoringDetails = defineService({
  name: 'list_device_monitoring_details',
  family: 'devices',
  description: 'Returns all monitoring information for one device: its checks, outages and notes.',
  params: { deviceid: param.id('The deviceid must be a valid id.') },
  permission: null,
  notes:
    'The device element is <server> or <workstation> (<mobile_device> for mobile devices), directly under <result>. The outage and note field sets follow the WLA fixtures (unverified).',
  shape: [
    x.group('server', deviceChildren, { key: 'server', optional: true }),
    x.group('workstation', deviceChildren, { key: 'workstation', optional: true }),
    x.group('mobile_device', deviceChildren, { key: 'mobile_device', optional: true }),
  ],
  async handler({ caller, devices, checks: checkService, outages: outageService, clock }, params) {
    const d = await devices.requireVisibleMonitored(caller.scope, params.deviceid);
    const now = epochSeconds(clock);
    const [checks, outages, notes] = await Promise.all([
      checkService.resultsByDevice(caller.scope, d.id),
      outageService.listByDevice(caller.scope, d.id, now - OUTAGE_RETENTION_SECONDS),
      checkService.notesByDevice(caller.scope, d.id),
    ]);
    // Typed here: the element name is the device type, so the answer's own key is computed.
    const device: DataOf<typeof deviceChildren> = {
      id: d.id,
      name: d.name,
      description: d.description,
      username: d.username,
      guid: d.guid,
      os: d.os,
      agent: d.agent_version,
      lastresponse: utcDateTime(d.last_response_at),
      lastboot: utcDateTime(d.last_boot_at),
      checks: {
        count: checks.length,
        items: checks.map((k) => ({
          checkid: k.id,
          dsc_247: k.dsc_247,
          description: k.description,
          checkstatus: checkStatusText(k.statusid),
          extra: k.extra,
          datetime: utcDateTime(k.last_run_at),
          consecutive_fails: k.consecutive_fails,
          emailalerts: k.email,
          smsalerts: k.sms,
          emailrecoveryalerts: k.emailrecovery,
          smsrecoveryalerts: k.smsrecovery,
          servertime: utcDateTime(k.last_run_at),
        })),
      },
      outages: {
        items: outages.map((o) => ({
          id: o.id,
          checkid: o.check_id ?? 0,
          descriptorid: o.check_type ?? 0,
          clearcheck: 0,
          checkstatusicon: o.ended_at === null ? 'fail' : 'pass',
          frequencyicon: o.check_id === null ? 'device' : o.dsc_247 === CheckFrequency.dsc ? 'dsc' : '247',
          typeicon: o.reason === 'DEVICE_OVERDUE' ? 'overdue' : 'check',
          description: o.check_description ?? (o.reason === 'DEVICE_OVERDUE' ? 'Device overdue' : o.reason),
          duration: (o.ended_at ?? now) - o.started_at,
          psaticketstatus: '',
          psaticketstatusid: 0,
          startdate: utcDateTime(o.started_at),
          enddate: utcDateTime(o.ended_at),
          failreason: o.cause,
          isclosed: o.ended_at === null ? 0 : 1,
        })),
      },
      notes: {
        items: notes.map((n) => ({
          noteid: n.id,
          created: utcDateTime(n.created_at),
          description: n.check_description,
          devicename: d.name,
          checkdescriptorid: n.check_type,
          checkdescription: n.check_description,
          note: n.private_note,
          public_note: n.public_note,
        })),
      },
      takecontrol: d.takecontrol,
      patch: d.patch,
      mav: d.mav,
      mob: d.mob,
      systray: d.systray,
      mavbreck: d.mavbreck,
    };
    return { [d.device_type]: device };
  },
});
