import type { Scope } from '../access/scope.js';
import { errors } from '../errors.js';
import type { DeviceRepository, DeviceRow } from './device.repository.js';

export type { DeviceRow, DeviceSummaryRow } from './device.repository.js';

/**
 * Device reads for the Data Extraction API: the repository's scoped reads as they are, and the rule for
 * a device named by a parameter.
 */
export function createDeviceService(devices: Pick<DeviceRepository, 'findVisible' | 'pagesBySite' | 'pagesBySiteByName' | 'problemDevicesOfClient'>) {
  return {
    ...devices,

    /**
     * The device a parameter names when the caller's scope sees it; otherwise "Invalid value for parameter:
     * NAME", the same answer as for an id that does not exist, so scope cannot be probed.
     */
    async requireVisible(scope: Scope, deviceId: number, parameter = 'deviceid'): Promise<DeviceRow> {
      const device = await devices.findVisible(scope, deviceId);
      if (!device) throw errors.invalidValue(parameter);
      return device;
    },
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
