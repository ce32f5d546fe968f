import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every .ts file under a folder, tests excluded. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * The relative modules a file loads at run time: `import`/`export … from` and `import(…)`, but not
 * `import type` / `export type` (erased by the compiler), resolved from `./x.js` to `./x.ts`.
 */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...[...text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(type\s)?[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g)].filter((m) => !m[1]).map((m) => m[2]!),
    ...[...text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!),
    ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ];
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')))
    .filter((path) => existsSync(path));
}

describe('the read path', () => {
  it('never loads the demo seeder: no module reached from src/deapi or src/history is under src/seed', () => {
    const seed = join(SRC, 'seed');
    // Breadth-first over run-time imports, remembering who first reached each file for the message.
    const reachedFrom = new Map<string, string | null>();
    const queue = [...sources(join(SRC, 'deapi')), ...sources(join(SRC, 'history'))];
    for (const file of queue) reachedFrom.set(file, null);
    for (let i = 0; i < queue.length; i++) {
      for (const next of runtimeImports(queue[i]!)) {
        if (reachedFrom.has(next)) continue;
        reachedFrom.set(next, queue[i]!);
        queue.push(next);
      }
    }
    const chain = (file: string): string[] => {
      const from = reachedFrom.get(file);
      return from ? [...chain(from), relative(SRC, file)] : [relative(SRC, file)];
    };
    const leaks = queue.filter((file) => file.startsWith(`${seed}/`)).map((file) => chain(file).join(' → '));
    expect(leaks).toEqual([]);
    // The walk does follow imports (a broken pattern would pass vacuously).
    expect(queue.some((file) => file.endsWith(join('db', 'scope-filter.ts')))).toBe(true);
    expect(queue.length).toBeGreaterThan(50);
  });

  it('sees a seeder import where one exists, so it can fail', () => {
    expect(runtimeImports(join(SRC, 'cli', 'commands', 'seed.command.ts'))).toContain(join(SRC, 'seed', 'demo-generator.ts'));
    expect(runtimeImports(join(SRC, 'seed', 'history-generator.ts'))).toContain(join(SRC, 'history', 'performance-intervals.ts'));
    // `import type` is erased: repositories.ts's type-only users (the DEAPI's domain services) do not load it.
    const deapiServices = join(SRC, 'deapi', 'deapi.services.ts');
    expect(readFileSync(deapiServices, 'utf8')).toMatch(/^import type \{[^}]*\} from '\.\.\/repositories\.js';$/m);
    expect(runtimeImports(deapiServices)).not.toContain(join(SRC, 'repositories.ts'));
  });
});
