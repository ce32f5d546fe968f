import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'sightline');
/** No SIGHTLINE_DB from the developer's shell: --db alone decides. */
const SERVE_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'SIGHTLINE_DB'));
const run = promisify(execFile);

/** Runs `./bin/sightline ARGS` (with `env` added to the environment) and returns its exit code and output. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(BIN, args, { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The last line of a command's output: where commands print a new key or token. */
export const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

export type Server = { url: string; process: ChildProcess; stop(): Promise<void> };

/**
 * `serve --port 0`, waiting for the line that says `listening` and carries the URL. With `logFile`, every
 * byte the process writes (its log, on stdout, and stderr) is kept in that file from the first one on.
 */
export async function serve(db: string, env: NodeJS.ProcessEnv = {}, port = 0, logFile?: string): Promise<Server> {
  const child = spawn(BIN, ['serve', '--db', db, '--port', String(port), '--host', '127.0.0.1'], { cwd: ROOT, env: { ...SERVE_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = logFile ? createWriteStream(logFile) : undefined;
  const logged = log ? new Promise<void>((resolve) => log.once('close', resolve)) : Promise.resolve();
  if (log) {
    child.stdout!.on('data', (chunk) => log.write(chunk));
    child.stderr!.on('data', (chunk) => log.write(chunk));
    child.once('close', () => log.end());
  }
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not report listening in time: ${stderr}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening.*?(http:\/\/[^\s)"]+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return {
    url,
    process: child,
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await logged;
    },
  };
}

/** A TCP port free on 127.0.0.1 right now (for a server whose public URL must name its port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
