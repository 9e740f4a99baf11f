/**
 * `selftestJs`: the on-device self-test. It carries N test vectors — input sequences and the
 * integer outputs the compiler's integer reference computed for them — runs each through the
 * device runtime (with whatever kernels the engine selects), compares every output exactly,
 * times the steps and prints one line:
 *   watchword selftest <id> <board>: <k>/<N> exact, <ms> ms/step, <vars> vars
 * (`vars` is Espruino's `process.memory().usage` after loading; "n/a" where the engine cannot
 * tell). A user uploads it to a real watch to verify the build and measure real latency.
 *
 * The vectors travel as hex strings, not array literals: on Espruino a literal array costs a
 * JS variable per number, a string packs many characters per variable. Numbers are fixed-width
 * two's complement; float inputs are sent as round(v * 65536) and divided by 65536 on the
 * device (exact in any IEEE engine), and the expected outputs are computed for exactly those
 * values. No float literals are emitted (Espruino parses them 1-2 ulp off).
 */
import type { BoardProfile } from '../../boards/types';
import { WatchwordError } from '../errors';
import { jsString } from '../package/escape';
import { JERRY_MODEL_GLOBAL, modelStorageName } from '../package/types';

export interface SelftestVector { frames: number[][]; expected: number[] }

export interface SelftestOptions {
  runtimeJs: string;
  appId: string;
  board: BoardProfile;
  vectors: SelftestVector[];
  /** 'int8' | 'int16' | 'token' inputs are integers; 'float' inputs are sent in 1/65536 steps. */
  inputKind: 'int8' | 'int16' | 'float' | 'token';
}

export const FLOAT_INPUT_STEP = 65536;

/** Hex digits needed for a signed integer range. */
function width(values: number[]): number {
  let w = 2;
  for (const v of values) {
    if (!Number.isInteger(v)) throw new WatchwordError(`self-test value ${v} is not an integer`);
    while (v < -(2 ** (4 * w - 1)) || v >= 2 ** (4 * w - 1)) w += 2;
  }
  if (w > 12) throw new WatchwordError('self-test values exceed 48 bits');
  return w;
}

function hex(values: number[], w: number): string {
  const mod = 2 ** (4 * w);
  return values.map((v) => (v < 0 ? v + mod : v).toString(16).padStart(w, '0')).join('');
}

/** Rounds float inputs onto the 1/65536 grid the self-test can send exactly. */
export function selftestInputs(frames: number[][], kind: SelftestOptions['inputKind']): number[][] {
  return kind === 'float' ? frames.map((f) => f.map((v) => Math.round(v * FLOAT_INPUT_STEP) / FLOAT_INPUT_STEP)) : frames;
}

export function selftestJs(o: SelftestOptions): string {
  if (o.vectors.length === 0) throw new WatchwordError('self-test needs at least one test vector');
  const features = o.vectors[0].frames[0]?.length ?? 0;
  const outputs = o.vectors[0].expected.length;
  const scale = o.inputKind === 'float' ? FLOAT_INPUT_STEP : 1;
  const ins: number[] = [];
  const outs: number[] = [];
  const lens: number[] = [];
  for (const v of o.vectors) {
    if (v.expected.length !== outputs) throw new WatchwordError('self-test vectors disagree on the output size');
    lens.push(v.frames.length);
    for (const f of v.frames) {
      if (f.length !== features) throw new WatchwordError('self-test vectors disagree on the frame size');
      for (const x of f) ins.push(Math.round(x * scale));
    }
    outs.push(...v.expected);
  }
  const wi = width(ins);
  const wo = width(outs);
  const open = o.board.engine === 'jerryscript'
    ? JERRY_MODEL_GLOBAL
    : `require("Storage").readArrayBuffer(${jsString(modelStorageName(o.appId))})`;
  const head = `"watchword selftest " + ${jsString(o.appId)} + " " + ${jsString(o.board.id)} + ": "`;
  return [
    o.runtimeJs.trimEnd(),
    '(function () {',
    `  var IN = ${jsString(hex(ins, wi))}, OUT = ${jsString(hex(outs, wo))}, LENS = ${jsString(lens.join(','))}.split(",");`,
    `  var F = ${features}, K = ${outputs}, WI = ${wi}, WO = ${wo}, SCALE = ${scale};`,
    '  function num(s, at, w) {',
    '    var v = parseInt(s.substr(at * w, w), 16);',
    '    var half = Math.pow(2, 4 * w - 1);',
    '    return v >= half ? v - 2 * half : v;',
    '  }',
    '  function now() { return typeof getTime === "function" ? getTime() * 1000 : Date.now(); }',
    `  var buf = ${open};`,
    `  if (!buf) { print(${head} + "model file missing"); return; }`,
    '  var net;',
    `  try { net = watchword.load(buf); } catch (e) { print(${head} + "load failed: " + (e && e.message ? e.message : e)); return; }`,
    '  var vars = typeof process === "object" && process && typeof process.memory === "function" ? process.memory().usage : "n/a";',
    '  var st = net.state(), frame = [], exact = 0, steps = 0, ms = 0, pos = 0;',
    '  for (var f = 0; f < F; f++) frame.push(0);',
    '  for (var v = 0; v < LENS.length; v++) {',
    '    var n = parseInt(LENS[v], 10), out = null, t0 = now();',
    '    net.reset(st);',
    '    for (var t = 0; t < n; t++) {',
    '      for (f = 0; f < F; f++) frame[f] = num(IN, (pos + t) * F + f, WI) / SCALE;',
    '      out = net.step(st, frame);',
    '    }',
    '    ms += now() - t0;',
    '    steps += n;',
    '    pos += n;',
    '    var ok = true;',
    '    for (var k = 0; k < K; k++) if (out[k] !== num(OUT, v * K + k, WO)) ok = false;',
    '    if (ok) exact++;',
    '  }',
    `  print(${head} + exact + "/" + LENS.length + " exact, " + (Math.floor(ms * 100 / steps) / 100) + " ms/step, " + vars + " vars");`,
    '})();',
    '',
  ].join('\n');
}
