import { defineService, x, param } from '../../service-spec.js';

export const listTemplates = defineService({
  name: 'list_templates',
  family: 'checks',
  description: 'Lists the account\'s server or workstation monitoring templates (ids and names, for add_site).',
  params: { devicetype: param.oneOf(['server', 'workstation'], 'Optional. server or workstation; without it both are listed.') },
  permission: null,
  notes: 'Without devicetype both kinds are listed, in id order. Templates belong to the account, so every key of the account sees all of them whatever its client group.',
  shape: [x.items('installation_template', [x.int('templateid', 'Template id (add_site workstationtemplate / servertemplate)'), x.text('name', 'Template name')])],
  async handler({ caller, templates }, params) {
    const rows = await templates.listByAccount(caller.scope.accountId, params.devicetype);
    return { items: [rows.map((t) => ({ templateid: t.id, name: t.name }))] };
  },
});
