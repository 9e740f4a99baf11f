/**
 * Dense layer: out = act(W x + b). Linear and relu outputs are requantized straight to the
 * output scale (int8 for a hidden layer, int16 logits for the last one); sigmoid goes
 * through the gate format and the table (Q0.15 for the last layer, Q0.7 int8 otherwise).
 * Softmax is applied by the score (score.ts); the layer itself outputs the logits.
 */
import { clamp, rq } from '../../fixedpoint';
import { ACT_SIGMOID, OUT_INT32, type Layer, type Vec } from '../../layer';
import { preQ } from './gates';
import type { Ops } from './ops';
import { refOps } from './ops';

export function makeDense(ops: Ops) {
  return function dense(L: Layer, x: Vec, out: Vec): void {
    var n = L.units;
    var aw = L.aw;
    ops.matvec(L, 0, x, 0, n, aw, 0);
    if (L.act === ACT_SIGMOID) {
      for (var r = 0; r < n; r++) L.pre[r] = preQ(L, aw[r] + L.B[r], r);
      ops.act(L, L.pre, 0, 1, L.lut.F, L.g, 0);
      for (var k = 0; k < n; k++) out[k] = L.outType === OUT_INT32 ? L.g[k] : clamp(rq(L.g[k], 1, 8), L.outLo, L.outHi);
    } else {
      for (var r2 = 0; r2 < n; r2++) out[r2] = clamp(rq(aw[r2] + L.B[r2], L.M[r2], L.shift), L.outLo, L.outHi);
    }
  };
}

export var dense = makeDense(refOps);
