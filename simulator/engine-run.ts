/**
 * Runs a simulation on the chosen engine with the board's profile: Node (`vm`, the full
 * device of device.ts) or QuickJS / Duktape (the in-engine device of engine-device.ts, whose
 * tagged output lines are turned back into the same result, with graphics replayed into the
 * same framebuffer). The `E` functions the app sees are those the board's features list —
 * a board without `eConvolve` gets no E.convolve, so the runtime picks its reference kernels
 * exactly as it would on that device.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../compiler/errors';
import type { BoardProfile } from '../boards/types';
import { EShim } from './shims/E';
import { Device, type DeviceError } from './device';
import type { Screen } from './framebuffer';
import { simulate, fileSafe, runConsoleScript, type Recognition, type SimulateResult } from './run';
import { readAppFiles, type AppFiles } from './app-files';
import { DEVICE_GLOBALS, DEVICE_PRELUDE, driverScript, graphicsRecorder } from './engine-device';
import { defaultTheme } from './shims/graphics';
import { writePng } from './png';
import type { Trace } from './trace';
import { runScript, engineAvailable, type EngineName } from './engines/index';
import { eShimScript } from './engines/run-model';

export const SIM_ENGINES = ['node', 'quickjs', 'duktape'] as const;
export type SimEngine = (typeof SIM_ENGINES)[number];

export interface EngineSimOptions {
  board: BoardProfile;
  app: string | AppFiles;
  trace: Trace;
  realtime?: boolean;
  screenshots?: string;
  screenshotScale?: number;
  tailSeconds?: number;
  /** Install by running upload.js (Node engine only); see SimulateOptions.install. */
  install?: 'files' | 'upload';
  onRecognition?: (r: Recognition) => void;
  onPrint?: (line: string) => void;
}

/** E functions for a board: only the natives its profile has. */
export function eForBoard(board: BoardProfile): Record<string, unknown> {
  const E: Record<string, unknown> = {};
  if (board.features.has('eConvolve')) E.convolve = EShim.convolve;
  if (board.features.has('eMapInPlace')) E.mapInPlace = EShim.mapInPlace;
  if (board.features.has('eCRC32')) E.CRC32 = EShim.CRC32;
  return E;
}

function screenOf(board: BoardProfile): Screen | null {
  if (!board.screen || !board.features.has('screen')) return null;
  const bpp = board.screen.bpp;
  if (bpp !== 1 && bpp !== 3 && bpp !== 16) throw new WatchwordError(`board ${board.id}: the simulator has no ${bpp}-bit screen format`);
  return { width: board.screen.width, height: board.screen.height, bpp };
}

export async function simulateOnEngine(engine: SimEngine, o: EngineSimOptions): Promise<SimulateResult> {
  if (o.board.engine !== 'espruino') {
    throw new WatchwordError(`board ${o.board.id} runs ${o.board.engine}, not Espruino: run its main.js with the JerryScript host (simulator/jerryscript-host.ts)`);
  }
  // Sensor data reaches the app as Bangle.js events; the firmware's own 'gesture' event marks a board with that API.
  if (!o.board.sensors.includes('gesture') || !o.board.sensors.includes(o.trace.kind)) {
    throw new WatchwordError(`board ${o.board.id} has no Bangle.js '${o.trace.kind}' events (its sensors: ${o.board.sensors.join(', ') || 'none'}); the simulator plays traces on boards with the Bangle API (e.g. BANGLEJS2); use --selftest for others`);
  }
  const screen = screenOf(o.board);
  if (engine === 'node') {
    return simulate({
      board: o.board.id, screen, storageBytes: o.board.storageBytes ?? undefined, app: o.app, trace: o.trace, E: eForBoard(o.board),
      realtime: o.realtime, install: o.install, screenshots: o.screenshots, screenshotScale: o.screenshotScale, tailSeconds: o.tailSeconds,
      onRecognition: o.onRecognition, onPrint: o.onPrint,
    });
  }
  if (!engineAvailable(engine as EngineName)) throw new WatchwordError(`engine ${engine} is not available here (Duktape needs the 'duk' binary on PATH)`);
  if (o.install === 'upload') throw new WatchwordError(`--upload needs the node engine (${engine} installs the app's files directly)`);
  if (o.realtime) throw new WatchwordError(`--realtime needs the node engine (${engine} runs the whole trace in one invocation)`);
  return simulateInEngine(engine as EngineName, screen, o);
}

async function simulateInEngine(engine: EngineName, screen: Screen | null, o: EngineSimOptions): Promise<SimulateResult> {
  const app = typeof o.app === 'string' ? readAppFiles(o.app) : o.app;
  const names = [...app.files.keys()];
  const data: Record<string, Uint8Array> = {};
  names.forEach((n, i) => { data[`__wwF${i}`] = app.files.get(n)!; });
  const prelude: string[] = [];
  const E = eForBoard(o.board);
  if (Object.keys(E).length) {
    prelude.push(await eShimScript());
    for (const k of ['convolve', 'mapInPlace', 'CRC32']) if (!(k in E)) prelude.push(`delete E.${k};`);
  }
  prelude.push(DEVICE_PRELUDE);
  // A replay device: the Node device's graphics and showMessage, never running app code.
  const replay = new Device({ board: o.board.id, screen, files: new Map(), checkTypedArrays: false });
  if (screen && replay.fb) prelude.push(graphicsRecorder(screen.width, screen.height, defaultTheme(replay.fb) as unknown as Record<string, unknown>));
  prelude.push(DEVICE_GLOBALS);
  let lines: string[];
  try {
    lines = await runScript(engine, driverScript(app.id, names, app.evaluate, o.trace, o.tailSeconds ?? 1), { data, prelude });
  } catch (e) {
    const err = e as Error & { lines?: string[] };
    throw new WatchwordError(`${engine}: the simulated device stopped: ${err.message}`);
  }

  const recognitions: Recognition[] = [];
  const prints: string[] = [];
  const errors: DeviceError[] = [];
  const buzzes: { t: number; ms: number; strength: number }[] = [];
  const screenshots: string[] = [];
  let t = 0;
  let expected: string | undefined;
  const g = replay.g as Record<string, (...a: unknown[]) => unknown> | null;
  const showMessage = (replay.context as unknown as { E: { showMessage: (m: string, t?: string) => void } }).E.showMessage;
  for (const line of lines) {
    const tag = line.slice(0, 1);
    const body = line.slice(2);
    if (tag === 'T') {
      if (body === 'end') continue;
      const item = o.trace.items[Number(body)];
      t = item.t;
      expected = item.kind === 'gesture' ? item.label : undefined;
      continue;
    }
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch {
      // A line the prelude did not tag (the engine's own diagnostics): keep it as printed text.
      prints.push(line); o.onPrint?.(line);
      continue;
    }
    if (tag === 'P') { prints.push(String(v)); o.onPrint?.(String(v)); }
    else if (tag === 'U') { errors.push({ t, where: engine, message: String(v) }); prints.push(`Uncaught ${String(v)}`); o.onPrint?.(`Uncaught ${String(v)}`); }
    else if (tag === 'B') buzzes.push(v as { t: number; ms: number; strength: number });
    else if (tag === 'G' && g) {
      const [name, ...args] = v as [string, ...unknown[]];
      const a = args.map((x) => (x && typeof x === 'object' && '__bytes' in (x as object) ? Uint8Array.from((x as { __bytes: number[] }).__bytes) : x));
      try {
        if (name === '__showMessage') showMessage(String(a[0]), a[1] === null ? undefined : String(a[1]));
        else if (name === 'setFont') g.setFont(a[0], a[1] === null ? undefined : a[1]);
        else if (typeof g[name] === 'function') g[name](...a);
      } catch (e) {
        errors.push({ t, where: `g.${name}`, message: (e as Error).message });
      }
    } else if (tag === 'W') {
      const w = v as { index: number; label: string; score: number; t: number };
      const rec: Recognition = { t: w.t, index: w.index, label: w.label, score: w.score };
      if (expected !== undefined) rec.expected = expected;
      recognitions.push(rec);
      // The replayed screen is now what the watch showed when the app announced the command.
      if (o.screenshots && replay.fb) {
        const file = path.join(o.screenshots, `${String(recognitions.length).padStart(3, '0')}-${rec.t.toFixed(2)}s-${fileSafe(rec.label)}.png`);
        writePng(replay.fb, file, o.screenshotScale ?? 1);
        screenshots.push(file);
      }
    }
  }
  for (const r of recognitions) o.onRecognition?.(r);
  return { app: app.dir, recognitions, prints, errors, buzzes, screenshots };
}

/**
 * Runs the app folder's selftest.js — what a user uploads to the real watch to check the build —
 * on the simulated device (empty Storage: the script writes the model itself) and returns the
 * lines it printed, e.g. "watchword selftest <id> <board>: k/N exact, ...".
 */
export async function selftestOnEngine(engine: SimEngine, board: BoardProfile, appDir: string, seconds = 60): Promise<{ prints: string[]; errors: DeviceError[] }> {
  const file = path.join(appDir, 'selftest.js');
  if (!fs.existsSync(file)) throw new WatchwordError(`${file}: missing (build first: npm run build:board)`);
  const text = fs.readFileSync(file, 'latin1').replace(/^\x10/gm, '');
  const screen = screenOf(board);
  if (engine === 'node') {
    const d = new Device({ board: board.id, screen, files: new Map(), storageBytes: board.storageBytes ?? undefined, E: eForBoard(board) });
    runConsoleScript(d, text, 'selftest.js');
    d.advanceTo(seconds);
    await Promise.resolve();
    return { prints: d.prints, errors: d.errors };
  }
  if (!engineAvailable(engine as EngineName)) throw new WatchwordError(`engine ${engine} is not available here (Duktape needs the 'duk' binary on PATH)`);
  const app: AppFiles = { dir: appDir, id: '__selftest', files: new Map([['__selftest.app.js', new Uint8Array(Buffer.from(text, 'latin1'))]]), evaluate: [] };
  const r = await simulateInEngine(engine as EngineName, screen, { board, app, trace: { kind: 'gesture', file: 'none', items: [] }, tailSeconds: seconds });
  return { prints: r.prints, errors: r.errors };
}
