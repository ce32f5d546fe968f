import { errors } from '../../../errors.js';
import { defineService, x, param } from '../../service-spec.js';
import { onePage } from '../pages.js';

export const listLicenseGroups = defineService({
  name: 'list_license_groups',
  family: 'assets',
  description: 'Lists every software license group of the account.',
  params: {},
  permission: null,
  notes:
    'UNVERIFIED children: license_group_id, name and item_count (the number of software titles in the group). License groups belong to the account, so every key of the account sees all of them.',
  shape: [
    x.items('license_group', [
      x.int('license_group_id', 'Unique identifier of the license group (license_group_id / groupid elsewhere)'),
      x.text('name', 'Name of the license group'),
      x.int('item_count', 'Number of software titles in the group'),
    ]),
  ],
  async handler({ caller, assets }) {
    const rows = await assets.licenseGroups(caller.scope);
    return { items: onePage(rows.map((g) => ({ license_group_id: g.id, name: g.name, item_count: g.item_count }))) };
  },
});

export const listLicenseGroupItems = defineService({
  name: 'list_license_group_items',
  family: 'assets',
  description: 'Lists the software titles in one license group.',
  params: {
    license_group_id: param.id('The license group (from list_license_groups). Either this or groupid is required.', false),
    groupid: param.id('Alternative name of license_group_id, as some clients send it.', false),
  },
  permission: null,
  notes:
    'Accepts license_group_id or groupid (the sources disagree); when both are sent, license_group_id wins. ' +
    'UNVERIFIED children: license_group_id, catalogid, name and publisher, ordered by name.',
  shape: [
    x.items('license_group_item', [
      x.int('license_group_id', 'The license group'),
      x.int('catalogid', 'Global identifier of the software title'),
      x.text('name', 'Software title'),
      x.text('publisher', 'Publisher; may be empty', { canBeEmpty: true }),
    ]),
  ],
  async handler({ caller, assets }, params) {
    const groupId = params.license_group_id ?? params.groupid;
    if (groupId === undefined) throw errors.missingParameter('license_group_id');
    const group = await assets.findLicenseGroup(caller.scope, groupId);
    if (!group) throw errors.invalidValue(params.license_group_id === undefined ? 'groupid' : 'license_group_id');
    const rows = await assets.licenseGroupItems(caller.scope, group.id);
    return {
      items: onePage(rows.map((r) => ({ license_group_id: r.license_group_id, catalogid: r.catalog_id, name: r.name, publisher: r.publisher }))),
    };
  },
});

export const listClientLicenseCount = defineService({
  name: 'list_client_license_count',
  family: 'assets',
  description: 'Lists the software license counts of one client: licenses owned and in use per license group.',
  params: { clientid: param.id('The clientid must be a valid id.') },
  permission: null,
  notes: 'installed counts the client\'s devices with at least one title of the license group installed.',
  shape: [
    x.items('license_count', [
      x.text('name', 'License group name; may be empty', { canBeEmpty: true }),
      x.str('count', 'Licenses owned'),
      x.int('license_count_id', 'Unique identifier of this license count'),
      x.str('swgrpid', 'Software license group id'),
      x.int('installed', 'Licenses in use'),
    ]),
  ],
  async handler({ caller, clients, assets }, params) {
    const client = await clients.requireVisible(caller.scope, params.clientid);
    const rows = await assets.clientLicenseCounts(caller.scope, client.id);
    return {
      items: onePage(rows.map((r) => ({ name: r.name, count: r.owned, license_count_id: r.id, swgrpid: String(r.license_group_id), installed: r.installed }))),
    };
  },
});
