/**
 * Turns data set rows into TF.js tensors (device units × input.scale, as the IR defines the
 * model input) and measures a model on a split: mean cross-entropy, accuracy, per-class
 * accuracy and the confusion matrix. Runs each length bucket as one batch, unpadded.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Example } from '../data/dataset';
import type { InputSpec } from '../ir/types';
import { evalBatches, lengthBuckets } from './batches';

/** x: [B, T, features] scaled floats, or [B, T] token ids for Embedding models; y: one-hot. */
export function toTensors(tf: typeof TF, rows: Example[], idx: number[], input: InputSpec, classes: number, tokens: boolean): { x: TF.Tensor; y: TF.Tensor2D } {
  const T = rows[idx[0]].frames.length;
  const F = input.features;
  const y = new Float32Array(idx.length * classes);
  let x: TF.Tensor;
  if (tokens) {
    const data = new Float32Array(idx.length * T);
    idx.forEach((r, b) => rows[r].frames.forEach((fr, t) => { data[b * T + t] = fr[0]; }));
    x = tf.tensor2d(data, [idx.length, T]);
  } else {
    const data = new Float32Array(idx.length * T * F);
    const s = input.scale;
    idx.forEach((r, b) => rows[r].frames.forEach((fr, t) => { for (let k = 0; k < F; k++) data[(b * T + t) * F + k] = fr[k] * s; }));
    x = tf.tensor3d(data, [idx.length, T, F]);
  }
  idx.forEach((r, b) => { y[b * classes + rows[r].label] = 1; });
  return { x, y: tf.tensor2d(y, [idx.length, classes]) };
}

export interface Metrics {
  loss: number;
  accuracy: number;
  /** [label] → {correct, total} */
  perClass: { correct: number; total: number }[];
  /** confusion[true][predicted] */
  confusion: number[][];
}

export function evaluate(tf: typeof TF, model: TF.LayersModel, rows: Example[], input: InputSpec, classes: number, tokens: boolean): Metrics {
  const confusion = Array.from({ length: classes }, () => new Array(classes).fill(0));
  let lossSum = 0;
  for (const idx of evalBatches(lengthBuckets(rows), 256)) {
    const { x, y } = toTensors(tf, rows, idx, input, classes, tokens);
    const p = model.predict(x) as TF.Tensor2D;
    const probs = p.dataSync();
    tf.dispose([x, y, p]);
    idx.forEach((r, b) => {
      let best = 0;
      for (let c = 1; c < classes; c++) if (probs[b * classes + c] > probs[b * classes + best]) best = c;
      const truth = rows[r].label;
      confusion[truth][best]++;
      lossSum += -Math.log(Math.max(probs[b * classes + truth], 1e-7));
    });
  }
  const perClass = confusion.map((row, c) => ({ correct: row[c], total: row.reduce((a, b) => a + b, 0) }));
  const correct = perClass.reduce((a, p) => a + p.correct, 0);
  return { loss: rows.length ? lossSum / rows.length : 0, accuracy: rows.length ? correct / rows.length : 0, perClass, confusion };
}
