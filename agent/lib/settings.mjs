// @ts-check
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readText } from './util.mjs';

/** @typedef {import('./types.mjs').DeviceType} DeviceType */

/**
 * config.json, written by the server into the installation package.
 * @typedef {object} Settings
 * @property {string} serverUrl without a trailing slash
 * @property {string} siteToken the site enrolment token: a secret, never printed
 * @property {string} agentPath '/agent/v1/'
 * @property {DeviceType} [deviceType] overrides the server/workstation guess
 */

/**
 * state.json, kept by the agent beside config.json (mode 0600: it holds the device secret).
 * @typedef {object} State
 * @property {string} machineId
 * @property {number} [deviceId]
 * @property {string} [deviceSecret]
 * @property {string} [serverUrl] the server the secret belongs to (a package for another server enrols anew)
 * @property {string} [agentUrl] where the server said later calls go (informational: config.json decides)
 * @property {number} [enrolledAt]
 */

/** Problems with config.json or the agent's folder: the agent cannot start (exit code 2). */
export class SetupError extends Error {}

export const STATE_FILE = 'state.json';

/**
 * Reads and checks config.json. Messages name the field but never show the site token.
 * @param {string} home the agent's folder (…/sightline-agent)
 * @returns {Settings}
 */
export function readSettings(home) {
  const path = join(home, 'config.json');
  /** @type {any} */
  let raw;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT' ? 'it does not exist' : 'it is not valid JSON';
    throw new SetupError(`cannot read ${path}: ${reason}`);
  }
  if (!raw || typeof raw !== 'object') throw new SetupError(`${path} must hold a JSON object`);
  const serverUrl = typeof raw.serverUrl === 'string' ? raw.serverUrl.replace(/\/+$/, '') : '';
  if (!/^https?:\/\/[^/]+/.test(serverUrl)) throw new SetupError(`${path}: serverUrl must be an http(s) URL, like "https://rmm.example.com"`);
  if (typeof raw.siteToken !== 'string' || raw.siteToken.trim() === '') throw new SetupError(`${path}: siteToken is missing`);
  const agentPath = raw.agentPath === undefined ? '/agent/v1/' : raw.agentPath;
  if (typeof agentPath !== 'string' || !agentPath.startsWith('/')) throw new SetupError(`${path}: agentPath must start with "/"`);
  if (raw.deviceType !== undefined && raw.deviceType !== 'server' && raw.deviceType !== 'workstation') {
    throw new SetupError(`${path}: deviceType must be "server" or "workstation"`);
  }
  return { serverUrl, siteToken: raw.siteToken.trim(), agentPath: agentPath.endsWith('/') ? agentPath : `${agentPath}/`, deviceType: raw.deviceType };
}

/**
 * This machine's stable id: a hash of the OS's machine id where there is one (so a reinstalled agent finds
 * its device again; the raw id is not sent, as machine-id(5) asks), else the one kept in the state file, else
 * a new random one.
 * @param {State | null} state
 */
export function machineIdOf(state) {
  const systemId = (readText('/etc/machine-id') ?? readText('/var/lib/dbus/machine-id') ?? '').trim();
  if (systemId) return createHash('sha256').update(`sightline-agent:${systemId}`).digest('hex');
  return state?.machineId ?? randomUUID();
}

/**
 * Reads state.json, or null before the first enrolment. A state file others can read is closed to 0600.
 * @param {string} home
 * @returns {State | null}
 */
export function readState(home) {
  const path = join(home, STATE_FILE);
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return null;
    throw new SetupError(`cannot read ${path}: ${/** @type {Error} */ (error).message}`);
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  try {
    const state = JSON.parse(text);
    return state && typeof state === 'object' ? state : null;
  } catch {
    return null; // a torn or edited file: enrol again (the machine id brings back the same device)
  }
}

/**
 * Writes state.json atomically (a temporary file, then a rename) and readable by its owner only.
 * @param {string} home
 * @param {State} state
 */
export function writeState(home, state) {
  const path = join(home, STATE_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    chmodSync(temporary, 0o600); // in case the umask was stricter about something else: exactly 0600
    renameSync(temporary, path);
  } catch (error) {
    throw new SetupError(`cannot write ${path}: ${/** @type {Error} */ (error).message}`);
  }
}
