/**
 * The plan: a quantized model (compiler/compress/quantize.ts) plus everything fixed-point the
 * runtime needs — per-row 15-bit multipliers and one shift per layer, the tanh table, the
 * score parameters, the kernel set — and the proven bounds of every intermediate.
 */
import type { QLayer, QModel } from '../compress/quantize';
import type { LutChoice } from './lut';
import type { MatrixChoice, SparseMode } from './encoding';

export interface LayerBounds {
  /** Largest |input| / |hidden| integer the layer can see. */
  xMax: number;
  hMax: number;
  /** Largest |accumulator| over rows (dot products, 2^e scaling and bias; every partial sum is below it). */
  acc: number;
  /** Largest |acc * M + 2^(shift-1)|: the value Math.floor divides. */
  product: number;
  /** Largest elementwise intermediate (gate products, cell update). */
  elementwise: number;
  /** Largest |bias| integer, and the storage chosen for biases. */
  bias: number;
  biasBits: 16 | 32;
}

export interface PlanLayer extends QLayer {
  /** Per-row multipliers (<= 32767) and the layer's shift: M / 2^shift ~ rowScale / target. */
  M?: Uint16Array;
  shift: number;
  /** Largest relative error of M / 2^shift against the exact real multiplier. */
  multErr: number;
  bounds?: LayerBounds;
  /** Storage form of W and R (plan/encoding.ts); absent for an Embedding layer. */
  enc?: { W: MatrixChoice; R?: MatrixChoice };
}

export interface Plan {
  q: QModel;
  name: string;
  labels: string[];
  F: number;
  hiddenBits: 8 | 16;
  lut: LutChoice;
  layers: PlanLayer[];
  score: { kind: 'softmax' | 'sigmoid'; M: number; s: number };
  kernels: 'ref' | 'espruino';
  /** How the weight encodings were chosen (plan/encoding.ts): per matrix by cost, forced, or smallest file. */
  sparse: SparseMode;
}
