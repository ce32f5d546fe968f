import { defineService, x, param } from '../../service-spec.js';

export const listSites = defineService({
  name: 'list_sites',
  family: 'clients',
  description: 'Lists all sites for a client.',
  params: {
    clientid: param.id('The clientid must be a valid id.'),
  },
  permission: null,
  shape: [
    x.items('site', [
      x.int('siteid', 'Unique identifier of site', { key: 'id' }),
      x.text('name', 'Name of the site'),
      x.flag('connection_ok', 'When a server at the site stops reporting, whether the site itself still answers ping (1 = reachable)'),
      x.date('creation_date', 'Date the site was created (YYYY-MM-DD)', { canBeEmpty: true }),
      x.str('primary_router', 'Primary router IP or host name for the Data Overdue Cross Check', { canBeEmpty: true }),
      x.str('secondary_router', 'Secondary router IP or host name (dual routing)', { canBeEmpty: true }),
    ]),
  ],
  async handler({ caller, clients, sites }, params) {
    const client = await clients.requireVisible(caller.scope, params.clientid);
    return { items: sites.pagesByClient(caller.scope, client.id) };
  },
});
