/**
 * A JerryScript host on the desktop: runs a JERRYSCRIPT build's `main.js` the way the
 * firmware in the build's README does — a global `print` registered by the host, the model
 * bound to the global `WW_MODEL` as an ArrayBuffer over model.h's bytes — and nothing else:
 * no `E`, no `require`, no `atob`, no `console`, as in a bare JerryScript 3.x engine. The script
 * runs on one of the desktop engines (QuickJS by default: like JerryScript, a small strict
 * interpreter; Node and Duktape also work). model.h is the source of the bytes, and when the
 * folder also holds the `.ww` the two must be identical (the build guarantees it; a stale
 * file is reported). `selftest.js` carries its own model and runs with print only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WatchwordError } from '../compiler/errors';
import { JERRY_MODEL_GLOBAL } from '../compiler/package/types';
import { modelHeaderBytes } from '../compiler/package/jerryscript';
import { runScript, engineAvailable, type EngineName } from './engines/index';

export interface JerryHostOptions {
  engine?: EngineName;
  /** ES5 the firmware runs after main.js in the same realm (e.g. calls into functions main.js defined). */
  after?: string;
  timeoutMs?: number;
}

export interface JerryHostResult { lines: string[]; modelBytes: number; engine: EngineName }

/** The model bytes a firmware would link: model.h's array (checked against <id>.ww when present). */
export function jerryModelBytes(dir: string): Uint8Array {
  const h = path.join(dir, 'model.h');
  if (!fs.existsSync(h)) throw new WatchwordError(`${h}: missing (a JERRYSCRIPT build has main.js and model.h; build first: npm run build:board -- --board JERRYSCRIPT)`);
  let bytes: Uint8Array;
  try {
    bytes = modelHeaderBytes(fs.readFileSync(h, 'utf8'));
  } catch (e) {
    throw new WatchwordError(`${h}: ${(e as Error).message}`);
  }
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ww'))) {
    const ww = fs.readFileSync(path.join(dir, f));
    if (!Buffer.from(bytes).equals(ww)) throw new WatchwordError(`${h}: its ${bytes.length} bytes differ from ${f} (${ww.length} bytes); rebuild`);
  }
  return bytes;
}

/**
 * Hides what the desktop engine has but a bare JerryScript lacks (Node's vm harness brings a
 * console, Duktape/QuickJS may have others); the engine harness runs the script inside one
 * function, so these locals shadow the globals for main.js.
 */
const BARE_JERRYSCRIPT = 'var console = undefined, E = undefined, require = undefined, atob = undefined, btoa = undefined;\n';

async function run(script: string, file: string, data: Record<string, Uint8Array>, o: JerryHostOptions): Promise<string[]> {
  script = BARE_JERRYSCRIPT + script;
  const engine = o.engine ?? 'quickjs';
  if (!engineAvailable(engine)) throw new WatchwordError(`engine ${engine} is not available here`);
  try {
    return await runScript(engine, script, { data, timeoutMs: o.timeoutMs });
  } catch (e) {
    const err = e as Error & { lines?: string[] };
    throw new WatchwordError(`${file} on ${engine} (JerryScript host): ${err.message}${err.lines?.length ? ` after printing ${JSON.stringify(err.lines.slice(-3))}` : ''}`);
  }
}

/** Runs `<dir>/main.js` with `print` and WW_MODEL. */
export async function runJerryMain(dir: string, o: JerryHostOptions = {}): Promise<JerryHostResult> {
  const main = path.join(dir, 'main.js');
  if (!fs.existsSync(main)) throw new WatchwordError(`${main}: missing (build first: npm run build:board -- --board JERRYSCRIPT)`);
  const bytes = jerryModelBytes(dir);
  const script = fs.readFileSync(main, 'utf8') + (o.after ? `\n;${o.after}\n` : '');
  const lines = await run(script, main, { [JERRY_MODEL_GLOBAL]: bytes }, o);
  return { lines, modelBytes: bytes.length, engine: o.engine ?? 'quickjs' };
}

/** Runs `<dir>/selftest.js` (it embeds its model) with `print` only. */
export async function runJerrySelftest(dir: string, o: JerryHostOptions = {}): Promise<JerryHostResult> {
  const file = path.join(dir, 'selftest.js');
  if (!fs.existsSync(file)) throw new WatchwordError(`${file}: missing (build first: npm run build:board -- --board JERRYSCRIPT)`);
  const lines = await run(fs.readFileSync(file, 'utf8'), file, {}, o);
  return { lines, modelBytes: 0, engine: o.engine ?? 'quickjs' };
}
