// Bundles the compiled CLI (dist/cli/main.js and everything it imports, node_modules included) into one
// file, dist/sightline.mjs, which ./bin/sightline runs. Node then loads and compiles one module instead of
// about a thousand ESM files (Kysely alone is ~400): the server's CPU time to its first answer went from
// ~800 to ~370 ms (see docs/performance.md). Native and optional packages stay outside the bundle.
//
// The bundle sits directly in dist/, like dist/config.js, so paths taken from import.meta.url
// (`../agent/`, node_modules resolution) resolve as they do for the unbundled files.
//
// esbuild is a devDependency. Without it (an install with --omit=dev), nothing is bundled and ./bin/sightline runs
// dist/cli/main.js as before; an old bundle is removed so it can never run stale code.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(root, 'dist', 'sightline.mjs');

/** Writes dist/sightline.mjs from dist/cli/main.js; returns false (and removes any old bundle) when esbuild is missing. */
export async function bundle() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    rmSync(BUNDLE, { force: true });
    process.stderr.write('sightline: esbuild not installed, running the unbundled dist/cli/main.js (slower to start)\n');
    return false;
  }
  await esbuild.build({
    entryPoints: [join(root, 'dist', 'cli', 'main.js')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // better-sqlite3 loads its native addon relative to its own files; pg-native is pg's optional binding.
    external: ['better-sqlite3', 'pg-native'],
    // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __sightlineCreateRequire } from 'node:module'; const require = __sightlineCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle();
