/**
 * Permission names of N-sight's Roles & Permissions page (access-model.md), as used by `ServiceSpec.permission`.
 */
export const Permission = {
  generalSettings: 'General Settings',
  userAccounts: 'User Accounts',
  security: 'Security',
  rolesAndPermissions: 'Roles & Permissions',
  clientGroups: 'Client groups',
  clients: 'Clients',
  sites: 'Sites',
  devices: 'Devices',
  downloadAndInstall: 'Download & Install',
  siteInstallationPackage: 'Site Installation Package',
  agentAutoUpdateSettings: 'Agent Auto-update Settings',
} as const;

export type Permission = (typeof Permission)[keyof typeof Permission];

export const ALL_PERMISSIONS: ReadonlySet<string> = new Set(Object.values(Permission));
