/**
 * Embedding: out = table[id], int8 at the table's scale. The caller (net.ts) has checked
 * that id is an integer in 0..vocab-1.
 */
import type { Layer, Vec } from '../../layer';

export function embedding(L: Layer, id: number, out: Vec): void {
  var t = L.table as Int8Array;
  var d = L.units;
  var base = id * d;
  for (var k = 0; k < d; k++) out[k] = t[base + k];
}
