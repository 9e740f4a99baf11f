/**
 * The training loop: Adam on categorical cross-entropy over length-bucketed mini-batches
 * (batches.ts), with our own seeded shuffling; after every epoch the validation split is
 * measured, a progress line is printed, and the weights of the best validation epoch
 * (accuracy, then loss) are kept and restored at the end — so a late wobble does not cost the
 * saved model, and the choice is deterministic.
 */
import type * as TF from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import type { Dataset } from '../data/dataset';
import { progress } from '../progress';
import { epochBatches, lengthBuckets } from './batches';
import { evaluate, toTensors } from './evaluate';

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  tokens: boolean;
  quiet?: boolean;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

export async function fit(tf: typeof TF, model: TF.LayersModel, ds: Dataset, o: FitOptions): Promise<{ history: EpochLog[]; bestEpoch: number }> {
  const classes = ds.labels.length;
  const rows = ds.splits.train;
  const buckets = lengthBuckets(rows);
  const rng = seedrandom(`watchword-train:${o.seed}`);
  model.compile({ optimizer: tf.train.adam(o.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

  const perEpoch = epochBatches(buckets, o.batchSize, seedrandom('count')).length;
  const bar = progress('train', o.epochs * perEpoch, { quiet: o.quiet });
  const history: EpochLog[] = [];
  let best: { epoch: number; acc: number; loss: number; weights: TF.Tensor[] } | undefined;
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = Date.now();
      let lossSum = 0, accSum = 0, seen = 0, done = 0;
      for (const idx of epochBatches(buckets, o.batchSize, rng)) {
        const { x, y } = toTensors(tf, rows, idx, ds.input, classes, o.tokens);
        const r = (await model.trainOnBatch(x, y)) as number[];
        tf.dispose([x, y]);
        lossSum += r[0] * idx.length; accSum += r[1] * idx.length; seen += idx.length;
        done++;
        bar.update((epoch - 1) * perEpoch + done, `epoch ${epoch}/${o.epochs} loss ${(lossSum / seen).toFixed(4)}`);
      }
      // Without a validation split there is nothing to choose by: keep the last epoch.
      const hasVal = ds.splits.validation.length > 0;
      const val = hasVal ? evaluate(tf, model, ds.splits.validation, ds.input, classes, o.tokens) : { loss: NaN, accuracy: NaN };
      const log: EpochLog = {
        epoch, loss: lossSum / seen, accuracy: accSum / seen, valLoss: val.loss, valAccuracy: val.accuracy, seconds: (Date.now() - t0) / 1000,
      };
      history.push(log);
      bar.log(`epoch ${epoch}/${o.epochs}  loss ${log.loss.toFixed(4)}  acc ${log.accuracy.toFixed(4)}  val_loss ${log.valLoss.toFixed(4)}  val_acc ${log.valAccuracy.toFixed(4)}  (${log.seconds.toFixed(1)} s)`);
      const better = !hasVal || !best || val.accuracy > best.acc || (val.accuracy === best.acc && val.loss < best.loss);
      if (better) {
        if (best) tf.dispose(best.weights);
        best = { epoch, acc: val.accuracy, loss: val.loss, weights: model.getWeights().map((w) => w.clone()) };
      }
    }
  } finally {
    bar.stop();
  }
  if (best) {
    model.setWeights(best.weights);
    tf.dispose(best.weights);
  }
  return { history, bestEpoch: best?.epoch ?? 0 };
}
