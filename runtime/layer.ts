/**
 * The in-memory form of one planned layer on the device, built by `net.ts` from the `.ww`
 * sections, plus the numbering shared by the compiler's serializer
 * (compiler/emit/serialize.ts) and the runtime: header slots, layer kinds, flags, section
 * tags. Weights, biases and multipliers are typed-array views onto the model file (no copy);
 * the scratch buffers are allocated once at load. ES5 subset.
 */

/** Layer kinds as stored in the header. */
export var KIND_DENSE = 1;
export var KIND_EMBEDDING = 2;
export var KIND_SIMPLE_RNN = 3;
export var KIND_GRU = 4;
export var KIND_LSTM = 5;

/** Input kinds. */
export var INPUT_INT8 = 0;
export var INPUT_INT16 = 1;
export var INPUT_FLOAT = 2;
export var INPUT_TOKEN = 3;

/** Layer flag bits. */
export var FLAG_RETURN_SEQ = 1;
export var FLAG_RESET_AFTER = 2;
export var FLAG_HARD_SIGMOID = 4;
export var FLAG_H0 = 8;
export var FLAG_C0 = 16;
/**
 * Per-matrix weight encodings (absent bits = dense int8 rows in T_W / T_R, viewed in place).
 * MASK: one uint8 section, a bitmask of the nonzeros (bit i%8 of byte i/8 = element i,
 * row-major) followed by the nonzero values (int8 stored as uint8), expanded into a dense
 * Int8Array in RAM once at load: the smallest file, but costs the dense bytes in RAM.
 * CSR: T_W / T_R hold only the nonzero values (int8, row-major), T_*_COLS their column
 * indices (uint8 when the row width <= 256, else uint16), T_*_PTR the row starts (rows + 1
 * entries, uint16 when the nonzeros fit, else int32); the kernels compute on them in place.
 */
export var FLAG_W_MASK = 32;
export var FLAG_W_CSR = 64;
export var FLAG_R_MASK = 128;
export var FLAG_R_CSR = 256;

/** Activation codes: recurrent (tanh/relu) and dense (linear/relu/sigmoid/softmax). */
export var ACT_TANH = 0;
export var ACT_RELU_RNN = 1;
export var ACT_LINEAR = 0;
export var ACT_RELU = 1;
export var ACT_SIGMOID = 2;
export var ACT_SOFTMAX = 3;

/** Score kinds of the final output. */
export var SCORE_SOFTMAX = 0;
export var SCORE_SIGMOID = 1;

/** Header (section TAG_HEADER, Int32Array): global slots, then HEADER_LAYER ints per layer. */
export var H_PLAN_VERSION = 0;
export var H_LAYERS = 1;
export var H_FEATURES = 2;
export var H_INPUT_KIND = 3;
export var H_INPUT_SHIFT = 4;
export var H_F = 5;
export var H_LUT_N = 6;
export var H_LUT_K = 7;
export var H_SCORE_KIND = 8;
export var H_SCORE_M = 9;
export var H_SCORE_S = 10;
export var H_OUTPUTS = 11;
export var HEADER_GLOBAL = 12;
export var HEADER_LAYER = 12;
/** Per-layer header slots. */
export var L_KIND = 0;
export var L_IN = 1;
export var L_UNITS = 2;
export var L_FLAGS = 3;
export var L_ACT = 4;
export var L_SHIFT = 5;
export var L_EW = 6;
export var L_ER = 7;
export var L_HB = 8;
export var L_OUT_LO = 9;
export var L_OUT_HI = 10;
export var L_OUT_TYPE = 11;
/** Output storage types. */
export var OUT_INT8 = 1;
export var OUT_INT16 = 2;
export var OUT_INT32 = 3;

/** 2: per-matrix weight encodings (dense / bitmask / CSR); version 1's joint W+R bitmask is not read. */
export var PLAN_VERSION = 2;

/** Section tags. Per layer i: TAG_LAYER_BASE + 16*i + one of the T_* offsets. */
export var TAG_HEADER = 1;
export var TAG_LUT = 2;
export var TAG_LAYER_BASE = 16;
export var T_W = 0;
export var T_R = 1;
export var T_B = 2;
export var T_B2 = 3;
export var T_M = 4;
export var T_H0 = 5;
export var T_C0 = 6;
export var T_TABLE = 7;
/** Bitmask form of W / R (see FLAG_W_MASK). */
export var T_W_MASK = 8;
export var T_R_MASK = 9;
/** CSR form of W / R (values in T_W / T_R; see FLAG_W_CSR). */
export var T_W_COLS = 10;
export var T_W_PTR = 11;
export var T_R_COLS = 12;
export var T_R_PTR = 13;

export type IntArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array;
export type Vec = IntArray | Float64Array;

/** The tanh lookup table shared by every layer (sigmoid is derived from it). */
export interface Lut {
  /** T[i] = tanh(i * 2^k / 2^F) in Q0.15, i = 0..N (T[N] is the saturation value). */
  T: Int16Array;
  /** D[i] = T[i+1] - T[i], D[N] = 0; built at load. */
  D: Int16Array;
  N: number;
  /** Step of the table in units of the gate format Q.F: 2^k. */
  k: number;
  F: number;
}

/** A weight matrix in compressed sparse rows: row r's nonzeros are v[p[r]..p[r+1]-1] at columns c[...]. */
export interface Csr {
  v: Int8Array;
  c: Uint8Array | Uint16Array;
  p: Uint16Array | Int32Array;
}

export interface Layer {
  kind: number;
  index: number;
  inSize: number;
  units: number;
  /** Rows of W/R: gates * units (units for Dense). */
  rows: number;
  act: number;
  resetAfter: boolean;
  hard: boolean;
  returnSeq: boolean;
  /** Requantization: per-row multipliers M (<= 15 bits) and one shift for the layer. */
  M: Uint16Array;
  shift: number;
  /** The accumulator is 2^eW * (W x) + 2^eR * (R h) + B; these are the powers 2^eW, 2^eR. */
  pW: number;
  pR: number;
  /** Hidden state fractional bits (7: int8 Q0.7, 15: int16 Q0.15); 0 for relu layers. */
  hb: number;
  outLo: number;
  outHi: number;
  outType: number;
  /** Dense row-major weights (empty when the matrix is CSR-encoded: see Wc / Rc). */
  W: Int8Array;
  R: Int8Array | null;
  /** CSR-encoded W / R (computed on in place by the kernels); absent or null = dense. */
  Wc?: Csr | null;
  Rc?: Csr | null;
  B: Int16Array | Int32Array;
  /** GRU reset_after: the recurrent-side bias of the candidate rows. */
  B2: Int16Array | Int32Array | null;
  h0: Int8Array | Int16Array | null;
  c0: Int32Array | null;
  /** Embedding table [vocab * dim]. */
  table: Int8Array | null;
  lut: Lut;
  /** Scratch, allocated once at load. */
  aw: Float64Array;
  ar: Float64Array;
  pre: Float64Array;
  g: Float64Array;
  rh: Int8Array | Int16Array | null;
  /** Fast-kernel extras (row views, LUT index buffers), set by the kernel set's prepare(). */
  ext: any;
}
