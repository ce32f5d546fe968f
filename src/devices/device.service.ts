import { requireVisible, type Scope } from '../access/scope.js';
import type { DeviceRepository } from './device.repository.js';

export type { DeviceRow, DeviceSummaryRow } from './device.repository.js';

/**
 * Device reads for the Data Extraction API: the repository's scoped reads as they are, and the rule for
 * a device named by a parameter.
 */
export function createDeviceService(devices: Pick<DeviceRepository, 'findVisible' | 'findVisibleMonitored' | 'pagesBySite' | 'pagesBySiteByName' | 'problemDevicesOfClients'>) {
  return {
    ...devices,

    /** The device a parameter (`deviceid` unless named) names when the scope sees it; otherwise error 4 for that parameter. */
    requireVisible: (scope: Scope, deviceId: number, parameter = 'deviceid') => requireVisible(devices.findVisible(scope, deviceId), parameter),

    /** requireVisible reading only the columns list_checks and list_device_monitoring_details show. */
    requireVisibleMonitored: (scope: Scope, deviceId: number) => requireVisible(devices.findVisibleMonitored(scope, deviceId), 'deviceid'),
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
