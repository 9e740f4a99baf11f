/**
 * The activation functions of the integer runtime, element by element: tanh and sigmoid by
 * the compiler-built tanh table with linear interpolation, hard_sigmoid exactly in integers.
 * This is the definition; the fast kernel sets compute the same numbers vector-wise.
 *
 * tanh(v / 2^f) for an integer v in fixed point with f fractional bits: with s the index
 * shift (the table step is 2^s units of v), a = |v|, i = floor(a / 2^s) (saturating at the
 * table's last entry N), r = a - i * 2^s, and tanh = sign(v) * (T[i] + round(D[i] * r / 2^s))
 * in Q0.15. sigmoid(x) = (1 + tanh(x / 2)) / 2 reuses the table with one more index shift,
 * so one table of N+1 int16 serves both.
 */
import { clamp, divFloor, floorShift, pow2, rq } from '../../fixedpoint';
import type { Lut } from '../../layer';

/** tanh in Q0.15 of a fixed-point v whose table step is 2^s units. */
export function tanhQ15(lut: Lut, v: number, s: number): number {
  var a = v < 0 ? -v : v;
  var i = floorShift(a, s);
  var r = 0;
  if (i >= lut.N) i = lut.N;
  else r = a - i * pow2(s);
  var y = lut.T[i] + rq(lut.D[i] * r, 1, s);
  return v < 0 ? -y : y;
}

/** sigmoid in Q0.15 (0..32768) of v, from tanh(v/2): same table, index shift s + 1. */
export function sigmoidQ15(lut: Lut, v: number, s: number): number {
  return rq(32768 + tanhQ15(lut, v, s + 1), 1, 1);
}

/**
 * TF.js hard_sigmoid clip(0.2 x + 0.5, 0, 1) of x = v / 2^f, in Q0.15, exactly:
 * floor((0.2 v / 2^f + 0.5) * 2^15 + 0.5) = floor((2^16 v + 5 * 2^(f+15) + 5 * 2^f) / (10 * 2^f)).
 */
export function hardSigmoidQ15(v: number, f: number): number {
  var p = pow2(f);
  return clamp(divFloor(v * 65536 + 5 * 32768 * p + 5 * p, 10 * p), 0, 32768);
}
