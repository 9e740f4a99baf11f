/**
 * Puts the gestures app together: the ES5 runtime bundle, the build's settings as
 * `var WATCHWORD_APP = {...}` (every string — app name, Storage names, ignored labels — goes
 * through the packager's escaper, so untrusted text can never break out of its literal),
 * the user's actions.js and the glue app.js. The result is the `<id>.app.js` body handed to
 * the packager (which minifies nothing further: the runtime is minified, the glue stays
 * readable for users who open it in the Web IDE).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsLiteral } from '../../../compiler/package/escape';
import { WatchwordError } from '../../../compiler/errors';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ACTIONS_FILE = path.join(HERE, 'actions.js');
export const GLUE_FILE = path.join(HERE, 'app.js');

export interface GesturesAppSettings {
  /** Name shown on screen ("Gestures"). */
  name: string;
  /** Storage name of the model file (`<id>.ww`). */
  model: string;
  /** Storage name of the app icon image (`<id>.img`), drawn above the label; null for none. */
  icon: string | null;
  /** 'gesture': classify each Bangle 'gesture' event; 'accel': stream 'accel' samples. */
  mode: 'gesture' | 'accel';
  /** Minimum score (the runtime's classify score, 0..1) for a recognition. */
  threshold: number;
  /** Labels that never trigger (e.g. "other"). */
  ignore: string[];
  /** Device units per g of the model input (1 / ir.input.scale: 64 for gesture data). */
  unitsPerG: number;
  /** Streaming mode: accelerometer poll interval (1000 / sample rate). */
  pollMs: number;
  /** Streaming mode: samples before the first decision, and the window after which state resets. */
  minSteps: number;
  maxSteps: number;
  /** Buzz length on a recognition, ms (0: no buzz). */
  buzzMs: number;
}

export interface AssembleOptions {
  runtimeJs: string;
  settings: GesturesAppSettings;
  /** actions.js text (default: the example's file). */
  actionsJs?: string;
}

export function assembleGesturesApp(o: AssembleOptions): string {
  const s = o.settings;
  if (!(s.threshold >= 0 && s.threshold <= 1)) throw new WatchwordError(`gestures app: threshold ${s.threshold} must be a score between 0 and 1`);
  for (const [k, v] of [['unitsPerG', s.unitsPerG], ['pollMs', s.pollMs], ['minSteps', s.minSteps], ['maxSteps', s.maxSteps], ['buzzMs', s.buzzMs]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new WatchwordError(`gestures app: ${k} ${v} must be a non-negative integer`);
  }
  const config = jsLiteral({
    // An integer in Q0.15 (the runtime's score unit): Espruino misreads float literals by an ulp or two.
    name: s.name, model: s.model, icon: s.icon, mode: s.mode, thresholdQ15: Math.round(s.threshold * 32768),
    ignore: s.ignore, unitsPerG: s.unitsPerG, pollMs: s.pollMs, minSteps: s.minSteps, maxSteps: s.maxSteps, buzzMs: s.buzzMs,
  });
  const actions = o.actionsJs ?? fs.readFileSync(ACTIONS_FILE, 'utf8');
  const glue = fs.readFileSync(GLUE_FILE, 'utf8');
  return [
    o.runtimeJs.trimEnd(),
    `var WATCHWORD_APP = ${config};`,
    actions.trimEnd(),
    glue.trimEnd(),
    '',
  ].join('\n');
}

/** Settings for app `appId` whose model takes `input` (ir.input): gesture mode, threshold 0.6, "other" ignored. */
export function defaultGesturesSettings(appId: string, input: { scale: number; sampleRateHz?: number; maxSteps?: number }, name = 'Gestures'): GesturesAppSettings {
  const rate = input.sampleRateHz ?? 12.5;
  const maxSteps = input.maxSteps ?? 50;
  return {
    name, model: `${appId}.ww`, icon: `${appId}.img`, mode: 'gesture', threshold: 0.6, ignore: ['other'],
    unitsPerG: Math.round(1 / input.scale), pollMs: Math.round(1000 / rate),
    minSteps: Math.max(1, Math.floor(maxSteps / 3)), maxSteps, buzzMs: 100,
  };
}
