/**
 * The only rounding and requantization primitives of the runtime. Every value they see is an
 * integer-valued JS number whose magnitude the compiler's range analysis
 * (compiler/plan/range.ts) has proven to stay below 2^53, so each multiplication and
 * addition is exact in IEEE doubles on every engine, and the one rounding step is an exact
 * division by a power of two followed by Math.floor. Never Math.round (Espruino rounds -2.5
 * to -3), Math.imul/Math.trunc/Math.fround/Math.tanh (missing on Espruino), `>>` or `|0`
 * (int32 wrap-around): the kernels build on these functions only.
 */

/** P2[s] = 2^s, exact, for s in 0..62. */
var P2: number[] = [];
(function () {
  var p = 1;
  for (var i = 0; i <= 62; i++) {
    P2[i] = p;
    p = p * 2;
  }
})();

export function pow2(s: number): number {
  return P2[s];
}

/**
 * Requantize: floor((v * m + 2^(s-1)) / 2^s), i.e. v * m / 2^s rounded to nearest with ties
 * towards +infinity. m is an integer multiplier of at most 15 bits, s a shift in 0..52.
 */
export function rq(v: number, m: number, s: number): number {
  if (s === 0) return v * m;
  return Math.floor((v * m + P2[s - 1]) / P2[s]);
}

/** floor(v / 2^s) (no rounding offset), for the LUT index split. */
export function floorShift(v: number, s: number): number {
  return Math.floor(v / P2[s]);
}

/**
 * floor(a / b) for integers with |a| + |b| < 2^53 and b > 0: the IEEE quotient is correctly
 * rounded, and it can only round up to the next integer when a / b is within half an ulp of
 * it, which needs a + b >= 2^53; so the floor of the double quotient is the exact floor.
 */
export function divFloor(a: number, b: number): number {
  return Math.floor(a / b);
}

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
