/**
 * Builds the TF.js model a training config describes: [Embedding] → recurrent layers →
 * [hidden Dense] → Dense softmax (one unit per label). Every layer is one the importer and
 * the device runtime support: GRU with resetAfter=false (TF.js cannot run reset_after=true),
 * no Masking (sequences are bucketed by length instead, see batches.ts), no dropout.
 *
 * Every initializer gets its own seed derived from the run's seed, so one seed gives the same
 * initial weights every time (TF.js's default initializers draw from an unseeded generator).
 * The input takes any number of steps ([null, features]), so the model trains on and runs at
 * each sequence's natural length, as the device and the float reference do.
 */
import type * as TF from '@tensorflow/tfjs';
import type { ModelSpec } from './config';

export function buildModel(tf: typeof TF, spec: ModelSpec, features: number, classes: number, seed: number): TF.Sequential {
  let k = 0;
  // Distinct deterministic seeds per weight tensor; TF.js seeds are numbers fed to seedrandom.
  const nextSeed = () => seed * 1000 + ++k;
  const glorot = () => tf.initializers.glorotUniform({ seed: nextSeed() });
  const model = tf.sequential({ name: 'watchword' });
  if (spec.embedding) {
    model.add(tf.layers.embedding({
      inputDim: spec.embedding.vocab, outputDim: spec.embedding.dim, inputShape: [null],
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: nextSeed() }),
      name: 'embedding',
    }));
  }
  // TF.js spells Keras's hard_sigmoid 'hardSigmoid' (same formula: clip(0.2x + 0.5, 0, 1)).
  const gate = spec.recurrentActivation === 'hard_sigmoid' ? 'hardSigmoid' : 'sigmoid';
  for (let i = 0; i < spec.layers; i++) {
    const common = {
      units: spec.units,
      returnSequences: i < spec.layers - 1,
      kernelInitializer: glorot(),
      recurrentInitializer: tf.initializers.orthogonal({ gain: 1, seed: nextSeed() }),
      biasInitializer: tf.initializers.zeros(),
      name: `${spec.type}_${i + 1}`,
      ...(i === 0 && !spec.embedding ? { inputShape: [null, features] } : {}),
    };
    if (spec.type === 'gru') {
      model.add(tf.layers.gru({ ...common, recurrentActivation: gate, resetAfter: false } as Parameters<typeof tf.layers.gru>[0]));
    } else if (spec.type === 'lstm') {
      model.add(tf.layers.lstm({ ...common, recurrentActivation: gate, unitForgetBias: true }));
    } else {
      model.add(tf.layers.simpleRNN({ ...common, activation: spec.activation }));
    }
  }
  spec.dense.forEach((d, i) => {
    model.add(tf.layers.dense({ units: d.units, activation: d.activation, kernelInitializer: glorot(), biasInitializer: 'zeros', name: `dense_${i + 1}` }));
  });
  model.add(tf.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: glorot(), biasInitializer: 'zeros', name: 'output' }));
  return model;
}
