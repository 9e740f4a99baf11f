/**
 * argmax (first index of the largest value) and top-k (indices of the k largest values,
 * largest first, ties broken by the lower index) over an integer output vector.
 */
import type { Vec } from '../../layer';

export function argmax(v: Vec, n: number): number {
  var best = 0;
  for (var i = 1; i < n; i++) if (v[i] > v[best]) best = i;
  return best;
}

export function topk(v: Vec, n: number, k: number): number[] {
  var out: number[] = [];
  for (var t = 0; t < k && t < n; t++) {
    var best = -1;
    for (var i = 0; i < n; i++) {
      var taken = false;
      for (var j = 0; j < out.length; j++) if (out[j] === i) taken = true;
      if (!taken && (best < 0 || v[i] > v[best])) best = i;
    }
    out.push(best);
  }
  return out;
}
