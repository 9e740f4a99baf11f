/**
 * `finetune(ir, data, opts)`: trains a (pruned) IR further in TF.js with its zero weights
 * held at exactly zero, optionally raising the sparsity gradually as it trains, so accuracy
 * recovers from pruning. Returns the fine-tuned IR (a new object; the input is untouched).
 *
 * Gradual schedule (Zhu & Gupta 2017, "To prune, or not to prune"): at the start of epoch t
 * (t0 ≤ t ≤ t0 + n, one pruning step per epoch) the target is
 *     s_t = s_f + (s_i − s_f) · (1 − (t − t0) / n)^3
 * rising fast while there are many redundant weights and slowly near the end; the model is
 * then magnitude-pruned to s_t (compress/prune.ts, same scope rule) and the epochs after
 * t0 + n train at s_f to recover. Without a final sparsity the model's existing zero pattern
 * is the mask (fine-tuning after one-shot pruning).
 *
 * Masks: every pruned matrix (recurrent W and R, Dense W, and the Embedding table when it is
 * pruned) gets mask = (w ≠ 0) at each pruning step; after every optimizer step the variables
 * are multiplied by their masks, so a pruned weight is exactly 0 whenever anyone can look.
 * Because pruned weights sit at 0, the next pruning step (smallest magnitudes first) keeps
 * them pruned: masks only grow.
 *
 * Training runs our own loop over length buckets (batches.ts: no padding, sequences at their
 * natural length, as on the device), Adam, softmax cross-entropy on the logits (the last
 * softmax is made linear for training and restored on the way back), seeded batch order.
 * With a validation split the result is the best validation epoch (accuracy, then loss)
 * among those trained at the final mask, as `fit` does for plain training.
 */
import type * as TF from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { WatchwordError } from '../errors';
import type { Example } from '../data/dataset';
import type { ModelIR } from '../ir/types';
import { outputSize, verify } from '../ir/verify';
import { pruneMagnitude, type PruneScope } from '../compress/prune';
import { sparsity } from '../compress/sparsity';
import { progress } from '../progress';
import { initTf } from './backend';
import { epochBatches, lengthBuckets } from './batches';
import { irFromTfjs, irToTfjs, tfjsWeights, weightLayers } from './ir-to-tfjs';
import { accuracyOf, batchTensors, predictRows } from './sequence-tensors';

export interface Schedule {
  /** s_i: sparsity at the first pruning step (default: the model's current sparsity). */
  initial?: number;
  /** s_f: final sparsity. */
  final: number;
  /** t0: epoch of the first pruning step (default 0). */
  start?: number;
  /** n: pruning steps after t0 (one per epoch; default half the epochs, at least 1). */
  steps?: number;
}

export interface FinetuneOptions {
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number | string;
  /** Gradual pruning; absent = keep the current zero pattern. */
  schedule?: Schedule;
  /** Pool for each pruning step's target (default 'global'). */
  scope?: PruneScope;
  /** Prune the Embedding table too (default false). */
  embedding?: boolean;
  /** Rows to report accuracy on after each epoch. */
  validation?: Example[];
  /** Return the weights of the best validation epoch (accuracy, then loss) among the epochs
   * trained at the final mask (default true when there is a validation split). */
  keepBest?: boolean;
  quiet?: boolean;
  /** Called after every epoch (tests, reports). */
  onEpoch?: (log: EpochLog) => void;
}

export interface EpochLog {
  epoch: number;
  sparsity: number;
  loss: number;
  trainAccuracy?: number;
  valAccuracy?: number;
  valLoss?: number;
}

/** The Zhu & Gupta target at epoch t. */
export function gradualSparsity(t: number, s: Required<Schedule>): number {
  if (t <= s.start) return s.initial;
  if (t >= s.start + s.steps) return s.final;
  return s.final + (s.initial - s.final) * (1 - (t - s.start) / s.steps) ** 3;
}

/** Masks (1 keep, 0 pruned) for the pruned matrices of each weighted layer, TF.js layout. */
function masksFor(tf: typeof TF, ir: ModelIR, embedding: boolean): (TF.Tensor | null)[][] {
  return tfjsWeights(tf, ir).map((ws, i) => {
    const l = ir.layers[i];
    const out = ws.map((w, k) => {
      const isMatrix = l.kind === 'embedding' ? embedding : l.kind === 'dense' ? k === 0 : k < 2;
      return isMatrix ? tf.tidy(() => tf.notEqual(w, 0).toFloat()) : null;
    });
    tf.dispose(ws);
    return out;
  });
}

function variables(model: TF.LayersModel): TF.Variable[][] {
  return weightLayers(model).map((l) => l.trainableWeights.map((w) => w.read() as TF.Variable));
}

function applyMasks(tf: typeof TF, vars: TF.Variable[][], masks: (TF.Tensor | null)[][]): void {
  tf.tidy(() => vars.forEach((vs, i) => vs.forEach((v, k) => { const m = masks[i][k]; if (m) v.assign(tf.mul(v, m)); })));
}

/** Cross-entropy of logits z for the label (log-sum-exp form, stable). */
function logSoftmaxLoss(z: ArrayLike<number>, label: number): number {
  let m = -Infinity;
  for (let k = 0; k < z.length; k++) if (z[k] > m) m = z[k];
  let s = 0;
  for (let k = 0; k < z.length; k++) s += Math.exp(z[k] - m);
  return m + Math.log(s) - z[label];
}

export function checkClassifier(ir: ModelIR, what: string): void {
  const last = ir.layers[ir.layers.length - 1];
  if (last.kind !== 'dense' || (last.activation !== 'softmax' && last.activation !== 'linear')) {
    throw new WatchwordError(`${ir.source?.file ?? ir.name}: ${what} needs a classifier whose last layer is a Dense softmax (or linear logits) layer; the last layer '${last.name}' is ${last.kind === 'dense' ? `Dense ${last.activation}` : last.kind}`);
  }
}

export async function finetune(irIn: ModelIR, train: Example[], opts: FinetuneOptions): Promise<{ ir: ModelIR; history: EpochLog[] }> {
  const tf = await initTf();
  // The WASM backend has no UnsortedSegmentSum, the gradient of an Embedding lookup: token
  // models train on TF.js's CPU backend (slower, exact), as `runTraining` does.
  const backend = tf.getBackend();
  if (irIn.layers[0]?.kind === 'embedding') await tf.setBackend('cpu');
  try {
    return await finetuneOn(tf, irIn, train, opts);
  } finally {
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  }
}

async function finetuneOn(tf: typeof TF, irIn: ModelIR, train: Example[], opts: FinetuneOptions): Promise<{ ir: ModelIR; history: EpochLog[] }> {
  const ir = verify(irIn, 'fine-tuning input');
  const where = ir.source?.file ?? ir.name;
  checkClassifier(ir, 'fine-tuning');
  if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new WatchwordError(`${where}: fine-tuning epochs must be a positive integer, got ${opts.epochs}`);
  if (train.length === 0) throw new WatchwordError(`${where}: no training rows for fine-tuning`);
  const classes = outputSize(ir);
  const embedding = opts.embedding ?? false;
  const sched: Required<Schedule> | undefined = opts.schedule && {
    initial: opts.schedule.initial ?? sparsity(ir).weightSparsity,
    final: opts.schedule.final,
    start: opts.schedule.start ?? 0,
    steps: opts.schedule.steps ?? Math.max(1, Math.floor(opts.epochs / 2)),
  };
  if (sched && !(sched.final >= 0 && sched.final < 1 && sched.initial >= 0 && sched.initial <= sched.final)) {
    throw new WatchwordError(`${where}: gradual pruning needs 0 ≤ initial (${sched.initial}) ≤ final (${sched.final}) < 1`);
  }
  const rng = seedrandom(`finetune:${opts.seed ?? 1}`);
  const model = irToTfjs(tf, ir, { logits: true, lastStepOnly: true });
  const vars = variables(model);
  const varList = vars.flat();
  const optimizer = tf.train.adam(opts.learningRate ?? 0.002);
  const buckets = lengthBuckets(train);
  let current = ir;
  let masks = masksFor(tf, ir, embedding);
  applyMasks(tf, vars, masks);
  const history: EpochLog[] = [];
  const keepBest = (opts.keepBest ?? true) && !!opts.validation?.length;
  let best: { acc: number; loss: number; epoch: number; ir: ModelIR } | undefined;
  const bar = progress('fine-tune', opts.epochs, { quiet: opts.quiet });
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    if (sched && epoch <= sched.start + sched.steps && epoch >= sched.start) {
      const target = gradualSparsity(epoch, sched);
      current = pruneMagnitude(irFromTfjs(model, ir), { sparsity: target, scope: opts.scope, embedding });
      tf.dispose(masks.flat().filter((m): m is TF.Tensor => m !== null));
      masks = masksFor(tf, current, embedding);
      applyMasks(tf, vars, masks);
    }
    let lossSum = 0, n = 0;
    for (const idx of epochBatches(buckets, opts.batchSize ?? 32, rng)) {
      const { x, y } = batchTensors(tf, ir.input, train, idx, classes);
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as TF.Tensor2D) as TF.Scalar, true, varList)!;
      lossSum += loss.dataSync()[0] * idx.length; n += idx.length;
      tf.dispose([x, y, loss]);
      applyMasks(tf, vars, masks);
    }
    const log: EpochLog = { epoch: epoch + 1, sparsity: sparsity(irFromTfjs(model, ir)).weightSparsity, loss: lossSum / n };
    if (opts.validation?.length) {
      const val = predictRows(tf, model, /* logits */ ir.input, opts.validation, classes);
      log.valAccuracy = accuracyOf(val, opts.validation);
      log.valLoss = val.reduce((a, z, i) => a + logSoftmaxLoss(z, opts.validation![i].label), 0) / val.length;
      // Only epochs at the final mask compete: an earlier, less sparse epoch is not a candidate.
      const finalMask = !sched || epoch >= sched.start + sched.steps;
      if (keepBest && finalMask && (!best || log.valAccuracy > best.acc || (log.valAccuracy === best.acc && log.valLoss < best.loss))) {
        best = { acc: log.valAccuracy, loss: log.valLoss, epoch: epoch + 1, ir: irFromTfjs(model, ir) };
      }
    }
    history.push(log);
    opts.onEpoch?.(log);
    bar.log(`fine-tune epoch ${log.epoch}/${opts.epochs}: sparsity ${(100 * log.sparsity).toFixed(1)}%, loss ${log.loss.toFixed(4)}` +
      (log.valAccuracy !== undefined ? `, validation accuracy ${(100 * log.valAccuracy).toFixed(1)}%` : ''));
    bar.update(epoch + 1);
  }
  bar.stop();
  const out = best ? best.ir : irFromTfjs(model, ir);
  if (best && !opts.quiet) process.stderr.write(`fine-tune: keeping epoch ${best.epoch} (best validation accuracy at the final mask)\n`);
  tf.dispose(masks.flat().filter((m): m is TF.Tensor => m !== null));
  optimizer.dispose();
  model.dispose();
  return { ir: verify(out, 'fine-tuning'), history };
}
