/**
 * `watchword simulate`: runs the built firmware on the desktop and prints what the watch
 * would do with an input trace — each recognized command with its time and score (and the
 * trace's expected label when it has one). With no arguments it plays the bundled gestures demo
 * trace through the default BANGLEJS2 build in dist/. Device output (the app's print lines)
 * goes to stderr, results to stdout; `--json` prints them as one JSON object.
 */
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { WatchwordError } from '../errors';
import { getBoard } from '../../boards/index';
import { readTrace } from '../../simulator/trace';
import { defaultAppDir } from '../../simulator/app-files';
import { simulateOnEngine, selftestOnEngine, SIM_ENGINES, type SimEngine } from '../../simulator/engine-run';
import type { Recognition } from '../../simulator/run';
import { runJerryMain, runJerrySelftest } from '../../simulator/jerryscript-host';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEMO_TRACE = path.join(ROOT, 'examples/gestures/demo-trace.json');

export function formatRecognition(r: Recognition): string {
  // Labels are untrusted text: JSON-quote any that could disturb a terminal.
  const label = /^[\x21-\x7e]+$/.test(r.label) ? r.label : JSON.stringify(r.label);
  const exp = r.expected === undefined ? '' : r.expected === r.label ? '  (expected: yes)' : `  (expected ${JSON.stringify(r.expected)})`;
  return `${r.t.toFixed(2).padStart(8)} s  ${label.padEnd(14)} score ${r.score.toFixed(3)}${exp}`;
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('run a built app in the desktop simulator on an input trace and print the recognized commands')
    .option('-b, --board <board>', 'board profile', 'BANGLEJS2')
    .option('-a, --app <dir>', 'built app folder (default: the one app in dist/<BOARD>/)')
    .option('-i, --input <trace>', 'trace: JSON/CSV gesture events or accelerometer samples (default: the gestures demo trace)')
    .option('-e, --engine <engine>', `JavaScript engine: ${SIM_ENGINES.join(', ')}`, 'node')
    .option('-s, --screenshots <dir>', 'write a PNG of the screen at each recognized command')
    .option('--scale <n>', 'screenshot pixel scale', '1')
    .option('--realtime', 'play the trace at its real pace instead of fast-forward')
    .option('--upload', 'install the app by running its upload.js on the device (node engine), as the espruino CLI would')
    .option('--selftest', "run the app folder's selftest.js on the simulated device instead of a trace")
    .option('--json', 'print the result as JSON')
    .option('--example <name>', 'the app built from examples/<name> (dist/<BOARD>/<name>)')
    .option('-t, --text <text...>', 'text commands to send to the app as Gadgetbridge notifications (JerryScript: through main.js); prints intent, slots and action')
    .action(async (opts: { board: string; app?: string; input?: string; engine: string; screenshots?: string; scale: string; realtime?: boolean; upload?: boolean; selftest?: boolean; json?: boolean; example?: string; text?: string[] }) => {
      if (!(SIM_ENGINES as readonly string[]).includes(opts.engine)) {
        throw new WatchwordError(`--engine ${JSON.stringify(opts.engine)}: expected one of ${SIM_ENGINES.join(', ')}`);
      }
      const scale = Number(opts.scale);
      if (!Number.isInteger(scale) || scale < 1 || scale > 8) throw new WatchwordError(`--scale ${JSON.stringify(opts.scale)}: expected an integer 1..8`);
      const board = getBoard(opts.board);
      if (opts.example !== undefined && !/^[a-z0-9]+$/.test(opts.example)) throw new WatchwordError(`--example ${JSON.stringify(opts.example)}: expected an example folder name (lower-case letters and digits)`);
      const exampleDir = opts.example ? path.join(ROOT, 'dist', board.id, opts.example) : undefined;
      if (exampleDir && !opts.app && !fs.existsSync(exampleDir)) throw new WatchwordError(`${exampleDir}: not built; run npm run build:board -- --example ${opts.example} --board ${board.id}`);
      const appDir = opts.app ?? exampleDir ?? defaultAppDir(path.join(ROOT, 'dist'), board.id);
      if (opts.text) {
        // Text commands (examples/commands): delivered as Gadgetbridge notifications / main.js calls.
        if (opts.input) throw new WatchwordError('--text and --input: give one of them');
        const { simulateTexts, formatTextResult } = await import('../../examples/commands/simulate-text');
        const r = await simulateTexts({ board, app: appDir, texts: opts.text, engine: opts.engine as SimEngine, onPrint: (l) => process.stderr.write(`device: ${l}\n`) });
        if (opts.json) process.stdout.write(JSON.stringify({ app: appDir, board: board.id, results: r.results, errors: r.errors }) + '\n');
        else for (const x of r.results) process.stdout.write(formatTextResult(x) + '\n');
        if (r.errors.length) process.stderr.write(`${r.errors.length} uncaught error(s) on the device: ${r.errors.map((e) => `${e.where}: ${e.message}`).join('; ')}\n`);
        return;
      }
      if (board.engine === 'jerryscript') {
        // A JerryScript firmware runs main.js with print and the model; it has no sensors to feed.
        if (opts.input) throw new WatchwordError(`--input: board ${board.id} has no sensor events to feed; the JerryScript host runs main.js (and selftest.js) as the firmware would`);
        const engine = opts.engine as 'node' | 'quickjs' | 'duktape';
        const main = await runJerryMain(appDir, { engine });
        process.stdout.write(`main.js on ${engine} (JerryScript host, WW_MODEL ${main.modelBytes} bytes):\n${main.lines.map((l) => `  ${l}\n`).join('')}`);
        if (fs.existsSync(path.join(appDir, 'selftest.js'))) {
          const st = await runJerrySelftest(appDir, { engine });
          process.stdout.write(`selftest.js:\n${st.lines.map((l) => `  ${l}\n`).join('')}`);
        }
        return;
      }
      if (opts.selftest) {
        const st = await selftestOnEngine(opts.engine as SimEngine, board, appDir);
        for (const l of st.prints) process.stdout.write(l + '\n');
        if (st.errors.length) throw new WatchwordError(`selftest.js failed on the simulated ${board.id}: ${st.errors[0].message}`);
        return;
      }
      const input = opts.input ?? DEMO_TRACE;
      if (!fs.existsSync(input)) throw new WatchwordError(`${input}: no such trace file`);
      const trace = readTrace(input);
      if (!opts.json) process.stdout.write(`simulating ${path.relative(process.cwd(), appDir) || appDir} on ${board.id} (${opts.engine}), trace ${path.relative(process.cwd(), input)}: ${trace.items.length} ${trace.kind === 'gesture' ? 'gesture events' : 'accelerometer samples'}\n`);
      const result = await simulateOnEngine(opts.engine as SimEngine, {
        board, app: appDir, trace, realtime: !!opts.realtime, install: opts.upload ? 'upload' : 'files', screenshots: opts.screenshots, screenshotScale: scale,
        onPrint: (l) => process.stderr.write(`device: ${l}\n`),
        onRecognition: opts.json ? undefined : (r) => process.stdout.write(formatRecognition(r) + '\n'),
      });
      if (opts.json) {
        process.stdout.write(JSON.stringify({
          app: result.app, board: board.id, engine: opts.engine, trace: input,
          recognitions: result.recognitions, errors: result.errors, screenshots: result.screenshots,
        }) + '\n');
        return;
      }
      const withExp = result.recognitions.filter((r) => r.expected !== undefined);
      const agree = withExp.filter((r) => r.expected === r.label).length;
      process.stdout.write(`${result.recognitions.length} command(s) recognized` +
        (withExp.length ? `, ${agree}/${withExp.length} as labelled in the trace` : '') +
        (result.errors.length ? `, ${result.errors.length} uncaught error(s) on the device` : '') + '\n');
      if (result.screenshots.length) process.stdout.write(`screenshots: ${result.screenshots.length} PNG(s) in ${opts.screenshots}\n`);
    });
}
