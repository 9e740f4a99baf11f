/**
 * Small helpers around ndarray views over Float32Array, the IR's weight type.
 * Weights stay views: importers wrap the decoded buffers without copying where the layout
 * already matches, and transposes/gate reorders happen once here with explicit loops.
 */
import ndarray from 'ndarray';
import type { Tensor } from './types';

export function tensor(data: Float32Array | number[], shape: number[]): Tensor {
  const d = data instanceof Float32Array ? data : Float32Array.from(data);
  const n = shape.reduce((a, b) => a * b, 1);
  if (d.length !== n) throw new Error(`tensor: ${d.length} values for shape [${shape.join(', ')}]`);
  return ndarray(d, shape);
}

export function zeros(shape: number[]): Tensor {
  return ndarray(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
}

/** A dense row-major copy (whatever the strides of the view). */
export function contiguous(t: Tensor): Float32Array {
  const out = new Float32Array(t.size);
  let k = 0;
  if (t.dimension === 1) {
    for (let i = 0; i < t.shape[0]; i++) out[k++] = t.get(i);
  } else if (t.dimension === 2) {
    for (let i = 0; i < t.shape[0]; i++) for (let j = 0; j < t.shape[1]; j++) out[k++] = t.get(i, j);
  } else {
    throw new Error(`contiguous: ${t.dimension}-d tensors are not used in the IR`);
  }
  return out;
}

export function clone(t: Tensor): Tensor {
  return ndarray(contiguous(t), t.shape.slice());
}

/** Transpose of a 2-d tensor as a new contiguous tensor. */
export function transpose2d(t: Tensor): Tensor {
  const [r, c] = t.shape;
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.get(i, j);
  return ndarray(out, [c, r]);
}

/**
 * Reorders gate blocks along axis 0: `order[k]` is the source block that becomes block k.
 * Works for [gates*units, n] matrices and [gates*units] vectors.
 */
export function reorderGates(t: Tensor, units: number, order: number[]): Tensor {
  const cols = t.dimension === 2 ? t.shape[1] : 1;
  const src = contiguous(t);
  const out = new Float32Array(src.length);
  order.forEach((from, to) => {
    out.set(src.subarray(from * units * cols, (from + 1) * units * cols), to * units * cols);
  });
  return ndarray(out, t.shape.slice());
}

/** Row i of a 2-d tensor as a 1-d view (no copy). */
export function row(t: Tensor, i: number): Tensor {
  return t.pick(i, null) as Tensor;
}
