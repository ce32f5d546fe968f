import { openDatabase } from '../../src/db/database.js';
import { createIngestService } from '../../src/ingest/ingest.service.js';

/**
 * One server process's overdue sweep, for tests that run several at once (`tsx sweep-once.ts URL NOW`):
 * separate processes, each with its own connection, as N server processes share one database.
 * Prints the sweep's answer as JSON.
 */
const [url, at] = process.argv.slice(2);
const database = await openDatabase(url!, { migrate: false });
const ingest = createIngestService({ database, clock: { now: () => new Date(Number(at) * 1000) } });
const result = await ingest.sweep();
await database.close();
process.stdout.write(JSON.stringify(result));
