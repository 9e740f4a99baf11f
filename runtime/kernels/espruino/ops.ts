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
 *
 * A CSR-encoded matrix (layer.ts `Csr`) is computed on in place, natively too: per row,
 * `E.mapInPlace(cols, g, x)` gathers x at the row's column indices into a scratch vector g
 * (one per layer, as long as the longest row), then `E.convolve(values, g, 0)` sums the
 * products (convolve walks the first array, so the unused tail of g is never read). Two
 * native calls per row instead of one, on fewer elements: on Espruino dense rows stay
 * faster until very high sparsity, which is why plan/encoding.ts picks CSR there only when
 * it pays (or when forced); a row without nonzeros gets no views and no call.
 */
import { floorShift, pow2, rq } from '../../fixedpoint';
import type { Csr, Layer } from '../../layer';
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

/** Per-row views of a CSR matrix's values and column indices (null for an empty row). */
function csrViews(A: Csr | null | undefined, rows: number): { v: (Int8Array | null)[]; c: (Uint8Array | Uint16Array | null)[]; most: number } | null {
  if (!A) return null;
  var v: (Int8Array | null)[] = [];
  var c: (Uint8Array | Uint16Array | null)[] = [];
  var most = 0;
  for (var r = 0; r < rows; r++) {
    var a = A.p[r], n = A.p[r + 1] - a;
    if (n > most) most = n;
    v.push(n > 0 ? new Int8Array(A.v.buffer, A.v.byteOffset + a, n) : null);
    c.push(n > 0 ? (A.c.BYTES_PER_ELEMENT === 1 ? new Uint8Array(A.c.buffer, A.c.byteOffset + a, n) : new Uint16Array(A.c.buffer, A.c.byteOffset + 2 * a, n)) : null);
  }
  return { v: v, c: c, most: most };
}

export var espruinoOps: Ops = {
  prepare: function (L) {
    var u = L.units;
    var Wc = csrViews(L.Wc, L.rows);
    var Rc = csrViews(L.Rc, L.rows);
    var mW = Wc ? Wc.most : 0;
    var mR = Rc ? Rc.most : 0;
    var most = mW > mR ? mW : mR;
    L.ext = {
      W: Wc ? null : rowViews(L.W, L.rows, L.inSize),
      R: Rc ? null : rowViews(L.R, L.rows, L.units),
      Wc: Wc,
      Rc: Rc,
      gx: most > 0 ? new Int32Array(most) : null,
      ix: new Uint8Array(u),
      tv: new Int16Array(u),
      dv: new Int16Array(u),
      fr: new Float64Array(u),
    };
  },
  matvec: function (L, which, x, r0, n, out, o) {
    var C = which === 0 ? L.ext.Wc : L.ext.Rc;
    if (C) {
      var cv = C.v, cc = C.c, gx = L.ext.gx;
      for (var q = 0; q < n; q++) {
        var vv = cv[r0 + q];
        if (vv) {
          E.mapInPlace(cc[r0 + q], gx, x);
          out[o + q] = E.convolve(vv, gx, 0);
        } else {
          out[o + q] = 0;
        }
      }
      return;
    }
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
