import { mapPages } from '../pages.js';
import type { DeviceType } from '../../../devices/device-type.js';
import { defineService, x, param } from '../../service-spec.js';
import { deviceListFields, presentDeviceForList } from './device-presenter.js';

function siteDeviceService(deviceType: Extract<DeviceType, 'server' | 'workstation'>, plural: string) {
  return defineService({
    name: `list_${plural}`,
    family: 'devices',
    description: `Lists all ${deviceType} monitoring devices at a site, with top-level asset data where present.`,
    params: { siteid: param.id('The siteid must be a valid id.') },
    permission: null,
    notes:
      'Element order follows the documented example up to local_date_247, then PY/GOSW. assetid equals the device id (one asset per device in Sightline). miss_factor_247, the overdue alert flags and remote_* are constant or empty: Sightline has no such settings yet.',
    shape: [x.items(deviceType, deviceListFields(deviceType === 'server' ? 'serverid' : 'workstationid'))],
    async handler({ caller, sites, devices }, params) {
      const site = await sites.requireVisible(caller.scope, params.siteid);
      return { items: mapPages(devices.pagesBySite(caller.scope, site.id, deviceType), presentDeviceForList) };
    },
  });
}


export const listServers = siteDeviceService('server', 'servers');
export const listWorkstations = siteDeviceService('workstation', 'workstations');

export const listAgentlessAssets = defineService({
  name: 'list_agentless_assets',
  family: 'devices',
  description: 'Lists the agentless and mini-agent asset devices at a site (a deprecated feature: always empty).',
  params: { siteid: param.id('The siteid must be a valid id.') },
  permission: null,
  notes: 'The feature is deprecated in N-sight and a live account answered an empty <items/>; Sightline does the same for any visible site.',
  shape: [x.group('items', [])],
  async handler({ caller, sites }, params) {
    await sites.requireVisible(caller.scope, params.siteid);
    return {};
  },
});
