/**
 * The `watchword` command. Each subcommand lives in `compiler/commands/<name>.ts` and
 * registers itself on the program; this file lists them and turns errors into one readable
 * line: a `WatchwordError` (bad input) exits 2, anything else is reported as an internal
 * error and exits 1 (set WATCHWORD_DEBUG=1 for the stack).
 */
import { Command, CommanderError } from 'commander';
import { WatchwordError } from './errors';
import { register as inspect } from './commands/inspect';
import { register as predict } from './commands/predict';
import { register as train } from './commands/train';
import { register as data } from './commands/data';
import { register as flash } from './commands/flash';
import { register as prune } from './commands/prune';
import { register as simulate } from './commands/simulate';
import { register as report } from './commands/report';
import { register as build } from './commands/build';

const program = new Command();
program
  .name('watchword')
  .description('Compile small recurrent networks into int8 fixed-point ES5 firmware for Espruino and JerryScript devices')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

for (const reg of [build, inspect, predict, train, data, flash, prune, simulate, report]) reg(program);

function fail(e: unknown): never {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (e instanceof WatchwordError) {
    process.stderr.write(`watchword: error: ${e.message.split('\n').join(' ')}\n`);
    process.exit(e.exitCode);
  }
  const err = e as Error;
  process.stderr.write(`watchword: internal error: ${err?.message ?? String(e)}\n`);
  if (process.env.WATCHWORD_DEBUG) process.stderr.write(`${err?.stack}\n`);
  process.exit(1);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  fail(e);
}
