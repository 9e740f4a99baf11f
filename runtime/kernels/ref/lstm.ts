/**
 * LSTM, gates [i, f, c, o]: c' = f * c + i * tanh(gc), h' = o * tanh(c'). The cell state is
 * kept in Q.15 (an Int32Array), clamped to +-2^21 (|c| < 64, far beyond where tanh
 * saturates), so it can never overflow however long the sequence.
 */
import { clamp, rq } from '../../fixedpoint';
import type { Layer, Vec } from '../../layer';
import { gate, preQ } from './gates';
import type { Ops } from './ops';
import { refOps } from './ops';

export var CELL_MAX = 2097151;

export function makeLstm(ops: Ops) {
  return function lstm(L: Layer, x: Vec, h: Vec, c: Int32Array): void {
    var u = L.units;
    var aw = L.aw, ar = L.ar, pre = L.pre, g = L.g;
    ops.matvec(L, 0, x, 0, 4 * u, aw, 0);
    ops.matvec(L, 1, h, 0, 4 * u, ar, 0);
    for (var r = 0; r < 4 * u; r++) pre[r] = preQ(L, aw[r] * L.pW + ar[r] * L.pR + L.B[r], r);
    gate(ops, L, pre, 0, g, 0);
    gate(ops, L, pre, u, g, u);
    ops.act(L, pre, 2 * u, 0, L.lut.F, g, 2 * u);
    gate(ops, L, pre, 3 * u, g, 3 * u);
    for (var k = 0; k < u; k++) c[k] = clamp(rq(g[u + k] * c[k] + g[k] * g[2 * u + k], 1, 15), -CELL_MAX, CELL_MAX);
    ops.act(L, c, 0, 0, 15, ar, 0);
    var sh = 30 - L.hb;
    for (var j = 0; j < u; j++) h[j] = clamp(rq(g[3 * u + j] * ar[j], 1, sh), L.outLo, L.outHi);
  };
}

export var lstm = makeLstm(refOps);
