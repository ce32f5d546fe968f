/**
 * The fuzzer outside vitest, for long runs: `npm run fuzz -- --cases 100000 [--seed N] [--db postgres://…]`.
 * It seeds a fresh database (SQLite in a temporary folder; with `--db`, a database of its own on that
 * PostgreSQL server, dropped afterwards), runs the cases of test/support/fuzz.ts and prints the same line
 * as test/integration/fuzz.test.ts. `--keep-going` records every failure instead of stopping at the
 * first; `--seed` with `--path` replays the case a failure printed; `--trace FILE` writes every request
 * to FILE before it is sent. Exits 1 on any failure.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createTestDatabase } from '../test/support/databases.js';
import { depthLine, describeFailure, runFuzz, summaryLine } from '../test/support/fuzz.js';
import { createFuzzWorld } from '../test/support/fuzz-world.js';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    path: { type: 'string' },
    db: { type: 'string' },
    'keep-going': { type: 'boolean', default: false },
    trace: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log('usage: npm run fuzz -- [--cases N] [--seed N [--path P]] [--db postgres://user@host:port/db] [--keep-going] [--trace FILE]');
  process.exit(0);
}

const cases = Number(args.cases);
if (!Number.isInteger(cases) || cases < 1) throw new Error(`--cases must be a positive integer, not ${args.cases}`);
const seed = args.seed === undefined ? undefined : Number(args.seed);
if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`--seed must be an integer, not ${args.seed}`);
if (args.db !== undefined && !/^postgres(ql)?:\/\//.test(args.db)) throw new Error('--db takes a postgres:// URL (the default is a SQLite file in a temporary folder)');

// Written synchronously before each request, so the file's last line survives a request that never ends.
const trace = args.trace === undefined ? undefined : openSync(args.trace, 'w');
let sent = 0;

const database = args.db ? await createTestDatabase('postgres', args.db) : await createTestDatabase('sqlite');
try {
  const world = await createFuzzWorld(database);
  try {
    const run = await runFuzz(world, {
      cases, seed, path: args.path, keepGoing: args['keep-going'],
      progress: (stats) => process.stderr.write(`  ${summaryLine(stats)}\n`),
      sending: trace === undefined ? undefined : (wire) => writeSync(trace, `${JSON.stringify({
        case: ++sent, ...wire, url: wire.url.slice(0, 4000), payload: wire.payload?.subarray(0, 4000).toString('base64'), bytes: wire.payload?.length ?? 0,
      })}\n`),
    });
    console.log(`seed ${run.seed}, ${args.db ? 'PostgreSQL' : 'SQLite'}`);
    for (const failure of run.failures) console.log(`\n${describeFailure(failure, run)}\n`);
    console.log(depthLine(run.stats));
    console.log(summaryLine(run.stats));
    process.exitCode = run.failures.length > 0 ? 1 : 0;
  } finally {
    await world.close();
  }
} finally {
  await database.drop();
  if (trace !== undefined) closeSync(trace);
}
