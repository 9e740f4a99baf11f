/**
 * Per-step latency of one model on one engine, three implementations in the SAME engine
 * process and run: (a) the bundled watchword runtime with the reference kernels, (b) the same
 * runtime with the Espruino kernel set (native E.convolve / E.mapInPlace on Espruino; on every
 * other engine through the ES5 `E` shim, which checks correctness but says nothing about
 * speed), (c) the hand-written float baseline (bench/baseline-float.js). The script first
 * streams the model's frames through all three and prints the final outputs (the host checks
 * (a) = (b) exactly and (c) against the float reference), then times them: per variant the
 * number of steps per sample is grown until a sample takes about `targetMs` (engine clocks
 * have 1 ms resolution), then `repeats` samples are taken with the variants interleaved, and
 * the host reports medians in ms per step.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRuntimeBundle, eShimScript } from '../simulator/engines/run-model';
import { runFloat } from '../compiler/reference/float';
import { int8Net } from '../compiler/reference/int8';
import { baselineSpec, type BenchModel } from './models';
import { runBench, type EngineInfo } from './engines';

export const VARIANTS = ['ref', 'espruino', 'baseline'] as const;
/** Also timed in the same run: the engine's plain int8 dot loop over 1000 elements (the calibration unit). */
const TIMED = [...VARIANTS, 'loop'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface LatencyOptions { repeats: number; targetMs: number; timeoutMs?: number }

export interface LatencyResult {
  engine: string;
  model: string;
  /** Median ms per step, per variant; `loop`: ms per 1000 multiply-adds of a plain int8 dot loop. */
  ms: Record<Variant | 'loop', number>;
  /** All samples (ms per step). */
  samples: Record<Variant | 'loop', number[]>;
  /** Steps per sample chosen per variant. */
  steps: Record<Variant | 'loop', number>;
  /** (a)/(c) and (b)/(c). */
  refOverBaseline: number;
  espOverBaseline: number;
  /** Max |baseline - float reference| over the final outputs. */
  baselineMaxErr: number;
  /** The two kernel sets gave identical integer outputs on every frame. */
  kernelsAgree: boolean;
  /** The E implementation behind (b): 'native' or 'shim'. */
  eImpl: 'native' | 'shim';
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const BASELINE_SOURCE = fs.readFileSync(path.join(here, 'baseline-float.js'), 'utf8');

const SCRIPT = `
var DA = new Int8Array(1000), DB = new Int8Array(1000), SINK = 0;
for (var i = 0; i < 1000; i++) { DA[i] = (i * 37) % 255 - 127; DB[i] = (i * 91) % 255 - 127; }
var W = {
  ref: watchword.load(MODEL, { kernels: 'ref' }),
  espruino: watchword.load(MODEL, { kernels: 'espruino' }),
  baseline: WWBaseline.load(SPEC, BASEW),
  loop: {
    state: function () { return null; },
    reset: function () {},
    step: function () {
      var x = DA, y = DB, s = 0;
      for (var i = 0; i < 1000; i++) s += x[i] * y[i];
      SINK = (SINK + s) % 65536;
      return [SINK];
    }
  }
};
var NAMES = ['ref', 'espruino', 'baseline', 'loop'];
var FR = new Int32Array(FRAMES);
var T = FR.length / FEATURES;
var frames = [];
for (var t = 0; t < T; t++) frames.push(FR.subarray(t * FEATURES, (t + 1) * FEATURES));
var S = {}, P = {};
for (var v = 0; v < NAMES.length; v++) { S[NAMES[v]] = W[NAMES[v]].state(); P[NAMES[v]] = 0; }
function check(name) {
  var n = W[name], st = S[name], out = null, all = '';
  n.reset(st);
  for (var t = 0; t < T; t++) {
    out = n.step(st, frames[t]);
    if (name !== 'baseline') { for (var k = 0; k < out.length; k++) all += out[k] + ','; all += ';'; }
  }
  var s = [];
  for (var k = 0; k < out.length; k++) s.push(out[k]);
  print('out ' + name + ' ' + s.join(','));
  if (name !== 'baseline') print('all ' + name + ' ' + all.length + ' ' + E_SUM(all));
  n.reset(st);
}
function E_SUM(s) { var h = 0; for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 1000000007; return h; }
for (v = 0; v < 3; v++) check(NAMES[v]);
function run(name, K) {
  var n = W[name], st = S[name], p = P[name];
  for (var i = 0; i < K; i++) {
    if (p === T) { n.reset(st); p = 0; }
    n.step(st, frames[p++]);
  }
  P[name] = p;
}
var K = {};
for (v = 0; v < NAMES.length; v++) {
  var k = 1, dt = 0;
  for (;;) {
    var t0 = Date.now(); run(NAMES[v], k); dt = Date.now() - t0;
    t0 = Date.now(); run(NAMES[v], k); dt = Math.min(dt, Date.now() - t0);
    if (dt >= TARGET / 4 || k >= 1048576) break;
    k *= dt < 2 ? 8 : 2;
  }
  K[NAMES[v]] = Math.max(1, Math.ceil(k * TARGET / Math.max(dt, 1)));
  print('steps ' + NAMES[v] + ' ' + K[NAMES[v]]);
}
for (var r = 0; r < REPEATS; r++) {
  for (var j = 0; j < NAMES.length; j++) {
    var name = NAMES[(j + r) % NAMES.length];
    var t1 = Date.now(); run(name, K[name]); var d = Date.now() - t1;
    print('t ' + name + ' ' + d + ' ' + K[name]);
  }
}
`;

const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Times one model on one engine. Throws when (a) and (b) disagree or the baseline is not the same model. */
export async function measureLatency(engine: EngineInfo, m: BenchModel, o: LatencyOptions): Promise<LatencyResult> {
  const { spec, weights } = baselineSpec(m.ir);
  const frames = new Int32Array(m.frames.flat());
  const prelude = [await defaultRuntimeBundle(), BASELINE_SOURCE];
  if (!engine.nativeE) prelude.unshift(await eShimScript());
  const header = `var SPEC = ${JSON.stringify(spec)};\nvar FEATURES = ${m.input};\nvar TARGET = ${o.targetMs};\nvar REPEATS = ${o.repeats};\n`;
  const lines = await runBench(engine.name, header + SCRIPT, {
    data: { MODEL: m.ww, BASEW: new Uint8Array(weights.buffer), FRAMES: new Uint8Array(frames.buffer) },
    prelude,
    timeoutMs: o.timeoutMs ?? 300_000,
  });
  const outs: Record<string, number[]> = {};
  const alls: Record<string, string> = {};
  const samples = { ref: [] as number[], espruino: [] as number[], baseline: [] as number[], loop: [] as number[] };
  const steps = { ref: 0, espruino: 0, baseline: 0, loop: 0 };
  for (const line of lines) {
    const [tag, name, a, b] = line.trim().split(' ');
    if (tag === 'out') outs[name] = a ? a.split(',').map(Number) : [];
    else if (tag === 'all') alls[name] = `${a} ${b}`;
    else if (tag === 'steps') steps[name as Variant] = Number(a);
    else if (tag === 't') samples[name as Variant].push(Number(a) / Number(b));
  }
  for (const v of TIMED) {
    if ((v !== 'loop' && !outs[v]) || samples[v].length !== o.repeats) throw new Error(`${engine.name} ${m.id}: incomplete output for ${v} (${lines.slice(0, 3).join(' | ')})`);
  }
  // (a) vs the integer reference in Node, and (a) = (b) on every frame (hash of all outputs).
  const net = int8Net(m.plan);
  const st = net.state();
  let out: ArrayLike<number> = [];
  for (const f of m.frames) out = net.step(st, f);
  if (Array.from(out).join(',') !== outs.ref.join(',')) throw new Error(`${engine.name} ${m.id}: runtime output ${outs.ref} differs from the integer reference ${Array.from(out)}`);
  const kernelsAgree = alls.ref === alls.espruino && outs.ref.join(',') === outs.espruino.join(',');
  const want = runFloat(m.ir, m.frames);
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(want[i] - outs.baseline[i]));
  const ms = { ref: median(samples.ref), espruino: median(samples.espruino), baseline: median(samples.baseline), loop: median(samples.loop) };
  return {
    engine: engine.name, model: m.id, ms, samples, steps,
    refOverBaseline: ms.ref / ms.baseline, espOverBaseline: ms.espruino / ms.baseline,
    baselineMaxErr: err, kernelsAgree, eImpl: engine.nativeE ? 'native' : 'shim',
  };
}

