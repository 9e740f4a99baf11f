/**
 * `runTraining(config)`: one training run end to end — load or generate the data set, build
 * the model, fit, measure the test split, save in the TF.js layers format with watchword's
 * metadata ({name, labels, input}) in `userDefinedMetadata.watchword`, so the importer (and
 * `watchword predict`/`build`) know the device input and the class names.
 */
import { WatchwordError } from '../errors';
import type { Dataset } from '../data/dataset';
import { initTf } from './backend';
import type { TrainConfig } from './config';
import { loadDatasetSource } from './dataset-source';
import { evaluate, type Metrics } from './evaluate';
import { fit, type EpochLog } from './fit';
import { buildModel } from './model-builder';
import { saveTfjsModel } from './save';

export interface TrainResult {
  dataset: Dataset;
  history: EpochLog[];
  bestEpoch: number;
  test: Metrics;
  outDir: string;
  seconds: number;
}

export async function runTraining(cfg: TrainConfig, opts: { quiet?: boolean; where?: string } = {}): Promise<TrainResult> {
  const t0 = Date.now();
  const where = opts.where ?? 'training config';
  const ds = await loadDatasetSource(cfg.dataset, where, cfg.model.embedding?.vocab);
  const tokens = !!cfg.model.embedding;
  if (tokens && (ds.input.deviceType !== 'token' || ds.input.features !== 1)) {
    throw new WatchwordError(`${where}: model.embedding needs a token data set (input.deviceType "token", features 1), got ${ds.input.deviceType} with ${ds.input.features} features`);
  }
  if (!tokens && ds.input.deviceType === 'token') throw new WatchwordError(`${where}: the data set holds token ids; add model.embedding {vocab, dim}`);
  if (ds.splits.train.length === 0) throw new WatchwordError(`${where}: the data set's train split is empty`);
  // TF.js's recurrent layers fail deep inside (tf.stack) on one-step sequences: refuse them here.
  for (const split of ['train', 'validation', 'test'] as const) {
    const row = ds.splits[split].findIndex((e) => e.frames.length < 2);
    if (row >= 0) throw new WatchwordError(`${where}: ${split} row ${row} has ${ds.splits[split][row].frames.length} frame(s); training needs sequences of at least 2 steps`);
  }

  const tf = await initTf();
  // The WASM backend has no UnsortedSegmentSum kernel, which the gradient of an Embedding
  // lookup (Gather) needs: token models train on TF.js's CPU backend instead (slower, exact).
  const backend = tf.getBackend();
  if (tokens) await tf.setBackend('cpu');
  const model = buildModel(tf, cfg.model, ds.input.features, ds.labels.length, cfg.seed);
  try {
    const { history, bestEpoch } = await fit(tf, model, ds, {
      epochs: cfg.epochs, batchSize: cfg.batchSize, learningRate: cfg.learningRate, seed: cfg.seed, tokens, quiet: opts.quiet,
    });
    const test = evaluate(tf, model, ds.splits.test, ds.input, ds.labels.length, tokens);
    await saveTfjsModel(model, cfg.out, { name: ds.name, labels: ds.labels, input: ds.input });
    return { dataset: ds, history, bestEpoch, test, outDir: cfg.out, seconds: (Date.now() - t0) / 1000 };
  } finally {
    model.dispose();
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  }
}

/** A Markdown table of per-class accuracy (and the confusion matrix rows). */
export function accuracyTable(labels: string[], m: Metrics): string {
  const lines = ['| class | correct / total | accuracy |', '|---|---:|---:|'];
  m.perClass.forEach((p, c) => lines.push(`| ${labels[c]} | ${p.correct} / ${p.total} | ${p.total ? ((100 * p.correct) / p.total).toFixed(1) : '-'} % |`));
  const correct = m.perClass.reduce((a, p) => a + p.correct, 0);
  const total = m.perClass.reduce((a, p) => a + p.total, 0);
  lines.push(`| **all** | ${correct} / ${total} | **${total ? ((100 * correct) / total).toFixed(2) : '-'} %** |`);
  return lines.join('\n');
}
