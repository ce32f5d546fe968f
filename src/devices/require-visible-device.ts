import type { Scope } from '../access/scope.js';
import { errors } from '../errors.js';
import type { Repositories } from '../repositories.js';
import type { DeviceRow } from './device.repository.js';

/**
 * The device a parameter names when the caller's scope sees it; otherwise "Invalid value for parameter:
 * NAME", the same answer as for an id that does not exist, so scope cannot be probed.
 */
export async function requireVisibleDevice(repos: Repositories, scope: Scope, deviceId: number, parameter = 'deviceid'): Promise<DeviceRow> {
  const device = await repos.devices.findVisible(scope, deviceId);
  if (!device) throw errors.invalidValue(parameter);
  return device;
}
