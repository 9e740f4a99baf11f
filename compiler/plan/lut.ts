/**
 * Builds the tanh lookup table the runtime uses for tanh, sigmoid (via tanh(x/2)) and the
 * softmax score, choosing its step and range by MEASURED error: every candidate table is
 * evaluated through the runtime's own integer code (runtime/kernels/ref/lut.ts) on every
 * representable gate pre-activation in Q.F within +-16, against Math.tanh and the logistic
 * function in float64, and the smallest table whose worst error is within the tolerance wins.
 *
 * Measured with F = 12 (Q3.12), linear interpolation, int16 Q0.15 entries (max error over
 * all 131073 inputs; `watchword report` prints the figures for a given model):
 *   step 1/4,  range [0,8):  33 entries,  tanh 5.97e-3, sigmoid 3.00e-3
 *   step 1/8,  range [0,4):  33 entries,  tanh 1.51e-3, sigmoid 7.70e-4  <- int8 state (tol 2^-9)
 *   step 1/16, range [0,5):  81 entries,  tanh 3.91e-4, sigmoid 2.11e-4
 *   step 1/32, range [0,5): 161 entries,  tanh 1.15e-4, sigmoid 7.28e-5  <- int16 state (tol 2^-12)
 * The tolerance is a quarter of the hidden state's step: 2^-9 for int8, 2^-12 for int16.
 * A range of 3 costs 4.9e-3 (tanh(3) = 0.995), so ranges below 4 never win.
 */
import { WatchwordError } from '../errors';
import type { Lut } from '../../runtime/layer';
import { sigmoidQ15, tanhQ15 } from '../../runtime/kernels/ref/lut';

export interface LutChoice {
  lut: Lut;
  /** Step of the table in real units (2^k / 2^F) and its range (N steps). */
  step: number;
  range: number;
  errTanh: number;
  errSigmoid: number;
  tolerance: number;
  /** Every candidate tried, for the report. */
  candidates: { entries: number; step: number; range: number; errTanh: number; errSigmoid: number }[];
}

export function makeLut(F: number, j: number, range: number): Lut {
  const k = F - j;
  const N = range * 2 ** j;
  if (k < 0 || N > 255 || N < 1) throw new Error(`makeLut: step 2^-${j} with range ${range} does not fit (F=${F})`);
  const T = new Int16Array(N + 1);
  for (let i = 0; i <= N; i++) T[i] = Math.min(32767, Math.round(Math.tanh(i / 2 ** j) * 32768));
  const D = new Int16Array(N + 1);
  for (let i = 0; i < N; i++) D[i] = T[i + 1] - T[i];
  return { T, D, N, k, F };
}

/** Worst absolute error of the table's tanh and sigmoid over every Q.F value within +-16. */
export function measureLut(lut: Lut): { errTanh: number; errSigmoid: number } {
  const F = lut.F;
  const lim = 2 ** (F + 4);
  let et = 0;
  let es = 0;
  for (let v = -lim; v <= lim; v++) {
    const x = v / 2 ** F;
    const t = Math.abs(tanhQ15(lut, v, lut.k) / 32768 - Math.tanh(x));
    const s = Math.abs(sigmoidQ15(lut, v, lut.k) / 32768 - 1 / (1 + Math.exp(-x)));
    if (t > et) et = t;
    if (s > es) es = s;
  }
  return { errTanh: et, errSigmoid: es };
}

const chosen = new Map<string, LutChoice>();

export function chooseLut(F: number, tolerance: number): LutChoice {
  const key = `${F}:${tolerance}`;
  const hit = chosen.get(key);
  if (hit) return hit;
  const c = searchLut(F, tolerance);
  chosen.set(key, c);
  return c;
}

function searchLut(F: number, tolerance: number): LutChoice {
  const candidates: LutChoice['candidates'] = [];
  let best: { lut: Lut; j: number; range: number; errTanh: number; errSigmoid: number } | null = null;
  for (let j = 2; j <= 6; j++) {
    for (const range of [3, 4, 5, 6, 8]) {
      if (range * 2 ** j > 255 || F - j < 0) continue;
      const lut = makeLut(F, j, range);
      const e = measureLut(lut);
      candidates.push({ entries: lut.N + 1, step: 2 ** -j, range, ...e });
      if (Math.max(e.errTanh, e.errSigmoid) <= tolerance && (!best || lut.N < best.lut.N)) best = { lut, j, range, ...e };
    }
  }
  if (!best) {
    const closest = candidates.reduce((a, c) => (Math.max(c.errTanh, c.errSigmoid) < Math.max(a.errTanh, a.errSigmoid) ? c : a));
    throw new WatchwordError(`no tanh table of at most 256 entries reaches the error tolerance ${tolerance} (best: ${closest.entries} entries, error ${Math.max(closest.errTanh, closest.errSigmoid).toExponential(2)})`);
  }
  return { lut: best.lut, step: 2 ** -best.j, range: best.range, errTanh: best.errTanh, errSigmoid: best.errSigmoid, tolerance, candidates };
}
