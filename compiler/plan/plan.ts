/**
 * `plan(q, opts)`: the fixed-point plan of a quantized model — per-row requantization
 * multipliers (<= 15 bits) with one shift per layer, the tanh table chosen by measured error
 * for the hidden-state format, the score parameters of the output, and the kernel set for
 * the board's features — and then the worst-case range proof (range.ts), which throws a
 * WatchwordError naming the layer and bound when the model cannot be run exactly.
 */
import { WatchwordError } from '../errors';
import type { QModel } from '../compress/quantize';
import { chooseEncoding, SPARSE_MODES, type SparseMode } from './encoding';
import { chooseKernels } from './kernels';
import { chooseLut } from './lut';
import { multipliers } from './multiplier';
import { proveRanges } from './range';
import type { Plan, PlanLayer } from './types';

export interface PlanOptions {
  /** Board features (boards/*.ts); absent = reference kernels. */
  features?: { has(f: string): boolean };
  /** Max table error; default a quarter of the hidden state's step. */
  lutTolerance?: number;
  /**
   * Weight encodings per matrix (plan/encoding.ts): 'auto' (default) by the cost model for
   * the board's features; 'dense' | 'csr' | 'bitmask' forced; 'smallest' the smallest file.
   * `true` means 'smallest' and `false` 'dense' (the earlier boolean option).
   */
  sparse?: boolean | SparseMode;
  /** The board's engine, for the encoding cost model (absent: relative reference-kernel costs). */
  engine?: 'espruino' | 'jerryscript';
}

export function plan(q: QModel, opts: PlanOptions = {}): Plan {
  const file = q.ir.source.file;
  const tol = opts.lutTolerance ?? (q.hiddenBits === 8 ? 2 ** -9 : 2 ** -12);
  const lut = chooseLut(q.F, tol);
  const layers: PlanLayer[] = q.layers.map((l) => {
    if (l.kind === 'embedding') return { ...l, shift: 0, multErr: 0 };
    const m = new Float64Array(l.rows);
    for (let r = 0; r < l.rows; r++) m[r] = l.rowScale![r] / l.target![r];
    const { M, shift, err } = multipliers(m, `${file}: layer ${l.index} '${l.name}' (${l.kind})`);
    return { ...l, M, shift, multErr: err };
  });
  const last = layers[layers.length - 1];
  let score: Plan['score'];
  if (last.kind === 'dense' && (last.layer as { activation: string }).activation === 'sigmoid') {
    score = { kind: 'sigmoid', M: 0, s: 0 };
  } else {
    // Logit difference (output units) -> Q.F for the tanh(d/2) of the softmax score.
    const f = last.outScale * 2 ** q.F;
    const { M, shift } = multipliers([f], `${file}: output score`);
    if (M[0] === 0) throw new WatchwordError(`${file}: output scale ${last.outScale} is too small for the softmax score`);
    score = { kind: 'softmax', M: M[0], s: shift };
  }
  const mode: SparseMode = opts.sparse === true ? 'smallest' : opts.sparse === false ? 'dense' : opts.sparse ?? 'auto';
  if (!SPARSE_MODES.includes(mode)) throw new WatchwordError(`sparse encoding '${String(mode)}': expected one of ${SPARSE_MODES.join(', ')}`);
  const ctx = { mode, features: opts.features, engine: opts.engine };
  for (const l of layers) {
    if (l.kind === 'embedding') continue;
    l.enc = { W: chooseEncoding(l.W!, l.rows, l.inSize, 'W', ctx) };
    if (l.R) l.enc.R = chooseEncoding(l.R, l.rows, l.units, 'R', ctx);
  }
  const p: Plan = {
    q, name: q.ir.name, labels: q.ir.labels.slice(), F: q.F, hiddenBits: q.hiddenBits, lut, layers, score,
    kernels: chooseKernels(opts.features),
    sparse: mode,
  };
  return proveRanges(p);
}
