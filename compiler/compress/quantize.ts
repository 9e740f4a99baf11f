/**
 * Post-training int8 quantization of the IR (the float half of the numeric contract; the
 * fixed-point half — multipliers, shifts, tables, range proof — is compiler/plan/).
 *
 * - Activations are symmetric integers with one real scale each ("real = int * scale"):
 *   the model input (int8/int16 devices: the device integers ARE the quantized input, scale
 *   = input.scale; 'float' devices: a power-of-two scale from calibration, quantized on the
 *   device by floor(v * 2^k + 0.5); 'token': ids into the Embedding, whose table is int8 with
 *   one scale); recurrent hidden states in Q0.7 (int8) or Q0.15 (int16) — tanh, sigmoid
 *   products keep them in [-1, 1] — except relu SimpleRNN states and Dense outputs, whose
 *   scales come from calibration (int8; the last layer's logits int16 with 2x headroom).
 * - Weights are int8 symmetric with one scale per output row. A recurrent row multiplies
 *   two vectors of different scales (x and h), and the runtime accumulates
 *   acc = 2^eW * (W_r . x) + 2^eR * (R_r . h) + b_r, so one real scale S_r per row serves
 *   both halves: W_r is quantized with step S_r * 2^eW / s_x and R_r with S_r * 2^eR / s_h,
 *   and S_r is the smallest that keeps both within +-127. The layer's power-of-two exponents
 *   eW, eR balance the two halves (median ratio of their ranges), so neither wastes bits.
 * - Biases are integers in accumulator units (round(b / S_r)); bW + bR fold into one, except
 *   the candidate rows of a GRU with reset_after, whose recurrent bias is scaled by r.
 * The result carries every real scale, so the plan can derive multipliers and the report
 * can print them.
 */
import { WatchwordError } from '../errors';
import { contiguous } from '../ir/tensor';
import { GATES, isRecurrent, type Layer, type ModelIR } from '../ir/types';
import type { Calibration } from './calibrate';

export interface QuantizeOptions {
  /** Hidden state bits (8: Q0.7 int8, 16: Q0.15 int16). */
  hiddenBits?: 8 | 16;
}

export interface QLayer {
  name: string;
  kind: Layer['kind'];
  index: number;
  inSize: number;
  units: number;
  rows: number;
  /** Real value of one unit of the input / output integers. */
  inScale: number;
  outScale: number;
  /** Output integer range and storage. */
  outLo: number;
  outHi: number;
  outBits: 8 | 16 | 32;
  /** Hidden fractional bits (7 / 15) of tanh/sigmoid-bounded states; 0 otherwise. */
  hb: number;
  W?: Int8Array;
  R?: Int8Array;
  /** Real value of one accumulator unit, per row. */
  rowScale?: Float64Array;
  eW: number;
  eR: number;
  /** Integer biases in accumulator units (not yet range-checked). */
  B?: Float64Array;
  B2?: Float64Array;
  /** Real value of one unit of the value each row is requantized to (2^-F for gates). */
  target?: Float64Array;
  h0?: Float64Array;
  c0?: Float64Array;
  table?: Int8Array;
  layer: Layer;
}

export interface QModel {
  ir: ModelIR;
  F: number;
  hiddenBits: 8 | 16;
  input: { kind: 'int8' | 'int16' | 'float' | 'token'; shift: number; scale: number };
  layers: QLayer[];
  calibration: Calibration;
}

/** Gate pre-activation format: Q3.12 (tanh/sigmoid saturate long before 8). */
export const GATE_F = 12;

const maxAbs = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let m = 0;
  for (let i = from; i < to; i++) { const v = Math.abs(a[i]); if (v > m) m = v; }
  return m;
};

function q8(v: number, step: number): number {
  return Math.max(-127, Math.min(127, Math.round(v / step)));
}

export function quantize(ir: ModelIR, cal: Calibration, opts: QuantizeOptions = {}): QModel {
  const hiddenBits = opts.hiddenBits ?? 8;
  if (hiddenBits !== 8 && hiddenBits !== 16) throw new WatchwordError(`hidden state bits must be 8 or 16, got ${hiddenBits}`);
  const F = GATE_F;
  const file = ir.source.file;
  const inp = ir.input;
  let shift = 0;
  let scale = inp.scale;
  if (inp.deviceType === 'float') {
    if (!(cal.input > 0)) throw new WatchwordError(`${file}: calibration saw no non-zero input value, cannot choose the input scale`);
    shift = Math.floor(Math.log2(127.5 / cal.input));
    shift = Math.max(-30, Math.min(30, shift));
    scale = inp.scale * 2 ** -shift;
  }
  const input = { kind: inp.deviceType, shift, scale };
  let s = inp.deviceType === 'token' ? 1 : scale;
  const last = ir.layers.length - 1;
  const layers: QLayer[] = ir.layers.map((l, i): QLayer => {
    const where = `${file}: layer ${i} '${l.name}' (${l.kind})`;
    if (l.kind === 'embedding') {
      const t = contiguous(l.table);
      const m = maxAbs(t) || 1;
      const step = m / 127;
      const table = Int8Array.from(t, (v) => q8(v, step));
      const q: QLayer = { name: l.name, kind: l.kind, index: i, inSize: l.vocab, units: l.dim, rows: 0, inScale: 1, outScale: step, outLo: -127, outHi: 127, outBits: 8, hb: 0, eW: 0, eR: 0, table, layer: l };
      s = step;
      return q;
    }
    if (l.kind === 'dense') {
      const W = contiguous(l.W);
      const b = contiguous(l.b);
      const n = l.units, cols = l.inputSize;
      const rowScale = new Float64Array(n);
      const Wq = new Int8Array(n * cols);
      const B = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        const m = maxAbs(W, r * cols, (r + 1) * cols) * s;
        rowScale[r] = m > 0 ? m / 127 : Math.max(Math.abs(b[r]) / 2 ** 20, 1e-30);
        for (let j = 0; j < cols; j++) Wq[r * cols + j] = q8(W[r * cols + j] * s, rowScale[r]);
        B[r] = Math.round(b[r] / rowScale[r]);
      }
      let outScale: number, outLo: number, outHi: number, outBits: 8 | 16 | 32, target: number;
      if (l.activation === 'sigmoid') {
        target = 2 ** -F;
        if (i === last) { outScale = 2 ** -15; outLo = 0; outHi = 32768; outBits = 32; }
        else { outScale = 2 ** -7; outLo = 0; outHi = 127; outBits = 8; }
      } else {
        const range = cal.layers[i];
        if (range == null) throw new WatchwordError(`${where}: no calibration range for this layer`);
        const r = range > 0 ? range : 1;
        if (i === last) { outScale = (2 * r) / 32767; outLo = -32767; outHi = 32767; outBits = 16; }
        else { outScale = r / 127; outLo = l.activation === 'relu' ? 0 : -127; outHi = 127; outBits = 8; }
        target = outScale;
      }
      if (l.activation === 'relu') outLo = 0;
      s = outScale;
      return { name: l.name, kind: l.kind, index: i, inSize: cols, units: n, rows: n, inScale: 0, outScale, outLo, outHi, outBits, hb: 0, W: Wq, rowScale, eW: 0, eR: 0, B, target: new Float64Array(n).fill(target), layer: l };
    }
    if (!isRecurrent(l)) throw new WatchwordError(`${where}: unsupported layer kind`);
    const u = l.units, cols = l.inputSize, rows = GATES[l.kind] * u;
    const W = contiguous(l.W), R = contiguous(l.R), bW = contiguous(l.bW), bR = contiguous(l.bR);
    const relu = l.kind === 'simple_rnn' && l.activation === 'relu';
    let sh: number, hb: number, outLo: number, outHi: number;
    if (relu) {
      const range = cal.layers[i];
      if (range == null) throw new WatchwordError(`${where}: no calibration range for this relu layer`);
      const r = range > 0 ? range : 1;
      hb = 0;
      outHi = hiddenBits === 8 ? 127 : 32767;
      outLo = 0;
      sh = r / outHi;
    } else {
      hb = hiddenBits === 8 ? 7 : 15;
      sh = 2 ** -hb;
      outLo = hiddenBits === 8 ? -128 : -32768;
      outHi = hiddenBits === 8 ? 127 : 32767;
    }
    // Balance the two halves of the accumulator with powers of two (median range ratio).
    const ratios: number[] = [];
    for (let r = 0; r < rows; r++) {
      const a = maxAbs(W, r * cols, (r + 1) * cols) * s;
      const c = maxAbs(R, r * u, (r + 1) * u) * sh;
      if (a > 0 && c > 0) ratios.push(Math.log2(a / c));
    }
    ratios.sort((a, b) => a - b);
    const med = ratios.length ? ratios[Math.floor(ratios.length / 2)] : 0;
    const eW = Math.min(24, Math.max(0, Math.round(med)));
    const eR = Math.min(24, Math.max(0, Math.round(-med)));
    const rowScale = new Float64Array(rows);
    const Wq = new Int8Array(rows * cols), Rq = new Int8Array(rows * u);
    const B = new Float64Array(rows);
    const resetAfter = l.kind === 'gru' && l.resetAfter;
    const B2 = resetAfter ? new Float64Array(u) : undefined;
    const target = new Float64Array(rows).fill(relu ? sh : 2 ** -F);
    for (let r = 0; r < rows; r++) {
      const a = (maxAbs(W, r * cols, (r + 1) * cols) * s) / (127 * 2 ** eW);
      const c = (maxAbs(R, r * u, (r + 1) * u) * sh) / (127 * 2 ** eR);
      const m = Math.max(a, c);
      rowScale[r] = m > 0 ? m : Math.max((Math.abs(bW[r]) + Math.abs(bR[r])) / 2 ** 20, 1e-30);
      for (let j = 0; j < cols; j++) Wq[r * cols + j] = q8(W[r * cols + j] * s, rowScale[r] * 2 ** eW);
      for (let j = 0; j < u; j++) Rq[r * u + j] = q8(R[r * u + j] * sh, rowScale[r] * 2 ** eR);
      if (resetAfter && r >= 2 * u) {
        B[r] = Math.round(bW[r] / rowScale[r]);
        B2![r - 2 * u] = Math.round(bR[r] / rowScale[r]);
      } else {
        B[r] = Math.round((bW[r] + bR[r]) / rowScale[r]);
      }
    }
    const q: QLayer = { name: l.name, kind: l.kind, index: i, inSize: cols, units: u, rows, inScale: s, outScale: sh, outLo, outHi, outBits: hiddenBits === 8 ? 8 : 16, hb, W: Wq, R: Rq, rowScale, eW, eR, B, B2, target, layer: l };
    if (l.h0) q.h0 = Float64Array.from(contiguous(l.h0), (v) => Math.max(outLo, Math.min(outHi, Math.round(v / sh))));
    if (l.kind === 'lstm' && l.c0) q.c0 = Float64Array.from(contiguous(l.c0), (v) => Math.max(-2097151, Math.min(2097151, Math.round(v * 32768))));
    s = sh;
    return q;
  });
  // Dense layers record their input scale (the previous output) for the report.
  layers.forEach((q, i) => { if (q.kind === 'dense') q.inScale = i === 0 ? scale : layers[i - 1].outScale; });
  return { ir, F, hiddenBits, input, layers, calibration: cal };
}
