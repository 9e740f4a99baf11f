/**
 * The models the benchmarks run: a sweep of random-weight GRU and LSTM classifiers (hidden
 * 16/32/64/128 × input 3/16/40, each with a 4-class Dense softmax head) and every example
 * model under examples/ (its trained weights). Each bench model carries its float IR, its
 * integer plan and `.ww` bytes (calibrated on random device-unit sequences, or on the
 * example's training split), the multiply-adds per step, and the float32 weight layout the
 * hand-written baseline (bench/baseline-float.js) loads.
 */
import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { tensor, contiguous } from '../compiler/ir/tensor';
import { verify } from '../compiler/ir/verify';
import type { Layer, ModelIR, RecurrentLayer } from '../compiler/ir/types';
import { GATES, isRecurrent } from '../compiler/ir/types';
import { loadModel } from '../compiler/import/index';
import { planModel } from '../compiler/plan/planModel';
import { wwBytes } from '../compiler/reference/int8';
import type { Plan } from '../compiler/plan/types';
import { macsPerStep } from './calibration';

export { macsPerStep };

export interface BenchModel {
  /** Short id used in tables ("gru-h32-i16", "example:gestures"). */
  id: string;
  kind: string;
  hidden: number;
  input: number;
  example: boolean;
  ir: ModelIR;
  plan: Plan;
  ww: Uint8Array;
  /** Weight multiply-adds per step (all layers). */
  macs: number;
  /** Weights + biases (float32 parameters). */
  params: number;
  /** Inputs used to time and check: frames in device units. */
  frames: number[][];
}

export const SWEEP_HIDDEN = [16, 32, 64, 128];
export const SWEEP_INPUT = [3, 16, 40];
export const SWEEP_KINDS = ['gru', 'lstm'] as const;

type Rng = () => number;

function rand(rng: Rng, n: number, s: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng() * 2 - 1) * s;
  return a;
}

/** A random classifier: one recurrent layer (Glorot-like scale) and a 4-class softmax head. */
export function randomModel(kind: 'gru' | 'lstm', hidden: number, input: number, seed = 'bench'): ModelIR {
  const rng = seedrandom(`${seed}-${kind}-${hidden}-${input}`);
  const g = GATES[kind] * hidden;
  const sW = Math.sqrt(6 / (input + hidden)), sR = Math.sqrt(3 / hidden);
  const rec = {
    kind, name: kind, units: hidden, inputSize: input, returnSequences: false,
    W: tensor(rand(rng, g * input, sW), [g, input]),
    R: tensor(rand(rng, g * hidden, sR), [g, hidden]),
    bW: tensor(rand(rng, g, 0.1), [g]),
    bR: tensor(rand(rng, g, 0.1), [g]),
    recurrentActivation: 'sigmoid',
    ...(kind === 'gru' ? { resetAfter: true } : {}),
  } as RecurrentLayer;
  const out: Layer = {
    kind: 'dense', name: 'out', inputSize: hidden, units: 4,
    W: tensor(rand(rng, 4 * hidden, Math.sqrt(6 / (hidden + 4))), [4, hidden]), b: tensor(rand(rng, 4, 0.1), [4]), activation: 'softmax',
  };
  return verify({
    name: `${kind}-h${hidden}-i${input}`,
    input: { features: input, deviceType: 'int8', scale: 1 / 64, unit: 'g' },
    layers: [rec, out],
    labels: ['a', 'b', 'c', 'd'],
    source: { format: 'ir', file: `bench/models.ts (${kind} h${hidden} i${input})` },
  });
}

/** Random int8 device-unit frames (accelerometer-like: ±2 g at 64 per g). */
export function randomFrames(features: number, n: number, seed: string): number[][] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: features }, () => Math.max(-128, Math.min(127, Math.round((rng() * 2 - 1) * 128)))));
}

/** Random token-id frames ([id]) below `vocab`. */
export function randomTokens(vocab: number, n: number, seed: string): number[][] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => [Math.floor(rng() * vocab)]);
}

export function paramCount(ir: ModelIR): number {
  let n = 0;
  for (const l of ir.layers) {
    if (l.kind === 'embedding') n += l.table.size;
    else if (l.kind === 'dense') n += l.W.size + l.b.size;
    else n += l.W.size + l.R.size + l.bW.size + l.bR.size;
  }
  return n;
}

/** Layer description for WWBaseline.load: [offset, length] of each tensor in one Float32Array. */
export interface BaselineSpec {
  features: number;
  scale: number;
  layers: Array<{
    kind: string; units: number; inSize: number; act?: string; hard?: boolean; resetAfter?: boolean;
    W?: [number, number]; R?: [number, number]; bW?: [number, number]; bR?: [number, number]; table?: [number, number];
  }>;
}

/** The float32 weights of `ir` laid out for the hand-written baseline, and their spec. */
export function baselineSpec(ir: ModelIR): { spec: BaselineSpec; weights: Float32Array } {
  const parts: Float32Array[] = [];
  let off = 0;
  const put = (t: { size: number } & Parameters<typeof contiguous>[0]): [number, number] => {
    const a = contiguous(t);
    parts.push(a);
    const r: [number, number] = [off, a.length];
    off += a.length;
    return r;
  };
  const layers: BaselineSpec['layers'] = ir.layers.map((l) => {
    if (l.kind === 'embedding') return { kind: 'embedding', units: l.dim, inSize: l.vocab, table: put(l.table) };
    if (l.kind === 'dense') return { kind: 'dense', units: l.units, inSize: l.inputSize, act: l.activation, W: put(l.W), bW: put(l.b) };
    if (l.h0 || (l.kind === 'lstm' && l.c0)) throw new Error(`bench baseline: layer ${l.name} has an initial state, which the hand-written baseline does not model`);
    return {
      kind: l.kind, units: l.units, inSize: l.inputSize,
      act: l.kind === 'simple_rnn' ? l.activation : undefined,
      hard: l.kind !== 'simple_rnn' && l.recurrentActivation === 'hard_sigmoid',
      resetAfter: l.kind === 'gru' ? l.resetAfter : undefined,
      W: put(l.W), R: put(l.R), bW: put(l.bW), bR: put(l.bR),
    };
  });
  const weights = new Float32Array(off);
  let o = 0;
  for (const p of parts) { weights.set(p, o); o += p.length; }
  return { spec: { features: ir.input.features, scale: ir.input.scale, layers }, weights };
}

function benchModel(id: string, ir: ModelIR, calib: number[][][], frames: number[][], example: boolean): BenchModel {
  const plan = planModel(ir, calib, { quiet: true });
  const rec = ir.layers.find(isRecurrent);
  return {
    id, kind: rec?.kind ?? ir.layers[0].kind, hidden: rec?.units ?? 0, input: ir.input.features, example,
    ir, plan, ww: wwBytes(plan), macs: macsPerStep(ir), params: paramCount(ir), frames,
  };
}

export interface SweepOptions {
  kinds?: readonly ('gru' | 'lstm')[];
  hidden?: readonly number[];
  input?: readonly number[];
  /** Include the example models (default true). */
  examples?: boolean;
  /** Frames per model used for timing and the correctness check. */
  frames?: number;
}

/** Examples: every folder examples/<name>/model with a loadable model; calibrated on random frames of its input width. */
export async function exampleModels(root: string, frames: number): Promise<BenchModel[]> {
  const out: BenchModel[] = [];
  const dir = path.join(root, 'examples');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
    const m = path.join(dir, name, 'model');
    if (!fs.existsSync(m)) continue;
    const ir = await loadModel(m);
    const first = ir.layers[0];
    // Token models (Embedding first) get random token ids; the others random int8 frames.
    const gen = (n: number, seed: string) => (first.kind === 'embedding' ? randomTokens(first.vocab, n, seed) : randomFrames(ir.input.features, n, seed));
    const calib = Array.from({ length: 50 }, (_, i) => gen(20, `calib-${name}-${i}`));
    out.push(benchModel(`example:${name}`, ir, calib, gen(frames, `frames-${name}`), true));
  }
  return out;
}

export async function benchModels(root: string, o: SweepOptions = {}): Promise<BenchModel[]> {
  const n = o.frames ?? 32;
  const models: BenchModel[] = [];
  for (const kind of o.kinds ?? SWEEP_KINDS) {
    for (const hidden of o.hidden ?? SWEEP_HIDDEN) {
      for (const input of o.input ?? SWEEP_INPUT) {
        const ir = randomModel(kind, hidden, input);
        const calib = Array.from({ length: 30 }, (_, i) => randomFrames(input, 20, `calib-${ir.name}-${i}`));
        models.push(benchModel(ir.name, ir, calib, randomFrames(input, n, `frames-${ir.name}`), false));
      }
    }
  }
  if (o.examples !== false) models.push(...await exampleModels(root, n));
  return models;
}
