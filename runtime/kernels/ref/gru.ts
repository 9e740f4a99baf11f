/**
 * GRU, gates [z, r, h], both variants:
 *   reset_after=false: n = tanh(Wh x + Rh (r * h) + b)       (r * h requantized to h's format)
 *   reset_after=true:  n = tanh(Wh x + bW + r * (Rh h + bR))  (both parts in Q.F, same multiplier)
 *   h' = z * h + (1 - z) * n = n + z * (h - n), computed in Q0.15 and rounded once to Q0.hb.
 */
import { clamp, pow2, rq } from '../../fixedpoint';
import type { Layer, Vec } from '../../layer';
import { gate, preQ } from './gates';
import type { Ops } from './ops';
import { refOps } from './ops';

export function makeGru(ops: Ops) {
  return function gru(L: Layer, x: Vec, h: Vec): void {
    var u = L.units;
    var aw = L.aw, ar = L.ar, pre = L.pre, g = L.g;
    ops.matvec(L, 0, x, 0, 3 * u, aw, 0);
    ops.matvec(L, 1, h, 0, L.resetAfter ? 3 * u : 2 * u, ar, 0);
    for (var r = 0; r < 2 * u; r++) pre[r] = preQ(L, aw[r] * L.pW + ar[r] * L.pR + L.B[r], r);
    gate(ops, L, pre, 0, g, 0);
    gate(ops, L, pre, u, g, u);
    if (L.resetAfter) {
      var B2 = L.B2 as Int32Array;
      for (var k = 0; k < u; k++) {
        var q = 2 * u + k;
        var nw = preQ(L, aw[q] * L.pW + L.B[q], q);
        var nr = preQ(L, ar[q] * L.pR + B2[k], q);
        pre[q] = clampSum(nw + rq(g[u + k] * nr, 1, 15), L.lut.F);
      }
    } else {
      var rh = L.rh as Int16Array;
      for (var k2 = 0; k2 < u; k2++) rh[k2] = rq(g[u + k2] * h[k2], 1, 15);
      ops.matvec(L, 1, rh, 2 * u, u, ar, 2 * u);
      for (var q2 = 2 * u; q2 < 3 * u; q2++) pre[q2] = preQ(L, aw[q2] * L.pW + ar[q2] * L.pR + L.B[q2], q2);
    }
    ops.act(L, pre, 2 * u, 0, L.lut.F, g, 2 * u);
    var up = pow2(15 - L.hb);
    var sh = 30 - L.hb;
    for (var j = 0; j < u; j++) {
      var n = g[2 * u + j];
      h[j] = clamp(rq(n * 32768 + g[j] * (h[j] * up - n), 1, sh), L.outLo, L.outHi);
    }
  };
}

/** Clamp a sum of two gate-format values back into +-2^(F+4). */
function clampSum(v: number, F: number): number {
  var lim = pow2(F + 4);
  return clamp(v, -lim, lim);
}

export var gru = makeGru(refOps);
