import { utcDateTime } from '../../../lib/dates.js';
import { defineService, x, param } from '../../service-spec.js';

/** userAccountControl of a normal account, and of one with ACCOUNTDISABLE (0x2) set. */
const UAC_ENABLED = 512;
const UAC_DISABLED = 514;

export const listActiveDirectoryUsers = defineService({
  name: 'list_active_directory_users',
  family: 'other',
  description: 'Lists the Active Directory users found at one site.',
  params: { siteid: param.id('The siteid must be a valid id.') },
  permission: null,
  notes:
    'UNVERIFIED container: result>items[@count]>user[@objectGUID,@status,@device]. N-sight sends one child per AD attribute selected in the dashboard; ' +
    'Sightline sends a fixed set named as the LDAP attributes: sAMAccountName, displayName, mail, department, title, lastLogon (UTC "YYYY-MM-DD HH:MM:SS", empty when never) and userAccountControl (512 enabled, 514 disabled).',
  shape: [
    x.group('items', [
      x.list('user', 'users', [
        x.str('sAMAccountName', 'Logon name'),
        x.text('displayName', 'Display name', { canBeEmpty: true }),
        x.str('mail', 'Email address', { canBeEmpty: true }),
        x.text('department', 'Department', { canBeEmpty: true }),
        x.text('title', 'Job title', { canBeEmpty: true }),
        x.datetime('lastLogon', 'Last logon (UTC); empty when never', { canBeEmpty: true }),
        x.int('userAccountControl', '512 enabled, 514 disabled'),
      ], { attributes: [{ name: 'objectGUID' }, { name: 'status' }, { name: 'device' }] }),
    ], { attributes: [{ name: 'count' }] }),
  ],
  async handler({ caller, sites, adUsers }, params) {
    const site = await sites.requireVisible(caller.scope, params.siteid);
    const rows = await adUsers.listBySite(caller.scope, site.id);
    return {
      count: rows.length,
      users: rows.map((u) => ({
        objectGUID: u.object_guid,
        status: u.status,
        device: u.device_id,
        sAMAccountName: u.samaccountname,
        displayName: u.displayname,
        mail: u.mail,
        department: u.department,
        title: u.title,
        lastLogon: utcDateTime(u.last_logon_at),
        userAccountControl: u.enabled ? UAC_ENABLED : UAC_DISABLED,
      })),
    };
  },
});
