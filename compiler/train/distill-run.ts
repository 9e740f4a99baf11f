/**
 * `runDistillation(config, teacherFile)`: `watchword train --config <file> --teacher <model>`
 * end to end — the same data set, student model (built from the config with the config's
 * seed), epochs, batch size and learning rate as `runTraining`, but trained by distillation
 * from the teacher (distill.ts) instead of on the labels alone; measured on the test split and
 * saved with the same metadata. With alpha = 0 it is plain label training through the same
 * loop, which is how "the student with and without the teacher" is compared fairly.
 */
import { WatchwordError } from '../errors';
import { loadModel } from '../import/index';
import { initTf } from './backend';
import type { TrainConfig } from './config';
import { loadDatasetSource } from './dataset-source';
import { distill } from './distill';
import { irToTfjs } from './ir-to-tfjs';
import { evaluate } from './evaluate';
import { buildModel } from './model-builder';
import { saveTfjsModel } from './save';
import type { TrainResult } from './train';

export interface DistillRunOptions {
  temperature?: number;
  alpha?: number;
  quiet?: boolean;
  where?: string;
}

export async function runDistillation(cfg: TrainConfig, teacherFile: string, opts: DistillRunOptions = {}): Promise<TrainResult & { teacherTest: number }> {
  const t0 = Date.now();
  const where = opts.where ?? 'training config';
  const ds = await loadDatasetSource(cfg.dataset, where, cfg.model.embedding?.vocab);
  const tokens = !!cfg.model.embedding;
  if (tokens !== (ds.input.deviceType === 'token')) {
    throw new WatchwordError(`${where}: model.embedding and the data set's input (${ds.input.deviceType}) disagree`);
  }
  const teacher = await loadModel(teacherFile);
  if (teacher.labels.length !== ds.labels.length || teacher.labels.some((l, i) => l !== ds.labels[i])) {
    throw new WatchwordError(`${teacherFile}: the teacher's labels (${teacher.labels.join(', ')}) are not the data set's (${ds.labels.join(', ')})`);
  }
  if (teacher.input.features !== ds.input.features || teacher.input.scale !== ds.input.scale) {
    throw new WatchwordError(`${teacherFile}: the teacher takes ${teacher.input.features} features × ${teacher.input.scale}, the data set has ${ds.input.features} × ${ds.input.scale}`);
  }
  const tf = await initTf();
  // Token models train on the CPU backend (see distill.ts); build the student there too.
  const backend = tf.getBackend();
  if (tokens) await tf.setBackend('cpu');
  const model = buildModel(tf, cfg.model, ds.input.features, ds.labels.length, cfg.seed);
  try {
    const history = await distill(model, teacher, ds.input, ds.splits.train, {
      temperature: opts.temperature, alpha: opts.alpha, epochs: cfg.epochs, batchSize: cfg.batchSize,
      learningRate: cfg.learningRate, seed: cfg.seed, validation: ds.splits.validation, quiet: opts.quiet,
    });
    const classes = ds.labels.length;
    const test = evaluate(tf, model, ds.splits.test, ds.input, classes, tokens);
    await saveTfjsModel(model, cfg.out, { name: ds.name, labels: ds.labels, input: ds.input });
    const withVal = history.filter((h) => h.valAccuracy !== undefined);
    const bestEpoch = withVal.length
      ? withVal.reduce((b, h) => (h.valAccuracy! > b.valAccuracy! || (h.valAccuracy === b.valAccuracy && h.valLoss! < b.valLoss!) ? h : b)).epoch
      : history.length;
    const tm = irToTfjs(tf, teacher, { lastStepOnly: true });
    const teacherTest = evaluate(tf, tm, ds.splits.test, ds.input, classes, tokens).accuracy;
    tm.dispose();
    return {
      dataset: ds,
      history: history.map((h) => ({ epoch: h.epoch, loss: h.loss, accuracy: h.accuracy, valLoss: h.valLoss ?? NaN, valAccuracy: h.valAccuracy ?? NaN, seconds: h.seconds })),
      bestEpoch, test, outDir: cfg.out, seconds: (Date.now() - t0) / 1000, teacherTest,
    };
  } finally {
    model.dispose();
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
  }
}
