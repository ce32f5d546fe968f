import type { DeviceRow } from '../../../devices/device.service.js';
import { shiftedParts, utcDateTime, ZERO_DATETIME } from '../../../lib/dates.js';
import { x } from '../../service-spec.js';

/** Device fields of list_servers / list_workstations, in the order of the documented example and then PY/GOSW. */
export function deviceListFields(idElement: 'serverid' | 'workstationid') {
  return [
    x.str('guid', 'Agent GUID', { canBeEmpty: true }),
    x.text('name', 'Device name'),
    x.text('description', 'Dashboard description', { canBeEmpty: true }),
    x.date('install_date', 'Agent install date (YYYY-MM-DD)'),
    x.str('last_boot_time', 'Last boot, epoch seconds, or "Not Available"'),
    x.flag('dsc_active', 'Daily Safety Checks active'),
    x.str('atz_dst_date', 'Agent timezone daylight-saving start'),
    x.datetime('utc_apt', 'Agent-perceived UTC time of the last upload (YYYY-MM-DD HH:MM:SS)', { canBeEmpty: true }),
    x.int('utc_offset', 'Offset of the device clock from UTC, seconds'),
    x.text('user', 'Last logged-on user (DOMAIN\\user)', { key: 'username', canBeEmpty: true }),
    x.str('domain', 'Windows domain', { canBeEmpty: true }),
    x.str('manufacturer', 'Hardware manufacturer', { canBeEmpty: true }),
    x.str('model', 'Hardware model', { canBeEmpty: true }),
    x.str('ip', 'Internal IP address', { canBeEmpty: true }),
    x.str('external_ip', 'External IP address', { canBeEmpty: true }),
    x.str('mac1', 'First MAC address', { canBeEmpty: true }),
    x.str('mac2', 'Second MAC address', { canBeEmpty: true }),
    x.str('mac3', 'Third MAC address', { canBeEmpty: true }),
    x.str('os', 'Operating system'),
    x.str('os_details', 'Operating system details', { canBeEmpty: true }),
    x.int(idElement, 'Device id (deviceid)', { key: 'id' }),
    x.str('agent_version', 'Agent version, e.g. 10_13_8'),
    x.int('agent_mode', 'Agent mode'),
    x.flag('online', 'Device online'),
    x.flag('active_247', '24x7 checks active'),
    x.int('check_interval_247', '24x7 check interval, minutes'),
    x.int('status_247', 'Number of active 24x7 checks'),
    x.date('local_date_247', 'Device-local date of the last 24x7 upload', { canBeEmpty: true }),
    x.str('local_time_247', 'Device-local time of the last 24x7 upload (HH:MM:SS)', { canBeEmpty: true }),
    x.str('utc_time_247', 'UTC time of the last 24x7 upload (HH:MM:SS)', { canBeEmpty: true }),
    x.int('dsc_hour', 'Hour the Daily Safety Check runs'),
    x.int('dsc_status', 'Daily Safety Check status'),
    x.date('dsc_local_date', 'Device-local date of the last Daily Safety Check', { canBeEmpty: true }),
    x.str('dsc_local_time', 'Device-local time of the last Daily Safety Check', { canBeEmpty: true }),
    x.str('dsc_utc_time', 'UTC time of the last Daily Safety Check', { canBeEmpty: true }),
    x.int('tz_bias', 'Timezone bias, minutes'),
    x.int('tz_dst_bias', 'Daylight-saving bias, minutes'),
    x.int('tz_std_bias', 'Standard-time bias, minutes'),
    x.int('tz_mode', 'Timezone mode'),
    x.str('tz_dst_date', 'Daylight-saving start'),
    x.str('tz_std_date', 'Standard-time start'),
    x.int('assetid', 'Asset id for list_all_hardware / list_all_software'),
    x.str('wins_name', 'WINS (NetBIOS) name', { canBeEmpty: true }),
    x.int('role', 'Asset role'),
    x.int('chassis_type', 'Chassis type (3 desktop, 10 laptop, …)'),
    x.str('device_serial', 'Hardware serial number', { canBeEmpty: true }),
    x.int('processor_count', 'Number of processors'),
    x.int('total_memory', 'Total memory, bytes'),
    x.str('service_pack', 'Service pack', { canBeEmpty: true }),
    x.str('os_serial_number', 'Operating system serial number', { canBeEmpty: true }),
    x.str('os_product_key', 'Operating system product key', { canBeEmpty: true }),
    x.int('os_type', 'Operating system type'),
    x.datetime('last_scan_time', 'Last asset scan (YYYY-MM-DD HH:MM:SS, 0000-00-00 00:00:00 if never)'),
    x.int('miss_factor_247', 'Missed 24x7 uploads before the device counts as overdue'),
    x.flag('email_overdue_alert', 'Email alert when overdue'),
    x.flag('sms_overdue_alert', 'SMS alert when overdue'),
    x.flag('missed_247', 'The device has missed its 24x7 upload (overdue)'),
    x.str('remote_connection_type', 'Remote connection type', { canBeEmpty: true }),
    x.str('remote_address', 'Remote connection address', { canBeEmpty: true }),
    x.str('remote_port', 'Remote connection port', { canBeEmpty: true }),
    x.str('remote_username', 'Remote connection user name', { canBeEmpty: true }),
    x.str('remote_domain', 'Remote connection domain', { canBeEmpty: true }),
  ] as const;
}

/** Turns a stored device into the values of deviceListFields: the row read for this call gets the derived values (not copied). */
export function presentDeviceForList(d: DeviceRow) {
  const last = d.last_response_at;
  const local247 = last === null ? undefined : shiftedParts(last, d.utc_offset);
  const dsc = last === null ? undefined : lastDailySafetyCheck(last, d.utc_offset, d.dsc_hour);
  return Object.assign(d, {
    last_boot_time: d.last_boot_at === null ? 'Not Available' : d.last_boot_at,
    atz_dst_date: d.tz_dst_date,
    utc_apt: utcDateTime(last),
    local_date_247: local247?.date,
    local_time_247: local247?.time,
    utc_time_247: last === null ? '' : utcDateTime(last).slice(11),
    dsc_local_date: dsc?.local.date,
    dsc_local_time: dsc?.local.time,
    dsc_utc_time: dsc?.utc,
    assetid: d.id,
    last_scan_time: utcDateTime(d.last_scan_at, ZERO_DATETIME),
    miss_factor_247: 2,
    email_overdue_alert: 1,
    sms_overdue_alert: 0,
    missed_247: d.overdue_since === null ? 0 : 1,
    remote_connection_type: '',
    remote_address: '',
    remote_port: '',
    remote_username: '',
    remote_domain: '',
  });
}

/** The most recent device-local `dsc_hour:00` at or before the last upload. */
function lastDailySafetyCheck(lastResponse: number, utcOffset: number, dscHour: number) {
  const localNow = lastResponse + utcOffset;
  let localRun = Math.floor(localNow / 86400) * 86400 + dscHour * 3600;
  if (localRun > localNow) localRun -= 86400;
  const utcRun = localRun - utcOffset;
  return { local: shiftedParts(utcRun, utcOffset), utc: utcDateTime(utcRun).slice(11) };
}
