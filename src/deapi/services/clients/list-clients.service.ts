import { defineService, x, param } from '../../service-spec.js';
import { DEVICE_TYPES } from '../../../devices/device-type.js';

export const listClients = defineService({
  name: 'list_clients',
  family: 'clients',
  description: 'Lists all clients visible to the API key, with their device counts.',
  params: {
    devicetype: param.oneOf(DEVICE_TYPES, 'Optional. Only clients with active devices of this type.'),
  },
  permission: null,
  notes:
    'Without devicetype every visible client is listed (what every documented example and real client shows), not only those with servers.',
  shape: [
    x.items('client', [
      x.text('name', 'Client name', { canBeEmpty: true }),
      x.int('clientid', 'Unique identifier of the client', { key: 'id' }),
      x.flag('view_dashboard', 'Client dashboard access enabled (0/1)'),
      x.flag('view_wkstsn_assets', 'With dashboard access, whether the client sees workstations and assets (1) or servers only (0)'),
      x.str('dashboard_username', 'Classic client dashboard login, if any', { canBeEmpty: true }),
      x.str('timezone', 'Client timezone, when it differs from the account', { canBeEmpty: true }),
      x.date('creation_date', 'Date the client was created (YYYY-MM-DD)', { canBeEmpty: true }),
      x.int('server_count', 'Number of active servers'),
      x.int('workstation_count', 'Number of active workstations'),
      x.int('mobile_device_count', 'Number of active mobile devices'),
      x.int('device_count', 'Total number of active devices'),
    ]),
  ],
  async handler({ caller, clients }, params) {
    return { items: clients.pages(caller.scope, params.devicetype) };
  },
});
