/**
 * The confidence score of the winning class, in Q0.15 (32768 = 1), for an integer output:
 * - softmax: 1 / sum_j exp(-(l_best - l_j)) of the int16 logits, with
 *   exp(-d) = (1 - tanh(d/2)) / (1 + tanh(d/2)) from the shared tanh table; the logit
 *   difference is first requantized into the gate format Q.F by (m, s), and each term and
 *   the final reciprocal are exact integer floor divisions (fixedpoint.divFloor).
 * - sigmoid: the output is already a probability in Q0.15.
 */
import { divFloor, rq } from '../../fixedpoint';
import type { Lut, Vec } from '../../layer';
import { tanhQ15 } from './lut';

export function softmaxScore(lut: Lut, v: Vec, n: number, best: number, m: number, s: number): number {
  var sum = 0;
  for (var j = 0; j < n; j++) {
    var t = tanhQ15(lut, rq(v[best] - v[j], m, s), lut.k + 1);
    sum += divFloor(32768 * (32768 - t), 32768 + t);
  }
  return divFloor(1073741824, sum);
}
