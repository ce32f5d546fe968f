import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { AccessService, Actor } from '../access/access.service.js';
import type { Caller, Scope } from '../access/scope.js';
import type { AccountRepository } from '../accounts/account.repository.js';
import { errors } from '../errors.js';
import { type Clock, epochSeconds } from '../lib/clock.js';
import { SITE_TOKEN_PREFIX } from '../lib/secrets.js';
import type { SiteTokenService } from '../sites/site-token.service.js';
import type { UserRepository } from '../users/user.repository.js';
import { type ArchiveEntry, tarGz, zip } from './package-builder.js';

export const PACKAGE_OS = ['windows', 'mac', 'linux'] as const;
export type PackageOs = (typeof PACKAGE_OS)[number];
export const PACKAGE_TYPES = ['remote_worker', 'group_policy'] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];

/** Where agents find the protocol, relative to the server URL. */
export const AGENT_PATH = '/agent/v1/';
/** The folder every package unpacks to. */
export const PACKAGE_ROOT = 'sightline-agent/';
/** The one file of the agent that must exist: its launcher (the package is useless without it). */
const LAUNCHER = 'bin/sightline-agent';

/** `sightline-agent/config.json` as the agent reads it (docs/agent-protocol.md shows one). */
export const AgentPackageConfig = z
  .object({
    /** The server's public URL, without a trailing slash. */
    serverUrl: z.string().url(),
    /** The site enrolment token the agent enrols with (EnrolRequest.siteToken). */
    siteToken: z.string().startsWith(SITE_TOKEN_PREFIX),
    /** Appended to serverUrl: where the protocol lives. */
    agentPath: z.literal(AGENT_PATH),
  })
  .strict();
export type AgentPackageConfig = z.infer<typeof AgentPackageConfig>;

/** The server URL agents of an account use: its own public URL when set, else the deployment's; no trailing slash. */
export function agentServerUrl(account: { public_url: string | null } | undefined, publicUrl: string): string {
  return (account?.public_url ?? publicUrl).replace(/\/+$/, '');
}

/** A package ready to send: what the DEAPI's binary answer needs. */
export type InstallationPackage = { filename: string; contentType: string; body: Buffer };

/** Folders of a checkout that are never the agent's own files. */
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/**
 * The reference agent's files (the repo's `agent/` folder, or SIGHTLINE_AGENT_DIR), as archive entries
 * under `sightline-agent/`, sorted. Executables and the launcher get 0755, other files 0644. Left out:
 * a `config.json` at the top (each package writes its own) and private files (no read bit for group or
 * others: the agent's 0600 state file, holding a device secret, if someone ran the agent in that folder).
 */
export async function readAgentFiles(agentDir: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [{ path: PACKAGE_ROOT, mode: 0o755 }];
  async function walk(relative: string): Promise<void> {
    const names = (await readdir(join(agentDir, relative))).sort();
    for (const name of names) {
      const path = relative ? `${relative}/${name}` : name;
      const stats = await lstat(join(agentDir, path));
      if (stats.isDirectory()) {
        if (SKIPPED_DIRS.has(name)) continue;
        entries.push({ path: `${PACKAGE_ROOT}${path}/`, mode: 0o755 });
        await walk(path);
      } else if (stats.isFile()) {
        if (path === 'config.json' || (stats.mode & 0o044) === 0) continue;
        const executable = (stats.mode & 0o111) !== 0 || path === LAUNCHER;
        entries.push({ path: `${PACKAGE_ROOT}${path}`, mode: executable ? 0o755 : 0o644, body: await readFile(join(agentDir, path)) });
      }
      // Symbolic links and other special files are not part of a package.
    }
  }
  await walk('');
  if (!entries.some((e) => e.path === `${PACKAGE_ROOT}${LAUNCHER}`)) throw new Error(`agent folder ${agentDir} has no ${LAUNCHER}`);
  return entries;
}

type Deps = {
  siteTokens: SiteTokenService;
  users: UserRepository;
  accounts: AccountRepository;
  access: AccessService;
  clock: Clock;
  /** The reference agent's folder (config.agentDir). */
  agentDir: string;
  /** The deployment's public URL; an account's own public_url takes precedence. */
  publicUrl: string;
};

/**
 * Site installation packages: the reference agent plus a config naming this server and a new site
 * enrolment token (so the package enrols into its site until the token expires or is revoked). Every
 * package creates its own token, audited like any other.
 */
export function createInstallationPackageService(deps: Deps) {
  const { siteTokens, users, accounts, access, clock } = deps;

  async function build(actor: Actor, scope: Scope, sourceAddress: string, siteId: number, options: { os: PackageOs; type: PackageType }): Promise<InstallationPackage> {
    // Read the agent first: a server without one fails before a token is made for nothing.
    const files = await readAgentFiles(deps.agentDir);
    const { token } = await siteTokens.create(actor, scope, sourceAddress, siteId);
    const serverUrl = agentServerUrl(await accounts.findById(actor.accountId), deps.publicUrl);
    const config: AgentPackageConfig = { serverUrl, siteToken: token, agentPath: AGENT_PATH };
    const entries = [...files, { path: `${PACKAGE_ROOT}config.json`, mode: 0o600, body: Buffer.from(`${JSON.stringify(config, null, 2)}\n`) }];
    const now = epochSeconds(clock);
    const base = `sightline-agent-site${siteId}-${options.os}${options.type === 'group_policy' ? '-group-policy' : ''}`;
    return options.os === 'windows'
      ? { filename: `${base}.zip`, contentType: 'application/zip', body: zip(entries, now) }
      : { filename: `${base}.tar.gz`, contentType: 'application/gzip', body: tarGz(entries, now) };
  }

  return {
    build,

    /** The package for an API caller: acts, and is audited, as the key's user. */
    async buildForCaller(caller: Caller, siteId: number, options: { os: PackageOs; type: PackageType }): Promise<InstallationPackage> {
      const user = await users.findById(caller.scope.accountId, caller.userId);
      if (!user) throw errors.loginFailed();
      return build(await access.actorFor(user), caller.scope, caller.sourceAddress, siteId, options);
    },
  };
}

export type InstallationPackageService = ReturnType<typeof createInstallationPackageService>;
