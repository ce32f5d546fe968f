// @ts-check
import { spawn } from 'node:child_process';

const IS_WINDOWS = process.platform === 'win32';

/**
 * @typedef {object} ExecResult
 * @property {number | null} code exit code; null when the program could not start, timed out or was stopped
 * @property {string} stdout standard output alone (what inventories parse)
 * @property {string} output stdout and stderr as they came, interleaved (what a person reads)
 * @property {boolean} timedOut
 * @property {string} [error] why the program could not start (ENOENT for a missing program)
 */

/**
 * Runs a program (no shell unless the caller asks for one), keeping at most `maxBytes` of its output.
 * Never throws. On timeout or abort it kills the whole process group, so a script's children die with it.
 * @param {string} file
 * @param {string[]} args
 * @param {{ timeoutMs?: number, maxBytes?: number, signal?: AbortSignal }} [options]
 * @returns {Promise<ExecResult>}
 */
export function execCapture(file, args, { timeoutMs = 60_000, maxBytes = 64 * 1024, signal } = {}) {
  return new Promise((resolve) => {
    /** @type {Buffer[]} */ const out = [];
    /** @type {Buffer[]} */ const all = [];
    let outBytes = 0;
    let allBytes = 0;
    let timedOut = false;
    let settled = false;
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: !IS_WINDOWS, windowsHide: true });

    const kill = () => {
      try {
        if (!IS_WINDOWS && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = () => kill();
    signal?.addEventListener('abort', onAbort, { once: true });

    /** @param {Buffer} chunk @param {boolean} isStdout */
    const keep = (chunk, isStdout) => {
      if (allBytes < maxBytes) {
        all.push(chunk);
        allBytes += chunk.length;
      }
      if (isStdout && outBytes < maxBytes) {
        out.push(chunk);
        outBytes += chunk.length;
      }
    };
    child.stdout.on('data', (chunk) => keep(chunk, true));
    child.stderr.on('data', (chunk) => keep(chunk, false));

    /** @param {number | null} code @param {string} [error] */
    const finish = (code, error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({
        code: timedOut || signal?.aborted ? null : code,
        stdout: Buffer.concat(out).toString('utf8'),
        output: Buffer.concat(all).toString('utf8'),
        timedOut,
        ...(error ? { error } : {}),
      });
    };
    child.on('error', (error) => finish(null, /** @type {NodeJS.ErrnoException} */ (error).code ?? error.message));
    child.on('close', (code) => finish(code));
  });
}
