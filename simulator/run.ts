/**
 * `simulate()`: runs a built app in the desktop device and plays an input trace through it.
 * The app's Storage files are installed (evaluating the ones the App Loader evaluates), its
 * `<id>.app.js` is loaded as Espruino's load() would, then each trace item is delivered at its
 * time — virtual time by default (fast-forward, deterministic), or paced by the wall clock with
 * `realtime`. Every recognition the app announces (the Bangle 'watchword' event the glue emits
 * after it has drawn and buzzed) is collected with its time and score, and with `screenshots`
 * the screen is written as a PNG at that moment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../compiler/errors';
import { Device, type DeviceError } from './device';
import type { Screen } from './framebuffer';
import { writePng } from './png';
import type { Trace } from './trace';
import { readAppFiles, type AppFiles } from './app-files';
import { dataToBytes } from './shims/strings';

export interface Recognition { t: number; index: number; label: string; score: number; expected?: string }

export interface SimulateOptions {
  board: string;
  screen: Screen | null;
  storageBytes?: number;
  /** The app folder (dist/<BOARD>/<id>) or its files already read. */
  app: string | AppFiles;
  trace: Trace;
  /**
   * 'files' (default): Storage starts with the app's files, as after an App Loader install.
   * 'upload': Storage starts empty and the folder's upload.js — the exact text the espruino CLI
   * sends — is run line by line on the device's console first.
   */
  install?: 'files' | 'upload';
  /** The numeric E shim (E.convolve / E.mapInPlace / E.CRC32). */
  E?: Record<string, unknown>;
  realtime?: boolean;
  /** Folder for PNG snapshots at each recognition. */
  screenshots?: string;
  screenshotScale?: number;
  checkTypedArrays?: boolean;
  /** Seconds of virtual time to keep running after the last trace item (timers, buzzes). */
  tailSeconds?: number;
  onRecognition?: (r: Recognition) => void;
  onPrint?: (line: string) => void;
}

export interface SimulateResult {
  app: string;
  recognitions: Recognition[];
  prints: string[];
  errors: DeviceError[];
  buzzes: { t: number; ms: number; strength: number }[];
  screenshots: string[];
  /** The Node device (absent when the app ran on another engine). */
  device?: Device;
}

/** A label as a safe file-name fragment (labels are untrusted text). */
export function fileSafe(label: string): string {
  const s = label.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
  return s || 'label';
}

/**
 * Runs what the espruino CLI sends (upload.js, selftest.js) as the device's console takes it:
 * a \x10 at a line start only turns echo off, the rest is JavaScript.
 */
export function runConsoleScript(device: Device, text: string, name: string): void {
  device.run(text.replace(/^\x10/gm, ''), name);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function simulate(o: SimulateOptions): Promise<SimulateResult> {
  const app = typeof o.app === 'string' ? readAppFiles(o.app) : o.app;
  const device = new Device({
    board: o.board, screen: o.screen, files: o.install === 'upload' ? new Map() : app.files, storageBytes: o.storageBytes, E: o.E,
    checkTypedArrays: o.checkTypedArrays, onPrint: o.onPrint,
  });
  if (o.install === 'upload') {
    const file = path.join(app.dir, 'upload.js');
    if (!fs.existsSync(file)) throw new WatchwordError(`${file}: missing (build first: npm run build:board)`);
    runConsoleScript(device, fs.readFileSync(file, 'latin1'), 'upload.js');
    if (device.errors.length) throw new WatchwordError(`${file}: installing failed on the device: ${device.errors[0].where}: ${device.errors[0].message}`);
  } else for (const name of app.evaluate) {
    const src = device.storage.module.read(name) as string;
    let value: unknown;
    try {
      value = device.evaluate(src, name);
    } catch (e) {
      throw new WatchwordError(`${path.join(app.dir, name)}: the App Loader evaluates this file on install, and it failed: ${(e as Error).message}`);
    }
    const bytes = dataToBytes(value);
    if (!bytes) throw new WatchwordError(`${path.join(app.dir, name)}: evaluates to ${typeof value}, not data to store`);
    device.storage.files.set(name, bytes);
  }

  const recognitions: Recognition[] = [];
  const screenshots: string[] = [];
  let expected: string | undefined;
  let seen = 0;
  const onWatchword = (r: { index?: unknown; label?: unknown; score?: unknown; time?: unknown }) => {
    const rec: Recognition = { t: device.scheduler.getTime(), index: Number(r.index), label: String(r.label), score: Number(r.score) };
    if (expected !== undefined) rec.expected = expected;
    recognitions.push(rec);
    // The screen as the app announced the command (it emits after drawing), before anything later draws.
    if (o.screenshots && device.fb) {
      const file = path.join(o.screenshots, `${String(recognitions.length).padStart(3, '0')}-${rec.t.toFixed(2)}s-${fileSafe(rec.label)}.png`);
      writePng(device.fb, file, o.screenshotScale ?? 1);
      screenshots.push(file);
    }
  };
  device.load(`${app.id}.app.js`);
  // After load(): loading an app forgets earlier handlers, as on the device.
  device.bangle.Bangle.on('watchword', onWatchword);

  const settle = async () => {
    // Let promise callbacks (Bangle.buzz().then ...) run, as the device's idle loop would.
    await Promise.resolve();
    await Promise.resolve();
    for (; seen < recognitions.length; seen++) o.onRecognition?.(recognitions[seen]);
  };

  const start = Date.now();
  await settle();
  for (const item of o.trace.items) {
    if (o.realtime) {
      const wait = start + item.t * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
    }
    device.advanceTo(item.t);
    if (item.kind === 'gesture') {
      expected = item.label;
      device.gesture(item.xyz);
    } else {
      expected = undefined;
      device.accel(item.x, item.y, item.z);
    }
    await settle();
  }
  const last = o.trace.items.length ? o.trace.items[o.trace.items.length - 1].t : 0;
  device.advanceTo(last + (o.tailSeconds ?? 1));
  await settle();

  return {
    app: app.dir, recognitions, prints: device.prints, errors: device.errors,
    buzzes: device.bangle.log.buzzes, screenshots, device,
  };
}
