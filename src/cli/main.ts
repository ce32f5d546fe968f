import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { AppError } from '../errors.js';
import { registerApiKey } from './commands/apikey.command.js';
import { registerAccess } from './commands/access.command.js';
import { registerBackup } from './commands/backup.command.js';
import { registerSeed } from './commands/seed.command.js';
import { registerServe } from './commands/serve.command.js';
import { registerSimulate } from './commands/simulate.command.js';
import { registerSiteToken } from './commands/site-token.command.js';
import { CommandError, UsageError } from './context.js';

/** `./bin/sightline`: every command takes `--db PATH|URL`; errors are one line on stderr. */
export function buildProgram(): Command {
  const program = new Command('sightline')
    .description('Sightline: self-hosted RMM data back end, compatible with the N-sight Data Extraction API')
    .exitOverride();
  registerServe(program);
  registerSeed(program);
  registerApiKey(program);
  registerAccess(program);
  registerSiteToken(program);
  registerSimulate(program);
  registerBackup(program);
  const exitOverride = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

async function main() {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode);
    const message = error instanceof Error ? error.message : String(error);
    const known = error instanceof AppError || error instanceof UsageError || error instanceof ConfigError || error instanceof CommandError;
    console.error(`sightline: ${known ? message : `unexpected error: ${message.split('\n')[0]}`}`);
    process.exit(known && !(error instanceof AppError || error instanceof CommandError) ? 2 : 1);
  }
}

await main();
