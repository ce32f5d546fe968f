// @ts-check
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from './agent.mjs';
import { RefusedError, StoppedError, UnreachableError } from './client.mjs';
import { collectDriveSpace } from './collect/disks.mjs';
import { collectHardware } from './collect/hardware.mjs';
import { Sampler } from './collect/performance.mjs';
import { collectSoftware } from './collect/software.mjs';
import { collectFacts } from './collect/system.mjs';
import { Logger } from './log.mjs';
import { readSettings, SetupError } from './settings.mjs';
import { nowSeconds, sleep } from './util.mjs';

/** Exit codes (README.md lists them). */
export const EXIT = { ok: 0, failed: 1, setup: 2, unreachable: 3, refused: 4 };

const USAGE = `Usage: sightline-agent <command>

  run --once   enrol if needed, run the checks, send one full report, exit
  run          report on the server's schedule and take commands until SIGTERM or SIGINT
  inspect      print what this machine would report (nothing is sent)
  version      print the agent's version

Settings come from config.json beside bin/; the device secret is kept in state.json there (mode 0600).`;

/** The agent's folder: the parent of lib/ (…/sightline-agent). */
const HOME = join(dirname(fileURLToPath(import.meta.url)), '..');

function agentVersion() {
  try {
    return String(JSON.parse(readFileSync(join(HOME, 'package.json'), 'utf8')).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/**
 * The command line: runs one command and resolves to the process's exit code.
 * @param {string[]} argv the arguments after the program
 * @returns {Promise<number>}
 */
export async function main(argv) {
  const [command, ...flags] = argv;
  const version = agentVersion();
  if (command === 'version' || command === '--version') {
    process.stdout.write(`sightline-agent ${version}\n`);
    return EXIT.ok;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (command === 'inspect' && flags.length === 0) return inspect(version);
  if (command !== 'run' || flags.some((flag) => flag !== '--once')) {
    process.stderr.write(`${USAGE}\n`);
    return EXIT.setup;
  }
  return run({ once: flags.includes('--once'), version });
}

/**
 * `run` and `run --once`, with the errors sorted into exit codes. SIGTERM and SIGINT stop it cleanly (exit 0).
 * @param {{ once: boolean, version: string }} options
 */
async function run({ once, version }) {
  const log = new Logger();
  const stop = new AbortController();
  /** @param {NodeJS.Signals} signal */
  const onSignal = (signal) => {
    log.info(`${signal} received: stopping`);
    stop.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    const settings = readSettings(HOME);
    const agent = new Agent({ home: HOME, settings, log, signal: stop.signal, agentVersion: version });
    if (once) await agent.runOnce();
    else await agent.runForever();
    if (!once) log.info('stopped');
    return EXIT.ok;
  } catch (error) {
    if (error instanceof StoppedError) {
      log.info('stopped');
      return EXIT.ok;
    }
    if (error instanceof SetupError) {
      log.error(error.message);
      return EXIT.setup;
    }
    if (error instanceof UnreachableError) {
      log.error(`the server could not be reached: ${error.message}`);
      return EXIT.unreachable;
    }
    if (error instanceof RefusedError) {
      log.error(`the server refused: ${error.message}`);
      return EXIT.refused;
    }
    log.error(`unexpected: ${/** @type {Error} */ (error)?.stack ?? error}`);
    return EXIT.failed;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

/**
 * Prints the report this machine would send (without checks, which need the server's config), so a person
 * can see what the agent measures before enrolling it.
 * @param {string} version
 */
async function inspect(version) {
  const sampler = new Sampler();
  const at = nowSeconds();
  let deviceType;
  try {
    deviceType = readSettings(HOME).deviceType;
  } catch {
    // no config.json yet: the guess alone
  }
  const [facts, driveSpace, software] = await Promise.all([collectFacts({ agentVersion: version, deviceType }), collectDriveSpace(at), collectSoftware()]);
  await sleep(1000 - sampler.sinceBaselineMs);
  const report = { facts, performance: sampler.sample(nowSeconds()), driveSpace, hardware: collectHardware(driveSpace), software };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return EXIT.ok;
}
