/**
 * `distill(student, teacher, input, train, opts)`: knowledge distillation (Hinton et al. 2015).
 * A larger teacher's outputs softened at temperature T carry how it ranks the wrong classes
 * ("this flick looks a bit like a twist"), which hard labels do not; a small student trained
 * to match them often generalises better than one trained on the labels alone.
 *
 *   loss = α · T² · KL(softmax(z_t / T) ‖ softmax(z_s / T)) + (1 − α) · CE(y, softmax(z_s))
 *
 * z_t, z_s are the teacher's and student's logits; T² keeps the soft term's gradients on the
 * scale of the hard term's as T changes (the soft gradients shrink as 1/T²). α = 0 is plain
 * training on the labels with the very same loop, batches and seed — the honest baseline for
 * "student with and without the teacher".
 *
 * Both models must end in a Dense layer (softmax or linear) fed by a [batch, features] tensor;
 * logits are computed as that layer's kernel·h + bias, so neither model is modified. The
 * teacher's logits are computed once per training row (it is frozen). Training runs over
 * length buckets (batches.ts: no padding), Adam, seeded batch order; the student is trained
 * in place and, like `fit`, ends with the weights of its best validation epoch.
 */
import type * as TF from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { WatchwordError } from '../errors';
import type { Example } from '../data/dataset';
import type { InputSpec, ModelIR } from '../ir/types';
import { progress } from '../progress';
import { initTf } from './backend';
import { epochBatches, evalBatches, lengthBuckets } from './batches';
import { irToTfjs } from './ir-to-tfjs';
import { accuracyOf, batchTensors, predictRows } from './sequence-tensors';

export interface DistillOptions {
  /** Softening temperature T (default 4). */
  temperature?: number;
  /** Weight α of the soft (teacher) term (default 0.7); 0 = labels only. */
  alpha?: number;
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number | string;
  validation?: Example[];
  /** Restore the weights of the best validation epoch (accuracy, then loss) at the end, as
   * `fit` does for plain training (default true when there is a validation split). */
  keepBest?: boolean;
  quiet?: boolean;
  onEpoch?: (log: DistillEpoch) => void;
}

/** Per epoch: training loss and accuracy (over the epoch's batches), validation figures. */
export interface DistillEpoch { epoch: number; loss: number; accuracy: number; valLoss?: number; valAccuracy?: number; seconds: number }

/** The last Dense layer's pre-activation output: the logits, differentiable w.r.t. the model. */
export function logitsOf(tf: typeof TF, model: TF.LayersModel, x: TF.Tensor, training: boolean): TF.Tensor2D {
  const layers = model.layers;
  const last = layers[layers.length - 1];
  if (last.getClassName() !== 'Dense') throw new WatchwordError(`model '${model.name}': distillation needs a last Dense layer, found ${last.getClassName()}`);
  let h = x;
  for (const l of layers.slice(0, -1)) h = l.apply(h, { training }) as TF.Tensor;
  if (h.rank !== 2) throw new WatchwordError(`model '${model.name}': the last Dense layer sees a rank-${h.rank} tensor; distillation needs one vector per sequence (last recurrent layer without return_sequences)`);
  const [kernel, bias] = last.trainableWeights.map((w) => w.read());
  const z = tf.matMul(h as TF.Tensor2D, kernel as TF.Tensor2D);
  return (bias ? tf.add(z, bias) : z) as TF.Tensor2D;
}

/** Teacher logits for every row (row order). */
function teacherLogits(tf: typeof TF, teacher: TF.LayersModel, input: InputSpec, rows: Example[], classes: number): Float32Array[] {
  const out: Float32Array[] = new Array(rows.length);
  for (const idx of evalBatches(lengthBuckets(rows), 128)) {
    const { x, y } = batchTensors(tf, input, rows, idx, classes);
    const z = tf.tidy(() => logitsOf(tf, teacher, x, false));
    const v = z.dataSync() as Float32Array;
    if (z.shape[1] !== classes) throw new WatchwordError(`the teacher has ${z.shape[1]} outputs, the student ${classes}`);
    idx.forEach((r, b) => { out[r] = v.slice(b * classes, (b + 1) * classes); });
    tf.dispose([x, y, z]);
  }
  return out;
}

export async function distill(student: TF.LayersModel, teacherIn: TF.LayersModel | ModelIR, input: InputSpec, train: Example[], opts: DistillOptions): Promise<DistillEpoch[]> {
  const tf = await initTf();
  // The WASM backend has no UnsortedSegmentSum, the gradient of an Embedding lookup: token
  // models train on TF.js's CPU backend (slower, exact), as `runTraining` does.
  const backend = tf.getBackend();
  if (input.deviceType === 'token') await tf.setBackend('cpu');
  try {
    return await distillOn(tf, student, teacherIn, input, train, opts);
  } finally {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  }
}

async function distillOn(tf: typeof TF, student: TF.LayersModel, teacherIn: TF.LayersModel | ModelIR, input: InputSpec, train: Example[], opts: DistillOptions): Promise<DistillEpoch[]> {
  const T = opts.temperature ?? 4;
  const alpha = opts.alpha ?? 0.7;
  if (!(T > 0) || !Number.isFinite(T)) throw new WatchwordError(`distillation temperature must be a positive number, got ${T}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new WatchwordError(`distillation weight alpha must be in [0, 1], got ${alpha}`);
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new WatchwordError(`distillation epochs must be a positive integer, got ${opts.epochs}`);
  if (train.length === 0) throw new WatchwordError('no training rows for distillation');
  const classes = (student.outputs[0].shape[student.outputs[0].shape.length - 1]) as number;
  const own = !('layers' in teacherIn && typeof (teacherIn as TF.LayersModel).predict === 'function');
  const teacher = own ? irToTfjs(tf, teacherIn as ModelIR, { lastStepOnly: true }) : (teacherIn as TF.LayersModel);
  const zt = alpha > 0 ? teacherLogits(tf, teacher, input, train, classes) : [];
  if (own) teacher.dispose();
  const rng = seedrandom(`distill:${opts.seed ?? 1}`);
  const varList = student.trainableWeights.map((w) => w.read() as TF.Variable);
  const optimizer = tf.train.adam(opts.learningRate ?? 0.005);
  const buckets = lengthBuckets(train);
  const history: DistillEpoch[] = [];
  const keepBest = (opts.keepBest ?? true) && !!opts.validation?.length;
  let best: { acc: number; loss: number; weights: TF.Tensor[] } | undefined;
  const bar = progress('distill', opts.epochs, { quiet: opts.quiet });
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const t0 = Date.now();
    let lossSum = 0, n = 0, correct = 0;
    let predicted: TF.Tensor | undefined;
    for (const idx of epochBatches(buckets, opts.batchSize ?? 32, rng)) {
      const { x, y } = batchTensors(tf, input, train, idx, classes);
      const soft = alpha > 0 ? tf.tidy(() => {
        const z = new Float32Array(idx.length * classes);
        idx.forEach((r, b) => z.set(zt[r], b * classes));
        return tf.softmax(tf.div(tf.tensor2d(z, [idx.length, classes]), T));
      }) : null;
      const loss = optimizer.minimize(() => {
        const zs = logitsOf(tf, student, x, true);
        predicted = tf.keep(tf.argMax(zs, -1));
        const hard = tf.losses.softmaxCrossEntropy(y, zs);
        if (!soft) return hard as TF.Scalar;
        // KL(p_t || p_s) = Σ p_t (log p_t − log p_s); the p_t log p_t part has no gradient but
        // keeps the reported loss a true KL (0 when the student matches the teacher).
        const logPs = tf.logSoftmax(tf.div(zs, T));
        const kl = tf.mean(tf.sum(tf.mul(soft, tf.sub(tf.log(tf.maximum(soft, 1e-30)), logPs)), -1));
        return tf.add(tf.mul(alpha * T * T, kl), tf.mul(1 - alpha, hard)) as TF.Scalar;
      }, true, varList)!;
      lossSum += loss.dataSync()[0] * idx.length; n += idx.length;
      const p = predicted!.dataSync();
      idx.forEach((r, b) => { if (p[b] === train[r].label) correct++; });
      tf.dispose([x, y, loss, predicted!, ...(soft ? [soft] : [])]);
    }
    const log: DistillEpoch = { epoch: epoch + 1, loss: lossSum / n, accuracy: correct / n, seconds: 0 };
    if (opts.validation?.length) {
      const out = predictRows(tf, student, input, opts.validation, classes);
      log.valAccuracy = accuracyOf(out, opts.validation);
      // Cross-entropy of the (softmax) outputs on the labels, as `evaluate` reports it.
      log.valLoss = out.reduce((a, o, i) => a - Math.log(Math.max(o[opts.validation![i].label], 1e-7)), 0) / out.length;
      if (keepBest && (!best || log.valAccuracy > best.acc || (log.valAccuracy === best.acc && log.valLoss < best.loss))) {
        if (best) tf.dispose(best.weights);
        best = { acc: log.valAccuracy, loss: log.valLoss, weights: student.getWeights().map((w) => w.clone()) };
      }
    }
    log.seconds = (Date.now() - t0) / 1000;
    history.push(log);
    opts.onEpoch?.(log);
    bar.log(`distill epoch ${log.epoch}/${opts.epochs} (T=${T}, α=${alpha}): loss ${log.loss.toFixed(4)}` +
      (log.valAccuracy !== undefined ? `, validation accuracy ${(100 * log.valAccuracy).toFixed(1)}%` : ''));
    bar.update(epoch + 1);
  }
  bar.stop();
  if (best) {
    student.setWeights(best.weights);
    tf.dispose(best.weights);
  }
  optimizer.dispose();
  return history;
}
