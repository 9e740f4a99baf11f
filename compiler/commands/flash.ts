/**
 * `watchword flash --board <B> --port <addr>`: installs a built app on a device by sending its
 * `upload.js` (Storage writes of the model and app, then load) through the espruino CLI, with
 * the board's local JSON so nothing is fetched; `--selftest` sends `selftest.js` instead, which
 * writes the model and prints the on-device self-test line. `--dry-run` connects to nothing and
 * prints what would be sent: the command, the Storage files with their sizes, then the code.
 */
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../errors';
import { espruinoBoardJsonPath, getBoard } from '../../boards/index';
import { espruinoCliPath, storageWrites } from '../package/upload';

export interface FlashPlan {
  board: string;
  appDir: string;
  uploadJs: string;
  /** argv after `node` for the espruino CLI. */
  args: string[];
  code: string;
  writes: { name: string; bytes: number; chunks: number }[];
}

/** Works out what `flash` would send (throws a WatchwordError when there is nothing to send). */
export function planFlash(opts: { board: string; port: string; dist?: string; app?: string; selftest?: boolean }): FlashPlan {
  const board = getBoard(opts.board);
  const boardJson = espruinoBoardJsonPath(board);
  const distBoard = path.resolve(opts.dist ?? 'dist', board.id);
  if (!boardJson) {
    throw new WatchwordError(`board ${board.id} is not programmed through the espruino CLI: link main.js and model.h from ${distBoard}/<app>/ into the firmware (see its README.md)`);
  }
  if (!opts.port || !opts.port.trim()) throw new WatchwordError('--port is empty: give a serial device (/dev/ttyACM0), a Bluetooth address (aa:bb:cc:dd:ee:ff) or tcp://host');
  if (!fs.existsSync(distBoard)) throw new WatchwordError(`nothing built for ${board.id}: ${distBoard} does not exist (run npm run build:board -- --board ${board.id})`);
  let app = opts.app;
  if (!app) {
    const apps = fs.readdirSync(distBoard).filter((d) => !d.startsWith('.') && fs.statSync(path.join(distBoard, d)).isDirectory()).sort();
    if (apps.length !== 1) throw new WatchwordError(`${distBoard} holds ${apps.length} apps (${apps.join(', ') || 'none'}); choose one with --app <id>`);
    app = apps[0];
  }
  const appDir = path.join(distBoard, app);
  const uploadJs = path.join(appDir, opts.selftest ? 'selftest.js' : 'upload.js');
  if (!fs.existsSync(uploadJs)) throw new WatchwordError(`${uploadJs} does not exist (build the app for ${board.id} first)`);
  const code = fs.readFileSync(uploadJs, 'latin1');
  return {
    board: board.id,
    appDir,
    uploadJs,
    args: [espruinoCliPath(), '-p', opts.port, '--board', boardJson, uploadJs],
    code,
    writes: storageWrites(code),
  };
}

export function dryRunText(plan: FlashPlan): string {
  const lines = [
    `watchword flash (dry run): would send ${plan.uploadJs} (${plan.code.length} bytes) to the ${plan.board}`,
    `command: node ${plan.args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
    'Storage writes:',
    ...plan.writes.map((w) => `  ${w.name}: ${Number.isNaN(w.bytes) ? '?' : w.bytes} bytes in ${w.chunks} write(s)`),
    `----- code sent (${plan.code.length} bytes) -----`,
    plan.code.replace(/\n?$/, ''),
    '----- end -----',
  ];
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('flash')
    .description('upload a built app (model + code in Storage) to a device through the espruino CLI')
    .requiredOption('--board <board>', 'board id, e.g. BANGLEJS2')
    .requiredOption('--port <addr>', 'serial device, Bluetooth address or tcp://host')
    .option('--app <id>', 'app id under dist/<BOARD>/ (default: the only one)')
    .option('--dist <dir>', 'output root the app was built into', 'dist')
    .option('--selftest', 'send selftest.js (model + test vectors; prints the self-test line) instead of the app')
    .option('--dry-run', 'connect to nothing; print what would be sent')
    .action((opts: { board: string; port: string; app?: string; dist: string; dryRun?: boolean; selftest?: boolean }) => {
      const plan = planFlash(opts);
      if (opts.dryRun) {
        process.stdout.write(dryRunText(plan));
        return;
      }
      const r = spawnSync(process.execPath, plan.args, { stdio: 'inherit' });
      if (r.status !== 0) throw new WatchwordError(`the espruino CLI failed to upload to ${opts.port} (exit ${r.status ?? r.signal})`);
    });
}
