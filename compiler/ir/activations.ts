/**
 * The float activation functions exactly as the training frameworks define them.
 * `hard_sigmoid` is TF.js's formula (tfjs-layers backend `hardSigmoid`):
 * clip(0.2 * x + 0.5, 0, 1) — not Keras 3's relu6(x + 3) / 6.
 */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const hardSigmoid = (x: number): number => Math.min(1, Math.max(0, 0.2 * x + 0.5));
export const tanh = Math.tanh;
export const relu = (x: number): number => (x > 0 ? x : 0);

export function gateFn(name: 'sigmoid' | 'hard_sigmoid'): (x: number) => number {
  return name === 'sigmoid' ? sigmoid : hardSigmoid;
}

/** Numerically stable softmax, in place. */
export function softmaxInPlace(v: Float64Array): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < v.length; i++) if (v[i] > m) m = v[i];
  let s = 0;
  for (let i = 0; i < v.length; i++) { v[i] = Math.exp(v[i] - m); s += v[i]; }
  for (let i = 0; i < v.length; i++) v[i] /= s;
  return v;
}
