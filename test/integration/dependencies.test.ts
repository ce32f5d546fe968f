import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

type PackageJson = { dependencies: Record<string, string>; devDependencies: Record<string, string>; allowScripts: Record<string, boolean> };
type Lock = { packages: Record<string, { hasInstallScript?: boolean }> };

const manifest = JSON.parse(read('package.json')) as PackageJson;
const lock = JSON.parse(read('package-lock.json')) as Lock;
const direct = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });

/** Every installed package (direct or not) whose install runs a script, by name: the lock's `hasInstallScript`. */
const withInstallScripts = [...new Set(
  Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
)].sort();

/** The names docs/security.md lists under "## Dependencies": the backquoted names a list item starts with, before its colon. */
function documented(): string[] {
  const section = /^## Dependencies\n([\s\S]*?)(?=^## )/m.exec(read('docs/security.md'))?.[1] ?? '';
  return [...section.matchAll(/^- ((?:`[^`]+`(?:, )?)+):/gm)].flatMap((m) => [...m[1]!.matchAll(/`([^`]+)`/g)].map((n) => n[1]!));
}

// Issue 12, "Dependencies": install scripts run arbitrary code at `npm ci`; only the native packages
// named in package.json's "allowScripts" may have one, and every direct dependency is there for a reason.
describe('dependencies', () => {
  it('no installed package has an install script unless package.json allows it, and each allowed one has one', () => {
    expect(withInstallScripts.length).toBeGreaterThan(0);
    expect(withInstallScripts.filter((name) => manifest.allowScripts[name] !== true)).toEqual([]);
    expect(Object.keys(manifest.allowScripts).filter((name) => !withInstallScripts.includes(name))).toEqual([]);
  });

  it('docs/security.md lists every direct dependency and devDependency, and nothing else', () => {
    const listed = documented();
    expect(listed.filter((name) => !direct.includes(name))).toEqual([]);
    expect(direct.filter((name) => !listed.includes(name))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });
});
