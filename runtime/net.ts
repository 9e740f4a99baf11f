/**
 * The runtime API on top of a loaded `.ww` model: `load(ww, kernels)` builds the layers from
 * the header and sections (weights stay views onto the file; every scratch buffer is
 * allocated here, once) and returns a net with
 *   state()            a fresh streaming state (hidden and cell vectors per recurrent layer)
 *   reset(st)          back to the initial state
 *   step(st, frame)    feed one frame (device units) and get the output for the sequence so
 *                      far (an integer vector; the returned buffer is reused by the next call)
 *   classify(seq)      run a whole sequence from the initial state: {index, label, score}
 *                      with score in [0, 1] (Q0.15 divided by 32768; see kernels/ref/score.ts)
 *   topk(out, k)       indices of the k largest outputs.
 * Streaming semantics are the float reference's (compiler/reference/float.ts): each frame
 * runs through every layer, and the layers after a recurrent layer see its current state.
 * ES5 subset.
 */
import { clamp, floorShift, pow2 } from './fixedpoint';
import type { KernelSet } from './kernels/ref/index';
import {
  FLAG_C0, FLAG_H0, FLAG_R_CSR, FLAG_R_MASK, FLAG_W_CSR, FLAG_W_MASK, T_R_COLS, T_R_MASK, T_R_PTR, T_W_COLS, T_W_MASK, T_W_PTR, FLAG_HARD_SIGMOID, FLAG_RESET_AFTER, FLAG_RETURN_SEQ, H_F, H_FEATURES, H_INPUT_KIND, H_INPUT_SHIFT,
  H_LAYERS, H_LUT_K, H_LUT_N, H_OUTPUTS, H_PLAN_VERSION, H_SCORE_KIND, H_SCORE_M, H_SCORE_S, HEADER_GLOBAL, HEADER_LAYER,
  INPUT_FLOAT, INPUT_INT16, INPUT_TOKEN, KIND_DENSE, KIND_EMBEDDING, KIND_GRU, KIND_LSTM, KIND_SIMPLE_RNN, L_ACT, L_EW,
  L_ER, L_FLAGS, L_HB, L_IN, L_KIND, L_OUT_HI, L_OUT_LO, L_OUT_TYPE, L_SHIFT, L_UNITS, OUT_INT16, OUT_INT32, OUT_INT8,
  PLAN_VERSION, SCORE_SIGMOID, T_B, T_B2, T_C0, T_H0, T_M, T_R, T_TABLE, T_W, TAG_HEADER, TAG_LAYER_BASE, TAG_LUT,
  type Csr, type Layer, type Lut, type Vec,
} from './layer';
import type { WW } from './model';

export interface NetState {
  h: (Int8Array | Int16Array | null)[];
  c: (Int32Array | null)[];
}

export interface Classification {
  index: number;
  label: string;
  score: number;
}

export interface Net {
  labels: string[];
  outputs: number;
  features: number;
  kernels: string;
  state(): NetState;
  reset(st: NetState): void;
  step(st: NetState, frame: ArrayLike<number>): Vec;
  classify(seq: ArrayLike<ArrayLike<number>>): Classification;
  /** Score in Q0.15 (0..32768) of class `index` for an output vector from step(). */
  score(out: Vec, index: number): number;
  topk(out: Vec, k: number): number[];
  layers: Layer[];
}

function bad(msg: string): never {
  throw new Error('watchword: ' + msg);
}

/**
 * Expands a bitmask-encoded matrix (one uint8 section: the mask of its n elements, then the
 * nonzero values as uint8) into a dense Int8Array in RAM, once at load: the file is smaller,
 * the kernels stay the dense ones.
 */
function expand(sec: Uint8Array, n: number, what: string): Int8Array {
  var out = new Int8Array(n);
  var mb = floorShift(n + 7, 3);
  var k = mb;
  for (var i = 0; i < n; i++) {
    if (floorShift(sec[floorShift(i, 3)], i % 8) % 2 === 1) {
      if (k >= sec.length) bad('sparse weights ' + what + ' hold fewer values than their mask says');
      out[i] = sec[k] > 127 ? sec[k] - 256 : sec[k];
      k++;
    }
  }
  if (k !== sec.length) bad('sparse weights ' + what + ' hold ' + (sec.length - mb) + ' values, their mask says ' + (k - mb));
  return out;
}

/**
 * The CSR sections of a matrix (values, column indices, row pointers), checked once at load
 * so a malformed file fails here rather than reading outside x: rows + 1 non-decreasing
 * pointers from 0 to the number of values, and every column index below `cols`.
 */
function csr(v: Int8Array, c: Uint8Array | Uint16Array, p: Uint16Array | Int32Array, rows: number, cols: number, what: string): Csr {
  if (p.length !== rows + 1 || p[0] !== 0 || p[rows] !== v.length || c.length !== v.length) bad('sparse weights ' + what + ': row pointers or column indices do not match ' + rows + ' rows and ' + v.length + ' values');
  for (var r = 0; r < rows; r++) {
    if (p[r + 1] < p[r]) bad('sparse weights ' + what + ': row pointer ' + (r + 1) + ' decreases');
    for (var k = p[r]; k < p[r + 1]; k++) if (c[k] >= cols) bad('sparse weights ' + what + ': column ' + c[k] + ' is outside 0..' + (cols - 1));
  }
  return { v: v, c: c, p: p };
}

function outBuffer(type: number, n: number): Int8Array | Int16Array | Int32Array {
  if (type === OUT_INT8) return new Int8Array(n);
  if (type === OUT_INT16) return new Int16Array(n);
  return new Int32Array(n);
}

export function load(ww: WW, kernels: KernelSet): Net {
  var hd = ww.section(TAG_HEADER) as Int32Array;
  if (!hd || hd.length < HEADER_GLOBAL) bad('model header is missing or too short');
  if (hd[H_PLAN_VERSION] !== PLAN_VERSION) bad('model plan version ' + hd[H_PLAN_VERSION] + ' is not supported (' + PLAN_VERSION + ')');
  var nl = hd[H_LAYERS];
  if (hd.length < HEADER_GLOBAL + HEADER_LAYER * nl) bad('model header is too short for ' + nl + ' layers');
  var T = ww.section(TAG_LUT) as Int16Array;
  var N = hd[H_LUT_N];
  if (T.length !== N + 1 || N < 1 || N > 255) bad('model tanh table has ' + T.length + ' entries, expected ' + (N + 1));
  var D = new Int16Array(N + 1);
  for (var t = 0; t < N; t++) D[t] = T[t + 1] - T[t];
  var lut: Lut = { T: T, D: D, N: N, k: hd[H_LUT_K], F: hd[H_F] };
  var features = hd[H_FEATURES];
  var inputKind = hd[H_INPUT_KIND];
  var inScale = pow2(hd[H_INPUT_SHIFT]);
  var inLo = inputKind === INPUT_INT16 ? -32768 : -128;
  var inHi = inputKind === INPUT_INT16 ? 32767 : 127;
  var x0 = inputKind === INPUT_INT16 ? new Int16Array(features) : new Int8Array(features);
  var layers: Layer[] = [];
  var outs: (Int8Array | Int16Array | Int32Array | null)[] = [];
  for (var i = 0; i < nl; i++) {
    var b = HEADER_GLOBAL + HEADER_LAYER * i;
    var tag = TAG_LAYER_BASE + 16 * i;
    var kind = hd[b + L_KIND];
    var units = hd[b + L_UNITS];
    var flags = hd[b + L_FLAGS];
    var gates = kind === KIND_GRU ? 3 : kind === KIND_LSTM ? 4 : 1;
    var rows = gates * units;
    var recurrent = kind === KIND_SIMPLE_RNN || kind === KIND_GRU || kind === KIND_LSTM;
    var hasW = kind !== KIND_EMBEDDING;
    var inSize = hd[b + L_IN];
    var Wd: Int8Array | null = null;
    var Rd: Int8Array | null = null;
    var Wc: Csr | null = null;
    var Rc: Csr | null = null;
    var what = 'of layer ' + i;
    if (hasW) {
      if ((flags & FLAG_W_MASK) !== 0) Wd = expand(ww.section(tag + T_W_MASK) as Uint8Array, rows * inSize, what + ' W');
      else if ((flags & FLAG_W_CSR) !== 0) Wc = csr(ww.section(tag + T_W) as Int8Array, ww.section(tag + T_W_COLS) as Uint8Array, ww.section(tag + T_W_PTR) as Uint16Array, rows, inSize, what + ' W');
      else Wd = ww.section(tag + T_W) as Int8Array;
    }
    if (recurrent) {
      if ((flags & FLAG_R_MASK) !== 0) Rd = expand(ww.section(tag + T_R_MASK) as Uint8Array, rows * units, what + ' R');
      else if ((flags & FLAG_R_CSR) !== 0) Rc = csr(ww.section(tag + T_R) as Int8Array, ww.section(tag + T_R_COLS) as Uint8Array, ww.section(tag + T_R_PTR) as Uint16Array, rows, units, what + ' R');
      else Rd = ww.section(tag + T_R) as Int8Array;
    }
    var L: Layer = {
      kind: kind,
      index: i,
      inSize: inSize,
      units: units,
      rows: rows,
      act: hd[b + L_ACT],
      resetAfter: (flags & FLAG_RESET_AFTER) !== 0,
      hard: (flags & FLAG_HARD_SIGMOID) !== 0,
      returnSeq: (flags & FLAG_RETURN_SEQ) !== 0,
      M: (hasW ? ww.section(tag + T_M) : new Uint16Array(0)) as Uint16Array,
      shift: hd[b + L_SHIFT],
      pW: pow2(hd[b + L_EW]),
      pR: pow2(hd[b + L_ER]),
      hb: hd[b + L_HB],
      outLo: hd[b + L_OUT_LO],
      outHi: hd[b + L_OUT_HI],
      outType: hd[b + L_OUT_TYPE],
      W: Wd || new Int8Array(0),
      R: Rd || (Rc ? new Int8Array(0) : null),
      Wc: Wc,
      Rc: Rc,
      B: (hasW ? ww.section(tag + T_B) : new Int32Array(0)) as Int32Array,
      B2: (kind === KIND_GRU && (flags & FLAG_RESET_AFTER) !== 0 ? ww.section(tag + T_B2) : null) as Int32Array | null,
      h0: ((flags & FLAG_H0) !== 0 ? ww.section(tag + T_H0) : null) as Int8Array | null,
      c0: ((flags & FLAG_C0) !== 0 ? ww.section(tag + T_C0) : null) as Int32Array | null,
      table: (kind === KIND_EMBEDDING ? ww.section(tag + T_TABLE) : null) as Int8Array | null,
      lut: lut,
      aw: new Float64Array(rows),
      ar: new Float64Array(rows),
      pre: new Float64Array(rows),
      g: new Float64Array(rows),
      rh: kind === KIND_GRU && (flags & FLAG_RESET_AFTER) === 0 ? outBuffer(hd[b + L_OUT_TYPE], units) as Int8Array : null,
      ext: null,
    };
    if (hasW && ((!Wc && L.W.length !== rows * L.inSize) || L.M.length !== rows || L.B.length !== rows)) bad('model layer ' + i + ' sections do not match its sizes');
    if (Rd && Rd.length !== rows * units) bad('model layer ' + i + ' recurrent weights do not match its sizes');
    if (L.table && L.table.length !== L.inSize * units) bad('model layer ' + i + ' embedding table does not match its sizes');
    kernels.prepare(L);
    layers.push(L);
    outs.push(recurrent ? null : outBuffer(L.outType, units));
  }
  var last = layers[nl - 1];
  var outputs = last.units;
  if (ww.labels.length !== outputs) bad('model has ' + ww.labels.length + ' labels for ' + outputs + ' outputs');
  var scoreKind = hd[H_SCORE_KIND];
  var scoreM = hd[H_SCORE_M];
  var scoreS = hd[H_SCORE_S];

  function state(): NetState {
    var st: NetState = { h: [], c: [] };
    for (var j = 0; j < nl; j++) {
      var Lj = layers[j];
      var rec = Lj.kind === KIND_SIMPLE_RNN || Lj.kind === KIND_GRU || Lj.kind === KIND_LSTM;
      st.h.push(rec ? (outBuffer(Lj.outType, Lj.units) as Int8Array | Int16Array) : null);
      st.c.push(Lj.kind === KIND_LSTM ? new Int32Array(Lj.units) : null);
    }
    reset(st);
    return st;
  }

  function reset(st: NetState): void {
    for (var j = 0; j < nl; j++) {
      var h = st.h[j], c = st.c[j], Lj = layers[j];
      if (h) for (var k = 0; k < h.length; k++) h[k] = Lj.h0 ? Lj.h0[k] : 0;
      if (c) for (var k2 = 0; k2 < c.length; k2++) c[k2] = Lj.c0 ? Lj.c0[k2] : 0;
    }
  }

  function step(st: NetState, frame: ArrayLike<number>): Vec {
    if (!frame || frame.length !== features) bad('input frame has ' + (frame ? frame.length : 0) + ' values, the model takes ' + features);
    var x: Vec = x0;
    var id = 0;
    if (inputKind === INPUT_TOKEN) {
      id = frame[0];
      if (!(id >= 0 && id < layers[0].inSize && Math.floor(id) === id)) bad('token id ' + id + ' is outside the vocabulary (0..' + (layers[0].inSize - 1) + ')');
    } else {
      for (var j = 0; j < features; j++) {
        var q = inputKind === INPUT_FLOAT ? floorShift(frame[j] * inScale * 2 + 1, 1) : floorShift(frame[j] * 2 + 1, 1);
        if (q !== q) bad('input value ' + frame[j] + ' at position ' + j + ' is not a number');
        x0[j] = clamp(q, inLo, inHi);
      }
    }
    for (var i2 = 0; i2 < nl; i2++) {
      var Li = layers[i2];
      var k = Li.kind;
      if (k === KIND_EMBEDDING) {
        kernels.embedding(Li, id, outs[i2] as Int8Array);
        x = outs[i2] as Int8Array;
      } else if (k === KIND_DENSE) {
        kernels.dense(Li, x, outs[i2] as Int32Array);
        x = outs[i2] as Int32Array;
      } else if (k === KIND_SIMPLE_RNN) {
        kernels.simpleRnn(Li, x, st.h[i2] as Int8Array);
        x = st.h[i2] as Int8Array;
      } else if (k === KIND_GRU) {
        kernels.gru(Li, x, st.h[i2] as Int8Array);
        x = st.h[i2] as Int8Array;
      } else if (k === KIND_LSTM) {
        kernels.lstm(Li, x, st.h[i2] as Int8Array, st.c[i2] as Int32Array);
        x = st.h[i2] as Int8Array;
      } else {
        bad('model layer ' + i2 + ' has unknown kind ' + k);
      }
    }
    return x;
  }

  function score(out: Vec, index: number): number {
    if (scoreKind === SCORE_SIGMOID) return out[index];
    return kernels.softmaxScore(lut, out, outputs, index, scoreM, scoreS);
  }

  var own = state();

  return {
    labels: ww.labels,
    outputs: outputs,
    features: features,
    kernels: kernels.name,
    layers: layers,
    state: state,
    reset: reset,
    step: step,
    score: score,
    topk: function (out: Vec, k: number): number[] {
      return kernels.topk(out, outputs, k);
    },
    classify: function (seq: ArrayLike<ArrayLike<number>>): Classification {
      if (!seq || !seq.length) bad('classify needs a non-empty sequence of frames');
      reset(own);
      var out: Vec = x0;
      for (var t2 = 0; t2 < seq.length; t2++) out = step(own, seq[t2]);
      var index = kernels.argmax(out, outputs);
      return { index: index, label: ww.labels[index], score: score(out, index) / 32768 };
    },
  };
}
