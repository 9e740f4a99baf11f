/**
 * SimpleRNN: h' = act(W x + R h + b). tanh goes through the gate format Q.F and the table,
 * then to the hidden format Q0.hb; relu is requantized straight to the layer's calibrated
 * hidden scale and clamped at 0.
 */
import { clamp, rq } from '../../fixedpoint';
import { ACT_TANH, type Layer, type Vec } from '../../layer';
import { preQ } from './gates';
import type { Ops } from './ops';
import { refOps } from './ops';

export function makeSimpleRnn(ops: Ops) {
  return function simpleRnn(L: Layer, x: Vec, h: Vec): void {
    var u = L.units;
    ops.matvec(L, 0, x, 0, u, L.aw, 0);
    ops.matvec(L, 1, h, 0, u, L.ar, 0);
    if (L.act === ACT_TANH) {
      for (var r = 0; r < u; r++) L.pre[r] = preQ(L, L.aw[r] * L.pW + L.ar[r] * L.pR + L.B[r], r);
      ops.act(L, L.pre, 0, 0, L.lut.F, L.g, 0);
      for (var k = 0; k < u; k++) h[k] = clamp(rq(L.g[k], 1, 15 - L.hb), L.outLo, L.outHi);
    } else {
      for (var r2 = 0; r2 < u; r2++) h[r2] = clamp(rq(L.aw[r2] * L.pW + L.ar[r2] * L.pR + L.B[r2], L.M[r2], L.shift), 0, L.outHi);
    }
  };
}

export var simpleRnn = makeSimpleRnn(refOps);
