/**
 * Turns a plan into the `.ww` sections and labels (for compiler/emit/wwfile.ts `writeWW`),
 * in the numbering of runtime/layer.ts: an Int32 header (global slots, then 16 per layer),
 * the tanh table, and per layer its int8 weights (W, R), biases (int16 when every bias fits,
 * else int32), uint16 multipliers, and optional initial states / embedding table. Nothing
 * float reaches the device. Each weight matrix is written in the form the plan chose
 * (plan/encoding.ts): dense rows, CSR (computed on in place) or bitmask + values (expanded
 * into RAM at load). The header is int16 when every slot fits (it usually does), else int32;
 * the runtime indexes it either way.
 */
import { WatchwordError } from '../errors';
import * as RT from '../../runtime/layer';
import type { WWSection } from './wwfile';
import type { Encoding } from '../plan/encoding';
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

/** Bitmask form: one uint8 section, the mask of the nonzeros then the nonzero values (as uint8). */
export function bitmaskSection(M: Int8Array): Uint8Array {
  let nnz = 0;
  for (const v of M) if (v !== 0) nnz++;
  const mb = Math.ceil(M.length / 8);
  const out = new Uint8Array(mb + nnz);
  let k = mb;
  M.forEach((v, i) => {
    if (v !== 0) { out[i >> 3] |= 1 << (i & 7); out[k++] = v & 0xff; }
  });
  return out;
}

/** CSR form: nonzero values (row-major), their columns (uint8 / uint16) and rows + 1 row starts (uint16 / int32). */
export function csrSections(M: Int8Array, rows: number, cols: number): { v: Int8Array; c: Uint8Array | Uint16Array; p: Uint16Array | Int32Array } {
  let nnz = 0;
  for (const v of M) if (v !== 0) nnz++;
  const v = new Int8Array(nnz);
  const c = cols <= 256 ? new Uint8Array(nnz) : new Uint16Array(nnz);
  const p = nnz <= 65535 ? new Uint16Array(rows + 1) : new Int32Array(rows + 1);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    p[r] = k;
    for (let j = 0; j < cols; j++) {
      const x = M[r * cols + j];
      if (x !== 0) { v[k] = x; c[k] = j; k++; }
    }
  }
  p[rows] = k;
  return { v, c, p };
}

function matrixSections(M: Int8Array, rows: number, cols: number, enc: Encoding, tags: { dense: number; mask: number; cols: number; ptr: number }): WWSection[] {
  if (enc === 'bitmask') return [{ tag: tags.mask, data: bitmaskSection(M) }];
  if (enc === 'csr') {
    const s = csrSections(M, rows, cols);
    return [{ tag: tags.dense, data: s.v }, { tag: tags.cols, data: s.c }, { tag: tags.ptr, data: s.p }];
  }
  return [{ tag: tags.dense, data: M }];
}

/** The header as int16 when every slot fits (saves half of it), else int32. */
function header(hd: Int32Array): Int16Array | Int32Array {
  return hd.every((v) => v >= -32768 && v <= 32767) ? Int16Array.from(hd) : hd;
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
  // The header is filled in below; its final (possibly int16) form replaces it at the end.
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
    const eW: Encoding = l.enc?.W.encoding ?? 'dense';
    const eR: Encoding = l.enc?.R?.encoding ?? 'dense';
    if (eW === 'bitmask') flags |= RT.FLAG_W_MASK;
    if (eW === 'csr') flags |= RT.FLAG_W_CSR;
    if (l.R && eR === 'bitmask') flags |= RT.FLAG_R_MASK;
    if (l.R && eR === 'csr') flags |= RT.FLAG_R_CSR;
    hd[b + RT.L_FLAGS] = flags;
    sections.push(...matrixSections(l.W!, l.rows, l.inSize, eW, { dense: tag + RT.T_W, mask: tag + RT.T_W_MASK, cols: tag + RT.T_W_COLS, ptr: tag + RT.T_W_PTR }));
    if (l.R) sections.push(...matrixSections(l.R, l.rows, l.units, eR, { dense: tag + RT.T_R, mask: tag + RT.T_R_MASK, cols: tag + RT.T_R_COLS, ptr: tag + RT.T_R_PTR }));
    sections.push({ tag: tag + RT.T_B, data: ints(l.B!, bits, `${where} bias`) });
    if (l.B2) sections.push({ tag: tag + RT.T_B2, data: ints(l.B2, bits, `${where} recurrent bias`) });
    sections.push({ tag: tag + RT.T_M, data: l.M! });
    if (l.h0) sections.push({ tag: tag + RT.T_H0, data: l.outBits === 8 ? Int8Array.from(l.h0) : Int16Array.from(l.h0) });
    if (l.c0) sections.push({ tag: tag + RT.T_C0, data: Int32Array.from(l.c0) });
  });
  sections[0] = { tag: RT.TAG_HEADER, data: header(hd) };
  return { sections, strings: p.labels, flags: 0 };
}
