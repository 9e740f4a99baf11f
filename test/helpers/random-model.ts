/**
 * Random small models built in code (seeded), for tests of quantization, planning, kernels and
 * engines: any layer type, realistic weight magnitudes (Glorot-like uniform), random
 * sequences in device units, plus the whole quantize -> plan pipeline in one call.
 */
import seedrandom from 'seedrandom';
import { tensor } from '../../compiler/ir/tensor';
import { verify } from '../../compiler/ir/verify';
import { GATES, type InputSpec, type Layer, type ModelIR } from '../../compiler/ir/types';
import { calibrate } from '../../compiler/compress/calibrate';
import { quantize } from '../../compiler/compress/quantize';
import { plan, type PlanOptions } from '../../compiler/plan/plan';
import type { Plan } from '../../compiler/plan/types';

export type Rng = () => number;
export const rng = (seed: string | number): Rng => seedrandom(String(seed));

function uni(r: Rng, n: number, a: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() * 2 - 1) * a;
  return out;
}

export interface RandomSpec {
  kind: 'simple_rnn' | 'gru' | 'lstm';
  units?: number;
  features?: number;
  resetAfter?: boolean;
  recurrentActivation?: 'sigmoid' | 'hard_sigmoid';
  activation?: 'tanh' | 'relu';
  /** Stack a second recurrent layer of the same kind. */
  stacked?: boolean;
  embedding?: { vocab: number; dim: number };
  /** Dense head (absent: none, the recurrent layer is the output). */
  head?: 'softmax' | 'linear' | 'sigmoid' | 'relu+softmax' | null;
  classes?: number;
  deviceType?: InputSpec['deviceType'];
  /** Weight scale multiplier (1 = Glorot-like). */
  gain?: number;
  h0?: boolean;
}

export function recurrentLayer(r: Rng, kind: RandomSpec['kind'], name: string, inputSize: number, units: number, spec: RandomSpec, returnSequences: boolean): Layer {
  const g = GATES[kind] * units;
  const gain = spec.gain ?? 1;
  const aw = gain * Math.sqrt(6 / (inputSize + units));
  const ar = gain * Math.sqrt(3 / units);
  const base = {
    name, units, inputSize, returnSequences,
    W: tensor(uni(r, g * inputSize, aw), [g, inputSize]),
    R: tensor(uni(r, g * units, ar), [g, units]),
    bW: tensor(uni(r, g, 0.3 * gain), [g]),
    bR: tensor(kind === 'gru' && spec.resetAfter ? uni(r, g, 0.3 * gain) : new Float32Array(g), [g]),
    h0: spec.h0 ? tensor(uni(r, units, 0.5), [units]) : undefined,
  };
  if (kind === 'simple_rnn') return { ...base, kind, activation: spec.activation ?? 'tanh' };
  if (kind === 'gru') return { ...base, kind, recurrentActivation: spec.recurrentActivation ?? 'sigmoid', resetAfter: spec.resetAfter ?? false };
  return { ...base, kind, recurrentActivation: spec.recurrentActivation ?? 'sigmoid', c0: spec.h0 ? tensor(uni(r, units, 0.5), [units]) : undefined };
}

function dense(r: Rng, name: string, inputSize: number, units: number, activation: 'linear' | 'relu' | 'softmax' | 'sigmoid', gain: number): Layer {
  const a = gain * Math.sqrt(6 / (inputSize + units));
  return { kind: 'dense', name, inputSize, units, activation, W: tensor(uni(r, units * inputSize, a), [units, inputSize]), b: tensor(uni(r, units, 0.2), [units]) };
}

export function randomModel(seed: string | number, spec: RandomSpec): ModelIR {
  const r = rng(seed);
  const units = spec.units ?? 8;
  const deviceType = spec.embedding ? 'token' : spec.deviceType ?? 'int8';
  const features = spec.embedding ? 1 : spec.features ?? 3;
  const layers: Layer[] = [];
  let width = features;
  if (spec.embedding) {
    layers.push({ kind: 'embedding', name: 'emb', vocab: spec.embedding.vocab, dim: spec.embedding.dim, table: tensor(uni(r, spec.embedding.vocab * spec.embedding.dim, 1), [spec.embedding.vocab, spec.embedding.dim]) });
    width = spec.embedding.dim;
  }
  const head = spec.head === undefined ? 'softmax' : spec.head;
  if (spec.stacked) {
    layers.push(recurrentLayer(r, spec.kind, 'rnn1', width, units, spec, true));
    width = units;
  }
  layers.push(recurrentLayer(r, spec.kind, spec.stacked ? 'rnn2' : 'rnn', width, units, spec, false));
  width = units;
  const classes = spec.classes ?? 4;
  const gain = spec.gain ?? 1;
  if (head === 'relu+softmax') {
    layers.push(dense(r, 'hidden', width, 6, 'relu', gain));
    layers.push(dense(r, 'out', 6, classes, 'softmax', gain * 3));
    width = classes;
  } else if (head) {
    layers.push(dense(r, 'out', width, classes, head, gain * 3));
    width = classes;
  }
  const scale = deviceType === 'int8' ? 1 / 64 : deviceType === 'int16' ? 1 / 4096 : 1;
  const ir: ModelIR = {
    name: `random-${spec.kind}-${seed}`,
    input: { features, deviceType, scale, unit: deviceType === 'token' ? 'token' : 'g' },
    layers,
    labels: Array.from({ length: width }, (_, i) => `c${i}`),
    source: { format: 'ir', file: `random:${seed}` },
  };
  return verify(ir, 'random');
}

/** Random sequences in device units for a model's input. */
export function randomSequences(ir: ModelIR, seed: string | number, count: number, minLen = 3, maxLen = 20, extreme = false): number[][][] {
  const r = rng(seed);
  const out: number[][][] = [];
  const first = ir.layers[0];
  for (let n = 0; n < count; n++) {
    const len = minLen + Math.floor(r() * (maxLen - minLen + 1));
    const seq: number[][] = [];
    for (let t = 0; t < len; t++) {
      const f: number[] = [];
      for (let j = 0; j < ir.input.features; j++) {
        switch (ir.input.deviceType) {
          case 'token': f.push(Math.floor(r() * (first.kind === 'embedding' ? first.vocab : 1))); break;
          case 'int8': f.push(extreme ? (r() < 0.5 ? -128 : 127) : Math.round((r() * 2 - 1) * 100)); break;
          case 'int16': f.push(extreme ? (r() < 0.5 ? -32768 : 32767) : Math.round((r() * 2 - 1) * 8000)); break;
          default: f.push((r() * 2 - 1) * 2.5);
        }
      }
      seq.push(f);
    }
    out.push(seq);
  }
  return out;
}

/** calibrate -> quantize -> plan on random calibration data. */
export function planRandom(ir: ModelIR, opts: { hiddenBits?: 8 | 16; calib?: number[][][] } & PlanOptions = {}): Plan {
  const cal = calibrate(ir, opts.calib ?? randomSequences(ir, 'calib', 40), { quiet: true });
  return plan(quantize(ir, cal, { hiddenBits: opts.hiddenBits }), opts);
}
