/**
 * Turns a plan into the `.ww` sections and labels (for compiler/emit/wwfile.ts `writeWW`),
 * in the numbering of runtime/layer.ts: an Int32 header (global slots, then 16 per layer),
 * the tanh table, and per layer its int8 weights (W, R), biases (int16 when every bias fits,
 * else int32), uint16 multipliers, and optional initial states / embedding table. Nothing
 * float reaches the device. A layer whose weights are mostly zero (a pruned model) stores
 * them as a bitmask plus the nonzero values when that is at least 20 % smaller (and the
 * plan allows it); the runtime expands them into RAM once at load.
 */
import { WatchwordError } from '../errors';
import * as RT from '../../runtime/layer';
import type { WWSection } from './wwfile';
import type { Plan, PlanLayer } from '../plan/types';

const KIND: Record<PlanLayer['kind'], number> = {
  dense: RT.KIND_DENSE, embedding: RT.KIND_EMBEDDING, simple_rnn: RT.KIND_SIMPLE_RNN, gru: RT.KIND_GRU, lstm: RT.KIND_LSTM,
};
const INPUT: Record<string, number> = { int8: RT.INPUT_INT8, int16: RT.INPUT_INT16, float: RT.INPUT_FLOAT, token: RT.INPUT_TOKEN };
const DENSE_ACT: Record<string, number> = { linear: RT.ACT_LINEAR, relu: RT.ACT_RELU, sigmoid: RT.ACT_SIGMOID, softmax: RT.ACT_SOFTMAX };

function ints(a: ArrayLike<number>, bits: 16 | 32, what: string): Int16Array | Int32Array {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isInteger(a[i]) || Math.abs(a[i]) > (bits === 16 ? 32767 : 2147483647)) throw new WatchwordError(`${what}: value ${a[i]} at ${i} does not fit int${bits}`);
  }
  return bits === 16 ? Int16Array.from(a) : Int32Array.from(a);
}

/** Bitmask + nonzero values of the concatenated arrays, when at least 20 % smaller than dense. */
export function sparseWeights(parts: Int8Array[]): { mask: Uint8Array; vals: Int8Array } | null {
  const n = parts.reduce((a, x) => a + x.length, 0);
  let nnz = 0;
  for (const x of parts) for (const v of x) if (v !== 0) nnz++;
  const bytes = Math.ceil(n / 8) + nnz;
  if (bytes > 0.8 * n) return null;
  const mask = new Uint8Array(Math.ceil(n / 8));
  const vals = new Int8Array(nnz);
  let i = 0, k = 0;
  for (const x of parts) for (const v of x) {
    if (v !== 0) { mask[i >> 3] |= 1 << (i & 7); vals[k++] = v; }
    i++;
  }
  return { mask, vals };
}

export function serialize(p: Plan): { sections: WWSection[]; strings: string[]; flags: number } {
  const n = p.layers.length;
  const hd = new Int32Array(RT.HEADER_GLOBAL + RT.HEADER_LAYER * n);
  hd[RT.H_PLAN_VERSION] = RT.PLAN_VERSION;
  hd[RT.H_LAYERS] = n;
  hd[RT.H_FEATURES] = p.q.ir.input.features;
  hd[RT.H_INPUT_KIND] = INPUT[p.q.input.kind];
  hd[RT.H_INPUT_SHIFT] = p.q.input.shift;
  hd[RT.H_F] = p.F;
  hd[RT.H_LUT_N] = p.lut.lut.N;
  hd[RT.H_LUT_K] = p.lut.lut.k;
  hd[RT.H_SCORE_KIND] = p.score.kind === 'sigmoid' ? RT.SCORE_SIGMOID : RT.SCORE_SOFTMAX;
  hd[RT.H_SCORE_M] = p.score.M;
  hd[RT.H_SCORE_S] = p.score.s;
  hd[RT.H_OUTPUTS] = p.layers[n - 1].units;
  const sections: WWSection[] = [{ tag: RT.TAG_HEADER, data: hd }, { tag: RT.TAG_LUT, data: p.lut.lut.T }];
  p.layers.forEach((l, i) => {
    const b = RT.HEADER_GLOBAL + RT.HEADER_LAYER * i;
    const tag = RT.TAG_LAYER_BASE + 16 * i;
    const ir = l.layer as { activation?: string; recurrentActivation?: string; resetAfter?: boolean; returnSequences?: boolean };
    let flags = 0;
    if (ir.returnSequences) flags |= RT.FLAG_RETURN_SEQ;
    if (l.kind === 'gru' && ir.resetAfter) flags |= RT.FLAG_RESET_AFTER;
    if (ir.recurrentActivation === 'hard_sigmoid') flags |= RT.FLAG_HARD_SIGMOID;
    if (l.h0) flags |= RT.FLAG_H0;
    if (l.c0) flags |= RT.FLAG_C0;
    hd[b + RT.L_KIND] = KIND[l.kind];
    hd[b + RT.L_IN] = l.inSize;
    hd[b + RT.L_UNITS] = l.units;
    hd[b + RT.L_FLAGS] = flags;
    hd[b + RT.L_ACT] = l.kind === 'dense' ? DENSE_ACT[ir.activation!] : l.kind === 'simple_rnn' && ir.activation === 'relu' ? RT.ACT_RELU_RNN : RT.ACT_TANH;
    hd[b + RT.L_SHIFT] = l.shift;
    hd[b + RT.L_EW] = l.eW;
    hd[b + RT.L_ER] = l.eR;
    hd[b + RT.L_HB] = l.hb;
    hd[b + RT.L_OUT_LO] = l.outLo;
    hd[b + RT.L_OUT_HI] = l.outHi;
    hd[b + RT.L_OUT_TYPE] = l.outBits === 8 ? RT.OUT_INT8 : l.outBits === 16 ? RT.OUT_INT16 : RT.OUT_INT32;
    const where = `layer ${i} '${l.name}'`;
    if (l.kind === 'embedding') {
      sections.push({ tag: tag + RT.T_TABLE, data: l.table! });
      return;
    }
    const bits = l.bounds!.biasBits;
    const sparse = p.sparse ? sparseWeights(l.R ? [l.W!, l.R] : [l.W!]) : null;
    if (sparse) {
      hd[b + RT.L_FLAGS] = flags | RT.FLAG_SPARSE;
      sections.push({ tag: tag + RT.T_MASK, data: sparse.mask }, { tag: tag + RT.T_VALS, data: sparse.vals });
    } else {
      sections.push({ tag: tag + RT.T_W, data: l.W! });
      if (l.R) sections.push({ tag: tag + RT.T_R, data: l.R });
    }
    sections.push({ tag: tag + RT.T_B, data: ints(l.B!, bits, `${where} bias`) });
    if (l.B2) sections.push({ tag: tag + RT.T_B2, data: ints(l.B2, bits, `${where} recurrent bias`) });
    sections.push({ tag: tag + RT.T_M, data: l.M! });
    if (l.h0) sections.push({ tag: tag + RT.T_H0, data: l.outBits === 8 ? Int8Array.from(l.h0) : Int16Array.from(l.h0) });
    if (l.c0) sections.push({ tag: tag + RT.T_C0, data: Int32Array.from(l.c0) });
  });
  return { sections, strings: p.labels, flags: 0 };
}
