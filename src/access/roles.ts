import { Permission } from './permissions.js';

/**
 * System roles and their default permissions (access-model.md). Custom roles (derived from one of these
 * with Allow/Deny per permission) live in the database and are resolved by the access service.
 */
export const SystemRole = {
  superuser: 'superuser',
  administrator: 'administrator',
  administratorClassic: 'administrator-classic',
  standard: 'standard',
  standardClassic: 'standard-classic',
  client: 'client',
  /** The built-in Agent Key user's fixed role: full access, never assignable to anyone else. */
  agentKey: 'agent-key',
} as const;

export type SystemRole = (typeof SystemRole)[keyof typeof SystemRole];

export const ROLE_LABELS: Record<SystemRole, string> = {
  superuser: 'Superuser',
  administrator: 'Administrator',
  'administrator-classic': 'Administrator (Classic)',
  standard: 'Standard',
  'standard-classic': 'Standard (Classic)',
  client: 'Client',
  'agent-key': 'Agent Key',
};

const ALL = Object.values(Permission);
/** Administrator: General Settings, Clients, Sites, Devices and the Agents group; not the Users group. */
const ADMINISTRATOR: Permission[] = [
  Permission.generalSettings, Permission.clients, Permission.sites, Permission.devices,
  Permission.downloadAndInstall, Permission.siteInstallationPackage, Permission.agentAutoUpdateSettings,
];

export const DEFAULT_PERMISSIONS: Record<SystemRole, readonly Permission[]> = {
  superuser: ALL,
  administrator: ADMINISTRATOR,
  // Classic Administrator's General Settings covers only Company and Office Hours, so no API page.
  'administrator-classic': ADMINISTRATOR,
  standard: [Permission.devices],
  'standard-classic': [Permission.devices],
  client: [],
  'agent-key': ALL,
};

export function isSystemRole(role: string): role is SystemRole {
  return Object.values(SystemRole).includes(role as SystemRole);
}

/** Roles a user may be given by name on the command line or in the dashboard (never the Agent Key's). */
export const ASSIGNABLE_SYSTEM_ROLES: readonly SystemRole[] = [
  SystemRole.superuser, SystemRole.administrator, SystemRole.administratorClassic,
  SystemRole.standard, SystemRole.standardClassic, SystemRole.client,
];

/** The `users.role` value of a user holding a custom role (the role itself is `custom_role_id`). */
export const CUSTOM_ROLE = 'custom';

/**
 * A role's permissions: its base system role's defaults, then each Allow/Deny override.
 * A system role is its own base with no overrides.
 */
export function effectivePermissions(baseRole: SystemRole, overrides: readonly { permission: string; allowed: number | boolean }[] = []): Set<string> {
  const permissions = new Set<string>(DEFAULT_PERMISSIONS[baseRole]);
  for (const { permission, allowed } of overrides) {
    if (allowed) permissions.add(permission);
    else permissions.delete(permission);
  }
  return permissions;
}

/** Classic roles keep their legacy limits in any custom role derived from them (access-model.md). */
export function isClassic(baseRole: string): boolean {
  return baseRole === SystemRole.administratorClassic || baseRole === SystemRole.standardClassic;
}
