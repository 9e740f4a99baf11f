/**
 * Labelled sequences as TF.js tensors, without padding, for the pruning fine-tune and
 * distillation loops: `batchTensors` turns a batch of equally long rows (batches.ts groups by
 * length) into x [b, steps, features] in model units (device value × input.scale; token ids
 * as they are) and one-hot y; `predictRows` runs a model over every row at its natural
 * length, as the device and the float reference do, and returns one output vector per row.
 */
import type * as TF from '@tensorflow/tfjs';
import { WatchwordError } from '../errors';
import type { Example } from '../data/dataset';
import type { InputSpec } from '../ir/types';
import { evalBatches, lengthBuckets } from './batches';

export function batchTensors(tf: typeof TF, input: InputSpec, rows: Example[], idx: number[], classes: number): { x: TF.Tensor; y: TF.Tensor2D } {
  const steps = rows[idx[0]].frames.length;
  const f = input.features;
  const token = input.deviceType === 'token';
  const data = new Float32Array(idx.length * steps * (token ? 1 : f));
  const labels = new Int32Array(idx.length);
  idx.forEach((r, b) => {
    const e = rows[r];
    if (e.frames.length !== steps) throw new Error(`batchTensors: row ${r} has ${e.frames.length} steps in a batch of ${steps}`);
    if (!Number.isInteger(e.label) || e.label < 0 || e.label >= classes) {
      throw new WatchwordError(`row ${r}: label ${e.label} is not one of the model's ${classes} outputs`);
    }
    labels[b] = e.label;
    e.frames.forEach((fr, t) => {
      if (fr.length !== f) throw new WatchwordError(`row ${r} frame ${t}: ${fr.length} values, the model takes ${f}`);
      if (token) data[b * steps + t] = fr[0];
      else for (let k = 0; k < f; k++) data[(b * steps + t) * f + k] = fr[k] * input.scale;
    });
  });
  return tf.tidy(() => ({
    x: token ? tf.tensor2d(data, [idx.length, steps]) : tf.tensor3d(data, [idx.length, steps, f]),
    y: tf.oneHot(tf.tensor1d(labels, 'int32'), classes).toFloat() as TF.Tensor2D,
  }));
}

/** The model's output for every row (row order), run in length buckets. */
export function predictRows(tf: typeof TF, model: TF.LayersModel, input: InputSpec, rows: Example[], classes: number, batchSize = 128): Float32Array[] {
  const out: Float32Array[] = new Array(rows.length);
  for (const idx of evalBatches(lengthBuckets(rows), batchSize)) {
    const { x, y } = batchTensors(tf, input, rows, idx, classes);
    const p = model.predict(x) as TF.Tensor2D;
    const v = p.dataSync() as Float32Array;
    const c = p.shape[1];
    idx.forEach((r, b) => { out[r] = v.slice(b * c, (b + 1) * c); });
    tf.dispose([x, y, p]);
  }
  return out;
}

/** Fraction of rows whose argmax output is the label. */
export function accuracyOf(outputs: ArrayLike<number>[], rows: Example[]): number {
  let ok = 0;
  outputs.forEach((o, i) => {
    let best = 0;
    for (let k = 1; k < o.length; k++) if (o[k] > o[best]) best = k;
    if (best === rows[i].label) ok++;
  });
  return rows.length ? ok / rows.length : 0;
}
