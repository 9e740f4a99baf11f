/**
 * The sparse row dot products: out[o + r] = sum over the nonzeros of row r0 + r of a CSR
 * matrix (layer.ts `Csr`) of value * x[column]. The same integers as the dense loop in
 * ops.ts on the expanded matrix: the skipped terms are exact zeros, and every partial sum is
 * an integer below 2^53 (plan/range.ts proves the dense sum, which bounds this one), so the
 * order of the additions does not matter. A row without nonzeros gives 0.
 */
import type { Csr, Vec } from '../../layer';

export function matvecCsr(A: Csr, x: Vec, r0: number, n: number, out: Float64Array, o: number): void {
  var v = A.v, c = A.c, p = A.p;
  for (var r = 0; r < n; r++) {
    var s = 0;
    var end = p[r0 + r + 1];
    for (var k = p[r0 + r]; k < end; k++) s += v[k] * x[c[k]];
    out[o + r] = s;
  }
}
