/**
 * The float reference: runs the IR exactly as the training framework defines it, in float64,
 * step by step (streaming state) or over whole sequences / batches. Every later stage
 * (int8 quantization, the device runtime) is measured against this.
 *
 * Streaming semantics, shared with the device runtime: each frame goes through every layer in
 * order; recurrent layers update their state; the layers after the last recurrent layer are
 * applied to the current state, so `step` returns at every frame the output the model would
 * give if the sequence ended there, and the output after the last frame is the whole-sequence
 * output (Keras return_sequences=false) — or its last step (return_sequences=true).
 */
import { gateFn, relu, sigmoid, softmaxInPlace, tanh } from '../ir/activations';
import { contiguous } from '../ir/tensor';
import type { DenseLayer, Layer, ModelIR, RecurrentLayer, Tensor } from '../ir/types';
import { WatchwordError } from '../errors';

/** Per-layer state: h (and c for LSTM); null for stateless layers. */
export interface FloatState {
  h: (Float64Array | null)[];
  c: (Float64Array | null)[];
}

/** Contiguous float64 copies of a layer's weights, made once per model. */
interface Prepared {
  W: Float64Array; R: Float64Array; bW: Float64Array; bR: Float64Array; rows: number; cols: number;
}

const cache = new WeakMap<Layer, Prepared>();

function prep(l: RecurrentLayer | DenseLayer): Prepared {
  let p = cache.get(l);
  if (!p) {
    const f64 = (t: Tensor | undefined) => (t ? Float64Array.from(contiguous(t)) : new Float64Array(0));
    p = l.kind === 'dense'
      ? { W: f64(l.W), R: new Float64Array(0), bW: f64(l.b), bR: new Float64Array(0), rows: l.units, cols: l.inputSize }
      : { W: f64(l.W), R: f64(l.R), bW: f64(l.bW), bR: f64(l.bR), rows: l.W.shape[0], cols: l.inputSize };
    cache.set(l, p);
  }
  return p;
}

/** out[r] = sum_j M[r, j] * v[j] + b[r], for rows [r0, r0+n). */
function matvec(M: Float64Array, cols: number, v: ArrayLike<number>, b: Float64Array, r0: number, n: number, out: Float64Array): void {
  for (let r = 0; r < n; r++) {
    let s = b.length ? b[r0 + r] : 0;
    const base = (r0 + r) * cols;
    for (let j = 0; j < cols; j++) s += M[base + j] * v[j];
    out[r] = s;
  }
}

export function initialState(ir: ModelIR): FloatState {
  const h: (Float64Array | null)[] = [];
  const c: (Float64Array | null)[] = [];
  for (const l of ir.layers) {
    if (l.kind === 'simple_rnn' || l.kind === 'gru' || l.kind === 'lstm') {
      h.push(l.h0 ? Float64Array.from(contiguous(l.h0)) : new Float64Array(l.units));
      c.push(l.kind === 'lstm' ? (l.c0 ? Float64Array.from(contiguous(l.c0)) : new Float64Array(l.units)) : null);
    } else {
      h.push(null);
      c.push(null);
    }
  }
  return { h, c };
}

function stepRecurrent(l: RecurrentLayer, st: FloatState, i: number, x: ArrayLike<number>): Float64Array {
  const p = prep(l);
  const u = l.units;
  const h = st.h[i]!;
  if (l.kind === 'simple_rnn') {
    const a = new Float64Array(u), b = new Float64Array(u);
    matvec(p.W, l.inputSize, x, p.bW, 0, u, a);
    matvec(p.R, u, h, p.bR, 0, u, b);
    const act = l.activation === 'tanh' ? tanh : relu;
    for (let k = 0; k < u; k++) h[k] = act(a[k] + b[k]);
    return h;
  }
  const g = gateFn(l.recurrentActivation);
  if (l.kind === 'gru') {
    const xw = new Float64Array(3 * u), hr = new Float64Array(3 * u);
    matvec(p.W, l.inputSize, x, p.bW, 0, 3 * u, xw);
    matvec(p.R, u, h, p.bR, 0, 2 * u, hr); // z and r rows
    const z = new Float64Array(u), r = new Float64Array(u);
    for (let k = 0; k < u; k++) { z[k] = g(xw[k] + hr[k]); r[k] = g(xw[u + k] + hr[u + k]); }
    const n = new Float64Array(u);
    if (l.resetAfter) {
      const rh = new Float64Array(u);
      matvec(p.R, u, h, p.bR, 2 * u, u, rh);
      for (let k = 0; k < u; k++) n[k] = tanh(xw[2 * u + k] + r[k] * rh[k]);
    } else {
      const rhv = new Float64Array(u);
      for (let k = 0; k < u; k++) rhv[k] = r[k] * h[k];
      const rh = new Float64Array(u);
      matvec(p.R, u, rhv, p.bR, 2 * u, u, rh);
      for (let k = 0; k < u; k++) n[k] = tanh(xw[2 * u + k] + rh[k]);
    }
    for (let k = 0; k < u; k++) h[k] = z[k] * h[k] + (1 - z[k]) * n[k];
    return h;
  }
  // LSTM, gates [i, f, c, o]
  const c = st.c[i]!;
  const a = new Float64Array(4 * u), b = new Float64Array(4 * u);
  matvec(p.W, l.inputSize, x, p.bW, 0, 4 * u, a);
  matvec(p.R, u, h, p.bR, 0, 4 * u, b);
  for (let k = 0; k < u; k++) {
    const ig = g(a[k] + b[k]);
    const fg = g(a[u + k] + b[u + k]);
    const cc = tanh(a[2 * u + k] + b[2 * u + k]);
    const og = g(a[3 * u + k] + b[3 * u + k]);
    c[k] = fg * c[k] + ig * cc;
    h[k] = og * tanh(c[k]);
  }
  return h;
}

function dense(l: DenseLayer, x: ArrayLike<number>): Float64Array {
  const p = prep(l);
  const out = new Float64Array(l.units);
  matvec(p.W, l.inputSize, x, p.bW, 0, l.units, out);
  switch (l.activation) {
    case 'relu': for (let k = 0; k < out.length; k++) out[k] = relu(out[k]); break;
    case 'sigmoid': for (let k = 0; k < out.length; k++) out[k] = sigmoid(out[k]); break;
    case 'softmax': softmaxInPlace(out); break;
    case 'linear': break;
  }
  return out;
}

/**
 * Feeds one frame (device units) and returns the model output for the sequence so far.
 * Mutates `st`.
 */
export function stepFloat(ir: ModelIR, st: FloatState, frame: ArrayLike<number>): Float64Array {
  if (frame.length !== ir.input.features) {
    throw new WatchwordError(`frame has ${frame.length} values, the model takes ${ir.input.features}`);
  }
  let x: ArrayLike<number>;
  ir.layers.forEach((l, i) => {
    if (i === 0) {
      if (l.kind === 'embedding') {
        const id = frame[0];
        if (!Number.isInteger(id) || id < 0 || id >= l.vocab) throw new WatchwordError(`token id ${id} is outside the vocabulary (0..${l.vocab - 1})`);
        const t = contiguous(l.table);
        x = Float64Array.from(t.subarray(id * l.dim, (id + 1) * l.dim));
        return;
      }
      const s = ir.input.scale;
      x = Float64Array.from(frame, (v) => v * s);
    }
    if (l.kind === 'embedding') throw new WatchwordError(`layer '${l.name}': Embedding must be first`);
    x = l.kind === 'dense' ? dense(l, x) : Float64Array.from(stepRecurrent(l, st, i, x));
  });
  return x! as Float64Array;
}

/** Output after every frame of one sequence. */
export function runFloatSteps(ir: ModelIR, seq: ArrayLike<number>[]): Float64Array[] {
  const st = initialState(ir);
  return seq.map((f) => stepFloat(ir, st, f));
}

/** Whole-sequence output (the output after the last frame). */
export function runFloat(ir: ModelIR, seq: ArrayLike<number>[]): Float64Array {
  if (seq.length === 0) throw new WatchwordError('empty sequence');
  const st = initialState(ir);
  let out: Float64Array = new Float64Array(0);
  for (const f of seq) out = stepFloat(ir, st, f);
  return out;
}

/** A batch of sequences (each may have its own length, as ONNX sequence_lens allows). */
export function runFloatBatch(ir: ModelIR, seqs: ArrayLike<number>[][]): Float64Array[] {
  return seqs.map((s) => runFloat(ir, s));
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
