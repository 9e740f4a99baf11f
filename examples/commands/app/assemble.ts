/**
 * Puts the commands app together. Bangle.js: the ES5 runtime bundle, the build's settings as
 * `var WATCHWORD_APP = {...}`, tokenize.js, slots.js, the user's actions.js and the glue app.js
 * — the `<id>.app.js` body handed to the packager. JerryScript: runtime, settings, tokenize.js,
 * slots.js and jerry.js — the body of `main.js`. Every string in the settings (app name, Storage names, the
 * alphabet, demo texts) goes through the packager's escaper, so untrusted text can never
 * break out of its literal. The alphabet and length limit come from vocab.ts, the single
 * source of the tokenizer the model was trained with.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { jsLiteral } from '../../../compiler/package/escape';
import { WatchwordError } from '../../../compiler/errors';
import { ALPHABET, MAX_CHARS } from '../vocab';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ACTIONS_FILE = path.join(HERE, 'actions.js');
export const GLUE_FILE = path.join(HERE, 'app.js');
export const SLOTS_FILE = path.join(HERE, 'slots.js');
export const TOKENIZE_FILE = path.join(HERE, 'tokenize.js');
export const JERRY_GLUE_FILE = path.join(HERE, 'jerry.js');

export interface CommandsAppSettings {
  /** App id (Storage prefix; also the sched alarm ids "<id>.timer", "<id>.alarm"). */
  id: string;
  /** Name shown on screen ("Commands"). */
  name: string;
  /** Storage name of the model file (`<id>.ww`). */
  model: string;
  /** Minimum score (the runtime's classify score, 0..1); below it a text counts as "unknown". */
  threshold: number;
  /** Buzz length when a command is recognized, ms (0: no buzz). */
  buzzMs: number;
  /** Texts the JerryScript main.js runs at start (ignored on Bangle.js). */
  demo: string[];
}

function config(s: CommandsAppSettings): string {
  if (!(s.threshold >= 0 && s.threshold <= 1)) throw new WatchwordError(`commands app: threshold ${s.threshold} must be a score between 0 and 1`);
  if (!Number.isInteger(s.buzzMs) || s.buzzMs < 0) throw new WatchwordError(`commands app: buzzMs ${s.buzzMs} must be a non-negative integer`);
  if (!Array.isArray(s.demo) || s.demo.some((t) => typeof t !== 'string')) throw new WatchwordError('commands app: demo must be a list of texts');
  return jsLiteral({
    // An integer in Q0.15 (the runtime's score unit): Espruino misreads float literals by an ulp or two.
    id: s.id, name: s.name, model: s.model, thresholdQ15: Math.round(s.threshold * 32768), buzzMs: s.buzzMs,
    alphabet: ALPHABET, maxChars: MAX_CHARS, demo: s.demo,
  });
}

/** `<id>.app.js` for Bangle.js. */
export function assembleCommandsApp(o: { runtimeJs: string; settings: CommandsAppSettings; actionsJs?: string }): string {
  return [
    o.runtimeJs.trimEnd(),
    `var WATCHWORD_APP = ${config(o.settings)};`,
    fs.readFileSync(TOKENIZE_FILE, 'utf8').trimEnd(),
    fs.readFileSync(SLOTS_FILE, 'utf8').trimEnd(),
    (o.actionsJs ?? fs.readFileSync(ACTIONS_FILE, 'utf8')).trimEnd(),
    fs.readFileSync(GLUE_FILE, 'utf8').trimEnd(),
    '',
  ].join('\n');
}

/**
 * `main.js` for JerryScript firmware: prints the intent of each text passed to watchwordCommand.
 * The glue is minified (esbuild, ES5 in and out; top-level names kept): JerryScript holds the
 * whole source in its heap, where the commented slot rules alone would take 12 KB.
 */
export function assembleCommandsJerry(o: { runtimeJs: string; settings: CommandsAppSettings }): string {
  const glue = [TOKENIZE_FILE, SLOTS_FILE, JERRY_GLUE_FILE].map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const min = transformSync(glue, { minify: true, target: 'es5', legalComments: 'none' }).code;
  return [
    o.runtimeJs.trimEnd(),
    `var WATCHWORD_APP = ${config(o.settings)};`,
    min.trimEnd(),
    '',
  ].join('\n');
}

/** Demo texts for main.js on JerryScript (one per kind of slot, and a non-command). */
export const DEMO_TEXTS = [
  'set a timer for 5 minutes', 'wake me up at 7:30 am', 'start the stopwatch', 'next song', 'what time is it',
  'your package has been delivered',
];

/** Settings for app `appId`: threshold 0.5, 150 ms buzz, the demo texts. */
export function defaultCommandsSettings(appId: string, name = 'Commands'): CommandsAppSettings {
  return { id: appId, name, model: `${appId}.ww`, threshold: 0.5, buzzMs: 150, demo: DEMO_TEXTS.slice() };
}
