import { describe, expect, it } from 'vitest';
import { DeviceStatus, deviceStatus } from './device-status.js';

const OVERDUE_SINCE = 1_790_000_000;
const MAINTENANCE = 'offline - maintenance mode';

describe('deviceStatus', () => {
  it.each([
    // failing checks, overdue, offline → status
    [0, false, false, DeviceStatus.ok],
    [0, false, true, DeviceStatus.offline],
    [0, true, false, DeviceStatus.overdue],
    [0, true, true, DeviceStatus.overdue],
    [2, false, false, DeviceStatus.failed],
    [1, false, true, DeviceStatus.failed],
    [1, true, false, DeviceStatus.failed],
    [1, true, true, DeviceStatus.failed],
  ])('with %i failing checks, overdue %s, offline %s: %s', (failing, overdue, offline, expected) => {
    const device = { overdue_since: overdue ? OVERDUE_SINCE : null, offline_reason: offline ? MAINTENANCE : null };
    expect(deviceStatus(device, failing)).toBe(expected);
  });

  it('counts an offline reason that is empty text as offline (only null means online)', () => {
    expect(deviceStatus({ overdue_since: null, offline_reason: '' }, 0)).toBe(DeviceStatus.offline);
  });
});
