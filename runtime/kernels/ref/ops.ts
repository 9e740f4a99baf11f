/**
 * The two primitives the layer kernels are built on, as plain loops: the row dot products of
 * a weight matrix with a vector, and a vector of table activations. Fast kernel sets
 * (kernels/espruino/ops.ts) implement the same two functions natively and must return the
 * same numbers; everything else in a kernel is shared code.
 */
import type { Layer, Vec } from '../../layer';
import { matvecCsr } from './csr';
import { sigmoidQ15, tanhQ15 } from './lut';

export interface Ops {
  /** Called once per layer at load: build whatever the fast primitives need (row views...). */
  prepare(L: Layer): void;
  /**
   * out[o + r] = sum_j M[r0 + r][j] * x[j] for r = 0..n-1, M = W (which 0) or R (which 1),
   * whichever way M is stored (dense rows, or CSR in L.Wc / L.Rc: see csr.ts).
   */
  matvec(L: Layer, which: number, x: Vec, r0: number, n: number, out: Float64Array, o: number): void;
  /**
   * out[o + k] = tanh (mode 0) or sigmoid (mode 1) in Q0.15 of v[p + k] / 2^f, for
   * k = 0..L.units-1; v is a fixed-point vector with f fractional bits (f >= F - k).
   */
  act(L: Layer, v: Vec, p: number, mode: number, f: number, out: Float64Array, o: number): void;
}

export var refOps: Ops = {
  prepare: function () {},
  matvec: function (L, which, x, r0, n, out, o) {
    var A = which === 0 ? L.Wc : L.Rc;
    if (A) {
      matvecCsr(A, x, r0, n, out, o);
      return;
    }
    var M = which === 0 ? L.W : (L.R as Int8Array);
    var cols = which === 0 ? L.inSize : L.units;
    for (var r = 0; r < n; r++) {
      var base = (r0 + r) * cols;
      var s = 0;
      for (var j = 0; j < cols; j++) s += M[base + j] * x[j];
      out[o + r] = s;
    }
  },
  act: function (L, v, p, mode, f, out, o) {
    var lut = L.lut;
    var s = lut.k + f - lut.F;
    var u = L.units;
    if (mode === 0) {
      for (var k = 0; k < u; k++) out[o + k] = tanhQ15(lut, v[p + k], s);
    } else {
      for (var k2 = 0; k2 < u; k2++) out[o + k2] = sigmoidQ15(lut, v[p + k2], s);
    }
  },
};
