/**
 * Worst-case range analysis: for every layer, over ALL integer inputs its input type allows
 * (not the typical ones) and the actual integer weights, bounds every intermediate of the
 * kernels and proves it below 2^53 (so every product and sum is exact in doubles, including
 * E.convolve's running sum), proves every bias fits int32, and records the figures for the
 * report. The kernels use no `>>` or `|0`, so no int32 proof is needed for shifts; values
 * stored into typed arrays are clamped to the array's range by the kernels themselves.
 * A layer that cannot be proven fails the build with a WatchwordError naming the layer, the
 * quantity and the bound.
 */
import { WatchwordError } from '../errors';
import type { LayerBounds, Plan, PlanLayer } from './types';

const LIMIT = 2 ** 53;
const INT32 = 2 ** 31 - 1;
const CELL_MAX = 2097151;

function fail(p: Plan, l: PlanLayer, what: string, value: number, bound: number, bname: string): never {
  throw new WatchwordError(`${p.q.ir.source.file}: layer ${l.index} '${l.name}' (${l.kind}): cannot prove the integer range: ${what} can reach ${value.toExponential(4)}, over the bound ${bname} = ${bound}`);
}

export function proveRanges(p: Plan): Plan {
  const inKind = p.q.input.kind;
  let xMax = inKind === 'int16' ? 32768 : 128;
  for (const l of p.layers) {
    const outMax = Math.max(Math.abs(l.outLo), Math.abs(l.outHi));
    if (l.kind === 'embedding') {
      l.bounds = { xMax: 0, hMax: 0, acc: 0, product: 0, elementwise: 0, bias: 0, biasBits: 16 };
      xMax = outMax;
      continue;
    }
    const cols = l.inSize, u = l.units, rows = l.rows;
    const hMax = l.kind === 'dense' ? 0 : outMax;
    const W = l.W!, R = l.R, B = l.B!, B2 = l.B2, M = l.M!;
    const pW = 2 ** l.eW, pR = 2 ** l.eR;
    let acc = 0, product = 0, bias = 0;
    const half = l.shift > 0 ? 2 ** (l.shift - 1) : 0;
    for (let r = 0; r < rows; r++) {
      let aw = 0;
      for (let j = 0; j < cols; j++) aw += Math.abs(W[r * cols + j]) * xMax;
      let ar = 0;
      if (R) for (let j = 0; j < u; j++) ar += Math.abs(R[r * u + j]) * hMax;
      const b = Math.abs(B[r]);
      bias = Math.max(bias, b);
      if (b > INT32) fail(p, l, `the bias of row ${r} (${B[r]} accumulator units)`, b, INT32, 'int32 max 2^31-1');
      let a: number;
      if (B2 && r >= 2 * u) {
        const b2 = Math.abs(B2[r - 2 * u]);
        bias = Math.max(bias, b2);
        if (b2 > INT32) fail(p, l, `the recurrent bias of row ${r} (${B2[r - 2 * u]})`, b2, INT32, 'int32 max 2^31-1');
        a = Math.max(pW * aw + b, pR * ar + b2);
      } else {
        a = pW * aw + pR * ar + b;
      }
      if (a >= LIMIT) fail(p, l, `the accumulator of row ${r}`, a, LIMIT, '2^53');
      const prod = a * M[r] + half;
      if (prod >= LIMIT) fail(p, l, `accumulator x multiplier of row ${r} (M=${M[r]})`, prod, LIMIT, '2^53');
      acc = Math.max(acc, a);
      product = Math.max(product, prod);
    }
    // Elementwise intermediates are bounded by the formats alone (Q0.15 gates, Q.F clamped
    // pre-activations, Q.15 cell clamped to CELL_MAX).
    const preMax = 2 ** (p.F + 4);
    let elementwise = 0;
    if (l.kind === 'gru') elementwise = Math.max(2 ** 30 + 2 ** 15 * (outMax * 2 ** (15 - l.hb) + 2 ** 15), 2 ** 15 * preMax, 2 ** 15 * hMax);
    else if (l.kind === 'lstm') elementwise = 2 ** 15 * CELL_MAX + 2 ** 30;
    else elementwise = 2 ** 16 * preMax;
    if (elementwise >= LIMIT) fail(p, l, 'an elementwise intermediate', elementwise, LIMIT, '2^53');
    const bounds: LayerBounds = { xMax, hMax, acc, product, elementwise, bias, biasBits: bias <= 32767 ? 16 : 32 };
    l.bounds = bounds;
    xMax = outMax;
  }
  return p;
}
