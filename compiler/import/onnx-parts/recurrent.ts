/**
 * ONNX GRU / LSTM / RNN nodes → IR recurrent layers. Translates ONNX's layout into the IR's:
 * W [1, G*H, in] → [G*H, in]; B [1, 2*G*H] → bW, bR; gate order LSTM i,o,f,c → i,f,c,o
 * (GRU z,r,h is already the IR order); `linear_before_reset` → resetAfter; activations
 * → recurrentActivation (Sigmoid, or HardSigmoid with alpha 0.2 / beta 0.5, which is exactly
 * TF.js's hard_sigmoid) or SimpleRNN tanh/relu; initial_h / initial_c → h0 / c0 when they are
 * the same for every sequence of the batch. Whatever the IR cannot express exactly
 * (another direction, clip, input_forget, peepholes, a state fed in at run time) is a
 * WatchwordError naming the node.
 */
import { WatchwordError } from '../../errors';
import { reorderGates, tensor, zeros } from '../../ir/tensor';
import type { GRULayer, LSTMLayer, RecurrentLayer, SimpleRNNLayer, Tensor } from '../../ir/types';
import type { AttrValue, ConstTensor } from './decode';
import { describe, type Act, type Value } from './values';

const GATES = { GRU: 3, LSTM: 4, RNN: 1 } as const;
export type RecurrentOp = keyof typeof GATES;

/** Which of the node's optional inputs were given (PyTorch writes '' for absent ones). */
interface Inputs {
  X: Act;
  W: Value; R: Value; B?: Value; lens?: Value; h0?: Value; c0?: Value; P?: Value;
}

export interface RecurrentResult {
  layer: RecurrentLayer;
  layout: 0 | 1;
  lens: string | null;
}

function constOf(v: Value | undefined, what: string, where: string): ConstTensor {
  if (!v || v.kind !== 'const') throw new WatchwordError(`${where}: ${what} must be a constant (an initializer), got ${v ? describe(v) : 'nothing'}`);
  if (v.t.dtype !== 'float') throw new WatchwordError(`${where}: ${what} must be a float tensor`);
  return v.t;
}

function shapeIs(t: ConstTensor, want: number[], what: string, where: string): void {
  if (t.dims.length !== want.length || t.dims.some((d, i) => d !== want[i])) {
    throw new WatchwordError(`${where}: ${what} has shape [${t.dims.join(', ')}], expected [${want.join(', ')}]`);
  }
}

/**
 * One state vector [H] from initial_h / initial_c, or undefined for zeros. Accepts a constant
 * [1, batch, H] (or [batch, 1, H] for layout=1) whose batch rows are all equal, and a
 * broadcast constant (ConstantOfShape / Expand glue) whose batch axis is broadcast.
 */
function stateOf(v: Value | undefined, H: number, layout: 0 | 1, what: string, where: string): Tensor | undefined {
  if (!v) return undefined;
  let base: ConstTensor;
  if (v.kind === 'const') base = v.t;
  else if (v.kind === 'bcast') base = v.base;
  else if (v.kind === 'input') {
    throw new WatchwordError(`${where}: ${what} comes from graph input '${v.name}', a state supplied at run time; the device starts every sequence from a fixed state, so export with a constant initial state or none`);
  } else {
    throw new WatchwordError(`${where}: ${what} must be a constant (same for every sequence), got ${describe(v)}`);
  }
  if (base.dtype !== 'float' || base.dims.length !== 3) throw new WatchwordError(`${where}: ${what} must be a 3-d float tensor, got shape [${base.dims.join(', ')}]`);
  const dirAxis = layout === 0 ? 0 : 1, batchAxis = layout === 0 ? 1 : 0;
  if (base.dims[dirAxis] !== 1) throw new WatchwordError(`${where}: ${what} has ${base.dims[dirAxis]} directions, expected 1`);
  if (base.dims[2] !== H && base.dims[2] !== 1) throw new WatchwordError(`${where}: ${what} has ${base.dims[2]} units, expected ${H}`);
  if (v.kind === 'bcast') {
    const full = v.dims;
    if (typeof full[dirAxis] === 'number' && full[dirAxis] !== 1) throw new WatchwordError(`${where}: ${what} has ${full[dirAxis]} directions, expected 1`);
    if (typeof full[2] === 'number' && full[2] !== H) throw new WatchwordError(`${where}: ${what} has ${full[2]} units, expected ${H}`);
  }
  const rows = base.dims[batchAxis];
  const unit = base.dims[2];
  const out = new Float32Array(H);
  for (let k = 0; k < H; k++) out[k] = base.data[unit === 1 ? 0 : k];
  for (let b = 1; b < rows; b++) {
    for (let k = 0; k < unit; k++) {
      if (base.data[b * unit + k] !== base.data[k]) {
        throw new WatchwordError(`${where}: ${what} differs between sequences of the batch (row ${b}, unit ${k}); the device runs one sequence at a time from one initial state`);
      }
    }
  }
  return out.every((x) => x === 0) ? undefined : tensor(out, [H]);
}

function activationList(op: RecurrentOp, attrs: Map<string, AttrValue>, where: string): { gate: 'sigmoid' | 'hard_sigmoid'; rnn: 'tanh' | 'relu' } {
  const defaults = { GRU: ['Sigmoid', 'Tanh'], LSTM: ['Sigmoid', 'Tanh', 'Tanh'], RNN: ['Tanh'] }[op];
  const raw = attrs.get('activations');
  const acts = raw === undefined ? defaults : raw;
  if (!Array.isArray(acts) || acts.some((a) => typeof a !== 'string') || acts.length !== defaults.length) {
    throw new WatchwordError(`${where}: activations ${JSON.stringify(acts)} are not supported (expected ${defaults.length} names for one direction, e.g. ${JSON.stringify(defaults)})`);
  }
  const names = (acts as string[]).map((a) => a.toLowerCase());
  const alphas = attrs.get('activation_alpha'), betas = attrs.get('activation_beta');
  const bad = () => new WatchwordError(`${where}: activations ${JSON.stringify(acts)} are not supported (${op}: ${
    op === 'RNN' ? '["Tanh"] or ["Relu"]' : `gate Sigmoid or HardSigmoid(0.2, 0.5), then ${op === 'GRU' ? 'Tanh' : 'Tanh, Tanh'}`})`);
  if (op === 'RNN') {
    if (alphas !== undefined || betas !== undefined) throw bad();
    if (names[0] === 'tanh') return { gate: 'sigmoid', rnn: 'tanh' };
    if (names[0] === 'relu') return { gate: 'sigmoid', rnn: 'relu' };
    throw bad();
  }
  if (names.slice(1).some((n) => n !== 'tanh')) throw bad();
  if (names[0] === 'sigmoid') {
    if (alphas !== undefined || betas !== undefined) throw bad();
    return { gate: 'sigmoid', rnn: 'tanh' };
  }
  if (names[0] === 'hardsigmoid') {
    // ONNX HardSigmoid = clip(alpha*x + beta, 0, 1), defaults 0.2 / 0.5 — the IR's hard_sigmoid
    const a = Array.isArray(alphas) ? (alphas as number[])[0] : 0.2;
    const b = Array.isArray(betas) ? (betas as number[])[0] : 0.5;
    if (Math.abs(a - 0.2) > 1e-6 || Math.abs(b - 0.5) > 1e-6) {
      throw new WatchwordError(`${where}: HardSigmoid with alpha ${a} and beta ${b} is not supported (only 0.2 and 0.5)`);
    }
    return { gate: 'hard_sigmoid', rnn: 'tanh' };
  }
  throw bad();
}

/** An integer attribute (or its default), checked: a corrupt file must not yield `null` units. */
function intAttr(attrs: Map<string, AttrValue>, key: string, dflt: number | undefined, where: string): number | undefined {
  const v = attrs.has(key) ? attrs.get(key) : dflt;
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new WatchwordError(`${where}: attribute '${key}' must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

export function recurrentLayer(op: RecurrentOp, name: string, ins: Inputs, attrs: Map<string, AttrValue>, where: string): RecurrentResult {
  const direction = attrs.get('direction') ?? 'forward';
  if (direction !== 'forward') {
    throw new WatchwordError(`${where}: direction '${String(direction)}' is not supported (only 'forward': the device sees each frame once, as it arrives)`);
  }
  if (attrs.has('clip')) throw new WatchwordError(`${where}: the 'clip' attribute (cell clipping at ${String(attrs.get('clip'))}) is not supported`);
  if (op === 'LSTM' && intAttr(attrs, 'input_forget', 0, where) !== 0) throw new WatchwordError(`${where}: input_forget=1 (coupled input and forget gates) is not supported`);
  const layoutAttr = intAttr(attrs, 'layout', 0, where);
  if (layoutAttr !== 0 && layoutAttr !== 1) throw new WatchwordError(`${where}: layout ${String(layoutAttr)} is not 0 or 1`);
  const layout = layoutAttr as 0 | 1;
  const G = GATES[op];

  const W = constOf(ins.W, 'W', where);
  if (W.dims.length !== 3 || W.dims[0] !== 1 || W.dims[1] % G !== 0 || W.dims[1] === 0) {
    throw new WatchwordError(`${where}: W has shape [${W.dims.join(', ')}], expected [1, ${G}*hidden_size, input_size]`);
  }
  const H = W.dims[1] / G;
  const hs = intAttr(attrs, 'hidden_size', undefined, where);
  if (hs !== undefined && hs !== H) throw new WatchwordError(`${where}: hidden_size ${String(hs)} does not match W's ${G}*${H} rows`);
  const I = W.dims[2];
  if (I !== ins.X.width) throw new WatchwordError(`${where}: W takes ${I} inputs per step but the data reaching it has ${ins.X.width}`);
  const R = constOf(ins.R, 'R', where);
  shapeIs(R, [1, G * H, H], 'R', where);
  let bW: Tensor, bR: Tensor;
  if (ins.B) {
    const B = constOf(ins.B, 'B', where);
    shapeIs(B, [1, 2 * G * H], 'B', where);
    bW = tensor(Float32Array.from(B.data.subarray(0, G * H)), [G * H]);
    bR = tensor(Float32Array.from(B.data.subarray(G * H)), [G * H]);
  } else {
    bW = zeros([G * H]);
    bR = zeros([G * H]);
  }
  if (ins.P) {
    const P = ins.P.kind === 'const' ? ins.P.t : null;
    if (!P || P.data.some((x) => x !== 0)) throw new WatchwordError(`${where}: LSTM peepholes (input P) are not supported`);
  }
  let lens: string | null = null;
  if (ins.lens) {
    if (ins.lens.kind !== 'input' || ins.lens.dims.length !== 1) {
      throw new WatchwordError(`${where}: sequence_lens must be a 1-d graph input (each sequence's length), got ${describe(ins.lens)}`);
    }
    lens = ins.lens.name;
  }
  const acts = activationList(op, attrs, where);
  let Wt: Tensor = tensor(Float32Array.from(W.data), [G * H, I]);
  let Rt: Tensor = tensor(Float32Array.from(R.data), [G * H, H]);
  const h0 = stateOf(ins.h0, H, layout, 'initial_h', where);
  const base = { name, units: H, inputSize: I, returnSequences: true, W: Wt, R: Rt, bW, bR, ...(h0 ? { h0 } : {}) };
  let layer: RecurrentLayer;
  if (op === 'GRU') {
    const lbr = intAttr(attrs, 'linear_before_reset', 0, where);
    if (lbr !== 0 && lbr !== 1) throw new WatchwordError(`${where}: linear_before_reset ${String(lbr)} is not 0 or 1`);
    layer = { kind: 'gru', ...base, recurrentActivation: acts.gate, resetAfter: lbr === 1 } satisfies GRULayer;
  } else if (op === 'LSTM') {
    // ONNX gate blocks i, o, f, c → IR i, f, c, o
    const order = [0, 2, 3, 1];
    Wt = reorderGates(Wt, H, order);
    Rt = reorderGates(Rt, H, order);
    const c0 = stateOf(ins.c0, H, layout, 'initial_c', where);
    layer = {
      kind: 'lstm', ...base, W: Wt, R: Rt, bW: reorderGates(bW, H, order), bR: reorderGates(bR, H, order),
      recurrentActivation: acts.gate, ...(c0 ? { c0 } : {}),
    } satisfies LSTMLayer;
  } else {
    layer = { kind: 'simple_rnn', ...base, activation: acts.rnn } satisfies SimpleRNNLayer;
  }
  return { layer, layout, lens };
}
