// `npm start`: Sightline on the default SQLite file. On first run it creates the demo account, fills it
// with demo data and prints the dashboard login and the API key to try it with.
import { loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { createLogger } from './lib/logger.js';
import { systemClock } from './lib/clock.js';
import { createServices } from './services.js';
import { listen } from './server.js';
import { seedDemoAccount } from './seed/demo-account.js';

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.db, { sqliteSynchronous: config.sqliteSynchronous });
  const services = createServices({ config, database, clock: systemClock });

  let firstRun: Awaited<ReturnType<typeof seedDemoAccount>> | undefined;
  if ((await services.accounts.count()) === 0) {
    console.log(`Empty database at ${database.location}: creating the demo account "demo"…`);
    firstRun = await seedDemoAccount(services, systemClock);
    await database.refreshStatistics();
  }

  const { url } = await listen(config, database, logger);
  console.log(`Sightline listening on ${url}`);
  console.log(`  Dashboard: ${config.publicUrl}/`);
  console.log(`  Data Extraction API: ${config.publicUrl}/api/`);
  if (firstRun) {
    console.log(`  Dashboard login (shown once, stored only as a hash): ${firstRun.admin.email} / ${firstRun.admin.password}`);
    console.log(`  Demo account "demo": ${firstRun.summary.clients} clients, ${firstRun.summary.devices} devices`);
    console.log(`  API key (shown once, stored only as a hash): ${firstRun.apiKey}`);
    console.log(`  Try: curl '${config.publicUrl}/api/?apikey=${firstRun.apiKey}&service=list_clients'`);
  } else {
    console.log('  New API key for an account: ./bin/sightline apikey regenerate --account demo');
    console.log('  Another dashboard login: ./bin/sightline user add --account demo --email you@example.com --role superuser --password …');
  }
}

main().catch((error: unknown) => {
  console.error(`sightline: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
