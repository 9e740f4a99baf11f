/**
 * The Espruino primitives: row dot products through the native `E.convolve` (one call per
 * weight row, on an Int8Array view of the row made once at load) and the table lookups of
 * the activations through the native `E.mapInPlace` (an index vector of uint8 mapped through
 * the tanh table and its difference table). They return exactly the numbers of the plain
 * loops in kernels/ref/ops.ts: convolve sums integer products in doubles and every partial
 * sum is proven below 2^53; mapInPlace indexes the table with the same index.
 * `E.convolve` with an empty second array crashes Espruino, so a row of length 0 is never
 * passed; a fully pruned (all-zero) row gets no view at all and its dot product is 0
 * without a call, which also makes pruned models faster.
 */
import { floorShift, pow2, rq } from '../../fixedpoint';
import type { Layer } from '../../layer';
import type { Ops } from '../ref/ops';

function rowViews(M: Int8Array | null, rows: number, cols: number): (Int8Array | null)[] {
  var out: (Int8Array | null)[] = [];
  if (M && M.length < rows * cols) M = null; /* an Embedding layer has no W (its table is separate) */
  for (var r = 0; r < rows; r++) {
    var zero = true;
    if (M) for (var j = 0; j < cols && zero; j++) if (M[r * cols + j] !== 0) zero = false;
    out.push(M && cols > 0 && !zero ? new Int8Array(M.buffer, M.byteOffset + r * cols, cols) : null);
  }
  return out;
}

export var espruinoOps: Ops = {
  prepare: function (L) {
    var u = L.units;
    L.ext = {
      W: rowViews(L.W, L.rows, L.inSize),
      R: rowViews(L.R, L.rows, L.units),
      ix: new Uint8Array(u),
      tv: new Int16Array(u),
      dv: new Int16Array(u),
      fr: new Float64Array(u),
    };
  },
  matvec: function (L, which, x, r0, n, out, o) {
    var rows = which === 0 ? L.ext.W : L.ext.R;
    for (var r = 0; r < n; r++) {
      var v = rows[r0 + r];
      out[o + r] = v ? E.convolve(v, x, 0) : 0;
    }
  },
  act: function (L, v, p, mode, f, out, o) {
    var e = L.ext, lut = L.lut, u = L.units, N = lut.N;
    var s = lut.k + f - lut.F + (mode === 1 ? 1 : 0);
    var step = pow2(s);
    var ix = e.ix, fr = e.fr, tv = e.tv, dv = e.dv;
    for (var k = 0; k < u; k++) {
      var a = v[p + k];
      if (a < 0) a = -a;
      var i = floorShift(a, s);
      if (i >= N) {
        ix[k] = N;
        fr[k] = 0;
      } else {
        ix[k] = i;
        fr[k] = a - i * step;
      }
    }
    E.mapInPlace(ix, tv, lut.T);
    E.mapInPlace(ix, dv, lut.D);
    for (var j = 0; j < u; j++) {
      var y = tv[j] + rq(dv[j] * fr[j], 1, s);
      if (v[p + j] < 0) y = -y;
      out[o + j] = mode === 0 ? y : rq(32768 + y, 1, 1);
    }
  },
};
