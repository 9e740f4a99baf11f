/**
 * Shared pieces of the recurrent kernels: the requantization of a gate pre-activation into
 * the plan's Q.F format (clamped to +-16, where every table has long saturated, so the
 * value always fits the scratch and the table index), and a gate activation (sigmoid by the
 * table or hard_sigmoid exactly) over one block of `units` values.
 */
import { clamp, pow2, rq } from '../../fixedpoint';
import type { Layer, Vec } from '../../layer';
import { hardSigmoidQ15 } from './lut';
import type { Ops } from './ops';

/** Requantize an accumulator of row r into the gate format Q.F, clamped to +-2^(F+4). */
export function preQ(L: Layer, acc: number, r: number): number {
  var lim = pow2(L.lut.F + 4);
  return clamp(rq(acc, L.M[r], L.shift), -lim, lim);
}

/** out[o + k] = gate(v[p + k]) in Q0.15 for one block of units. */
export function gate(ops: Ops, L: Layer, v: Vec, p: number, out: Float64Array, o: number): void {
  if (L.hard) {
    var F = L.lut.F;
    for (var k = 0; k < L.units; k++) out[o + k] = hardSigmoidQ15(v[p + k], F);
  } else {
    ops.act(L, v, p, 1, L.lut.F, out, o);
  }
}
