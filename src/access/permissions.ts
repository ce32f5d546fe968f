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

/**
 * The permission an API call needs: its service's own, or Devices for a read (a service declaring none).
 * Every read answers fleet data (clients, sites, devices and what hangs below them) that the dashboard
 * shows only to roles allowing Devices, so a personal key never reads what the dashboard refuses its user
 * (a Client role allows nothing unless a custom role adds Devices). The account key acts as the Agent Key,
 * whose role allows every permission, so nothing changes for it.
 */
export function apiPermissionOf(service: { readonly permission: string | null }): string {
  return service.permission ?? Permission.devices;
}
