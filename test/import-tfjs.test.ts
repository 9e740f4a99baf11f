/**
 * The TF.js layers-format importer, checked against oracles:
 * - TF.js itself (`model.predict` on the wasm backend) for every layer variant TF.js can
 *   build: the float reference of the imported IR must agree within 1e-5;
 * - for GRU reset_after=True, which TF.js cannot run: the committed converter-style Keras
 *   fixtures against a hand-written Keras GRU formula on the raw Keras arrays, and against
 *   onnxruntime-web running the same weights as an ONNX GRU with linear_before_reset=1;
 * plus the weights manifest (groups, shards, quantization), the errors, the CLI's exit code,
 * and a fuzz run over mutated files.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import type * as TF from '@tensorflow/tfjs';
import { WatchwordError } from '../compiler/errors';
import { loadModel } from '../compiler/import/index';
import { importTfjs } from '../compiler/import/tfjs';
import { contiguous } from '../compiler/ir/tensor';
import type { GRULayer, ModelIR } from '../compiler/ir/types';
import { verify } from '../compiler/ir/verify';
import { runFloat, runFloatSteps } from '../compiler/reference/float';
import { initTf } from '../compiler/train/backend';
import { maxAbsDiff, predictTf, randomizeWeights, randomSequences, removeTempDirs, saveToTemp, tempDir, type Tf } from './helpers/tfjs-models';
import { CLASSES, FEATURES, FIXTURE_DIR, kerasFixtures, kerasGruArrays, UNITS, type KerasGruArrays } from './fixtures/tfjs/generate-keras-gru';
import { recurrentModel } from './fixtures/onnx/generate';
import { runOrt } from './helpers/ort';

const TOL = 1e-5;

after(removeTempDirs);

interface OracleCase {
  name: string;
  build: (tf: Tf) => TF.LayersModel;
  features: number;
  vocab?: number;
  scale?: number;
}

const seqModel = (tf: Tf, features: number, layers: TF.layers.Layer[]): TF.LayersModel => {
  const m = tf.sequential();
  layers.forEach((l, i) => {
    if (i === 0 && l.getClassName() !== 'Embedding') {
      m.add(tf.layers.inputLayer({ inputShape: [null, features] }));
    }
    m.add(l);
  });
  return m;
};

const CASES: OracleCase[] = [
  { name: 'GRU reset_after=false, sigmoid -> Dense softmax', features: 3,
    build: (tf) => seqModel(tf, 3, [tf.layers.gru({ units: 6, resetAfter: false, recurrentActivation: 'sigmoid' } as never), tf.layers.dense({ units: 4, activation: 'softmax' })]) },
  { name: 'GRU reset_after=false, hard_sigmoid (TF.js default) -> Dense linear', features: 3, scale: 1.5,
    build: (tf) => seqModel(tf, 3, [tf.layers.gru({ units: 6, resetAfter: false } as never), tf.layers.dense({ units: 4 })]) },
  { name: 'LSTM sigmoid -> Dense sigmoid', features: 4,
    build: (tf) => seqModel(tf, 4, [tf.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: 3, activation: 'sigmoid' })]) },
  { name: 'LSTM hard_sigmoid (TF.js default) -> Dense relu', features: 4, scale: 1.5,
    build: (tf) => seqModel(tf, 4, [tf.layers.lstm({ units: 5 }), tf.layers.dense({ units: 6, activation: 'relu' })]) },
  { name: 'SimpleRNN tanh -> Dense softmax', features: 2,
    build: (tf) => seqModel(tf, 2, [tf.layers.simpleRNN({ units: 7 }), tf.layers.dense({ units: 3, activation: 'softmax' })]) },
  { name: 'SimpleRNN relu -> Dense linear', features: 2, scale: 0.4,
    build: (tf) => seqModel(tf, 2, [tf.layers.simpleRNN({ units: 5, activation: 'relu' }), tf.layers.dense({ units: 2 })]) },
  { name: 'stacked GRU(return_sequences) -> LSTM -> Dense softmax', features: 3,
    build: (tf) => seqModel(tf, 3, [tf.layers.gru({ units: 6, returnSequences: true, recurrentActivation: 'sigmoid' }), tf.layers.lstm({ units: 4 }), tf.layers.dense({ units: 3, activation: 'softmax' })]) },
  { name: 'return_sequences on the top layer, Dense per step (every step compared)', features: 3,
    build: (tf) => seqModel(tf, 3, [tf.layers.simpleRNN({ units: 4, returnSequences: true }), tf.layers.gru({ units: 5, returnSequences: true }), tf.layers.dense({ units: 3, activation: 'softmax' })]) },
  { name: 'LSTM(return_sequences) -> Dropout -> TimeDistributed(Dense sigmoid)', features: 2,
    build: (tf) => seqModel(tf, 2, [tf.layers.lstm({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid' }), tf.layers.dropout({ rate: 0.3 }), tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'sigmoid' }) })]) },
  { name: 'Dense activations: GRU -> Dense relu -> Dense linear + Activation(softmax) folded', features: 3,
    build: (tf) => seqModel(tf, 3, [tf.layers.gru({ units: 6 }), tf.layers.dense({ units: 5, activation: 'relu' }), tf.layers.dense({ units: 4 }), tf.layers.activation({ activation: 'softmax' })]) },
  { name: 'Embedding -> GRU -> Dense softmax', features: 1, vocab: 11,
    build: (tf) => {
      const m = tf.sequential();
      m.add(tf.layers.embedding({ inputDim: 11, outputDim: 4 }));
      m.add(tf.layers.gru({ units: 5, recurrentActivation: 'sigmoid' }));
      m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
      return m;
    } },
  { name: 'use_bias=false everywhere: SimpleRNN -> GRU -> LSTM -> Dense', features: 3,
    build: (tf) => seqModel(tf, 3, [
      tf.layers.simpleRNN({ units: 4, useBias: false, returnSequences: true }),
      tf.layers.gru({ units: 4, useBias: false, returnSequences: true }),
      tf.layers.lstm({ units: 4, useBias: false }),
      tf.layers.dense({ units: 2, useBias: false, activation: 'sigmoid' })]) },
  { name: 'functional chain: Input -> GaussianNoise -> LSTM -> Dense -> Activation(sigmoid)', features: 3,
    build: (tf) => {
      const i = tf.input({ shape: [null, 3] });
      let x = tf.layers.gaussianNoise({ stddev: 0.5 }).apply(i) as TF.SymbolicTensor;
      x = tf.layers.lstm({ units: 5 }).apply(x) as TF.SymbolicTensor;
      x = tf.layers.dense({ units: 3 }).apply(x) as TF.SymbolicTensor;
      x = tf.layers.activation({ activation: 'sigmoid' }).apply(x) as TF.SymbolicTensor;
      return tf.model({ inputs: i, outputs: x });
    } },
];

describe('TF.js importer: float reference = TF.js predict (wasm), max abs error <= 1e-5', function () {
  let tf: Tf;
  before(async () => { tf = await initTf(); });

  CASES.forEach((c, ci) => {
    it(c.name, async () => {
      const model = c.build(tf);
      randomizeWeights(tf, model, `case-${ci}`, c.scale ?? 0.8);
      const file = await saveToTemp(model, `case${ci}`);
      const ir = await loadModel(file);
      expect(ir.source).to.deep.equal({ format: 'tfjs', file });
      const seqs = randomSequences(`seqs-${ci}`, 6, c.features, 1, 14, c.vocab);
      let worst = 0;
      let lo = Infinity, hi = -Infinity; // the oracle's outputs must vary, or the check is empty
      for (const seq of seqs) {
        const want = await predictTf(model, seq, c.vocab !== undefined);
        for (const v of want.flat()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        const got = want.length > 1 ? runFloatSteps(ir, seq) : [runFloat(ir, seq)];
        expect(got.length).to.equal(want.length);
        want.forEach((w, t) => { worst = Math.max(worst, maxAbsDiff(got[t], w)); });
      }
      expect(worst, `max abs error ${worst}`).to.be.at.most(TOL);
      expect(hi - lo, 'spread of the TF.js outputs').to.be.above(0.05);
      model.dispose();
    });
  });

  it('fills in defaults and applies userDefinedMetadata.watchword', async () => {
    const m = seqModel(tf, 3, [tf.layers.gru({ units: 4 }), tf.layers.dense({ units: 2, activation: 'softmax' })]);
    const plain = await importTfjs(await saveToTemp(m, 'defaults'));
    expect(plain.labels).to.deep.equal(['class0', 'class1']);
    expect(plain.input).to.deep.equal({ features: 3, deviceType: 'float', scale: 1, unit: '' });
    expect(plain.name).to.be.a('string').and.not.equal('');
    const meta = { name: 'swipes', labels: ['left', 'right'], input: { deviceType: 'int8', scale: 1 / 64, unit: 'g', sampleRateHz: 25, maxSteps: 50 } };
    const withMeta = await importTfjs(await saveToTemp(m, 'meta', meta));
    expect(withMeta.name).to.equal('swipes');
    expect(withMeta.labels).to.deep.equal(['left', 'right']);
    expect(withMeta.input).to.deep.equal({ features: 3, deviceType: 'int8', scale: 1 / 64, unit: 'g', sampleRateHz: 25, maxSteps: 50 });

    const e = tf.sequential();
    e.add(tf.layers.embedding({ inputDim: 9, outputDim: 3, inputLength: 20 }));
    e.add(tf.layers.simpleRNN({ units: 3 }));
    const tok = await importTfjs(await saveToTemp(e, 'tokens'));
    expect(tok.input).to.deep.equal({ features: 1, deviceType: 'token', scale: 1, unit: 'token', maxSteps: 20 });
    expect(tok.layers.map((l) => l.kind)).to.deep.equal(['embedding', 'simple_rnn']);
  });
});

// ---------------------------------------------------------------------------------------
// GRU reset_after=True: committed converter-style Keras fixtures.

const sig = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Keras GRUCell with reset_after=True, straight from the Keras source's formula on the raw
 * Keras-layout arrays (no IR): x_* = x K + b_in, r_* = h U + b_rec (split z, r, h),
 * z = σ(x_z + r_z), r = σ(x_r + r_r), hh = tanh(x_h + r * r_h), h = z h + (1 - z) hh.
 * Returns the hidden state after every step.
 */
function kerasGruResetAfter(a: KerasGruArrays, seq: number[][]): number[][] {
  const u = UNITS;
  let h = new Array<number>(u).fill(0);
  const states: number[][] = [];
  for (const x of seq) {
    const mx = a.bias[0].slice();
    const mh = a.bias[1].slice();
    for (let j = 0; j < 3 * u; j++) {
      for (let i = 0; i < x.length; i++) mx[j] += x[i] * a.kernel[i][j];
      for (let i = 0; i < u; i++) mh[j] += h[i] * a.recurrentKernel[i][j];
    }
    const next = new Array<number>(u);
    for (let k = 0; k < u; k++) {
      const z = sig(mx[k] + mh[k]);
      const r = sig(mx[u + k] + mh[u + k]);
      const hh = Math.tanh(mx[2 * u + k] + r * mh[2 * u + k]);
      next[k] = z * h[k] + (1 - z) * hh;
    }
    h = next;
    states.push(h);
  }
  return states;
}

function kerasDenseSoftmax(a: KerasGruArrays, h: number[]): number[] {
  const z = a.denseBias.map((b, c) => b + h.reduce((s, v, i) => s + v * a.denseKernel[i][c], 0));
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((p, q) => p + q, 0);
  return e.map((v) => v / s);
}

describe('TF.js importer: Keras GRU reset_after=True (converter-style fixtures)', () => {
  const arrays = kerasGruArrays();
  const seqs = randomSequences('keras-gru', 8, FEATURES, 1, 20);

  it('committed fixtures are exactly what the generator writes', () => {
    for (const [rel, bytes] of Object.entries(kerasFixtures())) {
      const p = path.join(FIXTURE_DIR, rel);
      expect(fs.existsSync(p), `${rel} is committed`).to.equal(true);
      expect(Buffer.compare(fs.readFileSync(p), bytes), `${rel} matches the generator`).to.equal(0);
    }
  });

  for (const dialect of ['keras2-gru', 'keras3-gru']) {
    it(`${dialect}: every step and the final output match the hand-written Keras formula`, async () => {
      const ir = await loadModel(path.join(FIXTURE_DIR, dialect, 'model.json'));
      const gru = ir.layers[0] as GRULayer;
      expect(gru.kind).to.equal('gru');
      expect(gru.resetAfter).to.equal(true);
      expect(gru.recurrentActivation).to.equal('sigmoid');
      expect(ir.layers.map((l) => l.kind)).to.deep.equal(['gru', 'dense']);
      expect(ir.input.maxSteps).to.equal(12);
      let worst = 0;
      for (const seq of seqs) {
        const states = kerasGruResetAfter(arrays, seq);
        const got = runFloatSteps(ir, seq);
        states.forEach((h, t) => { worst = Math.max(worst, maxAbsDiff(got[t], kerasDenseSoftmax(arrays, h))); });
      }
      expect(worst, `max abs error ${worst}`).to.be.at.most(TOL);
      if (dialect === 'keras3-gru') {
        expect(ir.labels).to.deep.equal(['up', 'down', 'left', 'right']);
        expect(ir.name).to.equal('gesture_gru');
      }
      expect(ir.labels).to.have.length(CLASSES);
    });
  }

  it('accepts the other spellings: no reset_after flag, config as a bare layer list, `:0` suffixes, model-name prefixes', async () => {
    const dir = path.join(FIXTURE_DIR, 'keras2-gru');
    const shards = Object.fromEntries(['group1-shard1of2.bin', 'group1-shard2of2.bin'].map((n) => [n, fs.readFileSync(path.join(dir, n))]));
    const ref = await loadModel(path.join(dir, 'model.json'));
    const base = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    const variants: [string, (j: any) => void][] = [
      ['no reset_after (inferred from the [2, 3u] bias)', (j) => { delete j.modelTopology.model_config.config.layers[1].config.reset_after; }],
      ['Keras 2.0 Sequential config as a list', (j) => { j.modelTopology.model_config.config = j.modelTopology.model_config.config.layers; }],
      ['names with :0 and a model prefix', (j) => { for (const w of j.weightsManifest[0].weights) w.name = `sequential/${w.name}:0`; }],
      ['first layer carries batch_input_shape, no InputLayer', (j) => {
        const ls = j.modelTopology.model_config.config.layers;
        ls[1].config.batch_input_shape = ls[0].config.batch_input_shape;
        ls.shift();
      }],
    ];
    const seq = randomSequences('spellings', 1, FEATURES, 9, 9)[0];
    for (const [what, mutate] of variants) {
      const j = JSON.parse(JSON.stringify(base));
      mutate(j);
      const ir = await loadModel(writeVariant('spelling', j, shards));
      expect((ir.layers[0] as GRULayer).resetAfter, what).to.equal(true);
      expect(ir.input.maxSteps, what).to.equal(12);
      expect(Array.from(runFloat(ir, seq)), what).to.deep.equal(Array.from(runFloat(ref, seq)));
    }
  });

  it('the same weights as an ONNX GRU with linear_before_reset=1 give the same states in onnxruntime-web', async () => {
    const ir = await loadModel(path.join(FIXTURE_DIR, 'keras2-gru', 'model.json'));
    const gruOnly: ModelIR = { ...ir, layers: [ir.layers[0]], labels: Array.from({ length: UNITS }, (_, i) => `h${i}`) };
    verify(gruOnly);
    // ONNX layouts: W = kernel^T [3u, in], R = recurrent_kernel^T [3u, u], B = [input bias, recurrent bias]; gates z, r, h as in Keras.
    const T = (m: number[][]) => m[0].map((_, j) => m.map((r) => r[j])).flat();
    const onnx = recurrentModel({
      cell: 'gru', inputSize: FEATURES, hidden: UNITS, linearBeforeReset: 1,
      W: T(arrays.kernel), R: T(arrays.recurrentKernel), B: [...arrays.bias[0], ...arrays.bias[1]],
    });
    let worst = 0;
    for (const seq of seqs) {
      const res = await runOrt(onnx, { x: { type: 'float32', data: seq.flat(), dims: [seq.length, 1, FEATURES] } });
      const y = res.y.data;
      worst = Math.max(worst, maxAbsDiff(runFloat(gruOnly, seq), y));
      worst = Math.max(worst, maxAbsDiff(kerasGruResetAfter(arrays, seq).at(-1)!, y));
    }
    expect(worst, `max abs error ${worst}`).to.be.at.most(TOL);
  });
});

// ---------------------------------------------------------------------------------------
// Weights manifest: groups, shards, quantization, damage.

interface Saved { dir: string; json: Record<string, unknown>; bin: Buffer }

function readSaved(file: string): Saved {
  return { dir: path.dirname(file), json: JSON.parse(fs.readFileSync(file, 'utf8')), bin: fs.readFileSync(path.join(path.dirname(file), 'weights.bin')) };
}

/** Writes a variant of a saved model into a fresh folder; returns its model.json path. */
function writeVariant(tag: string, json: unknown, files: Record<string, Buffer>): string {
  const dir = tempDir(tag);
  fs.writeFileSync(path.join(dir, 'model.json'), typeof json === 'string' ? json : JSON.stringify(json));
  for (const [n, b] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), b);
  return path.join(dir, 'model.json');
}

type Spec = { name: string; shape: number[]; dtype: string; quantization?: unknown };
const specsOf = (s: Saved): Spec[] => (s.json.weightsManifest as { weights: Spec[] }[])[0].weights;
const flat = (ir: ModelIR) => ir.layers.map((l) => Object.entries(l).filter(([, v]) => v && typeof v === 'object' && 'shape' in v).map(([k, v]) => [k, Array.from(contiguous(v))]));

async function expectWatchwordError(p: Promise<unknown>, ...patterns: RegExp[]): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e, String((e as Error).stack)).to.be.instanceOf(WatchwordError);
    for (const re of patterns) expect((e as Error).message).to.match(re);
    return (e as Error).message;
  }
  throw new Error('expected a WatchwordError');
}

describe('TF.js importer: weights manifest', () => {
  let base: Saved;
  let baseFile: string;
  let tf: Tf;
  before(async () => {
    tf = await initTf();
    const m = seqModel(tf, 3, [tf.layers.lstm({ units: 4, returnSequences: true }), tf.layers.gru({ units: 3 }), tf.layers.dense({ units: 2, activation: 'softmax' })]);
    randomizeWeights(tf, m, 'manifest');
    baseFile = await saveToTemp(m, 'manifest');
    base = readSaved(baseFile);
  });

  it('concatenates several shards per group and reads several groups', async () => {
    const specs = specsOf(base);
    const bytesOf = (s: Spec) => 4 * s.shape.reduce((a, b) => a * b, 1);
    const split = 3; // first 3 weights (the LSTM) in group 1, the rest in group 2
    const n1 = specs.slice(0, split).reduce((a, s) => a + bytesOf(s), 0);
    const g1 = base.bin.subarray(0, n1), g2 = base.bin.subarray(n1);
    const json = { ...base.json, weightsManifest: [
      { paths: ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'], weights: specs.slice(0, split) },
      { paths: ['group2-shard1of1.bin'], weights: specs.slice(split) },
    ] };
    const file = writeVariant('shards', json, {
      'group1-shard1of3.bin': g1.subarray(0, 10), 'group1-shard2of3.bin': g1.subarray(10, 101), 'group1-shard3of3.bin': g1.subarray(101),
      'group2-shard1of1.bin': g2,
    });
    expect(flat(await importTfjs(file))).to.deep.equal(flat(await importTfjs(baseFile)));
  });

  it('dequantizes uint8, uint16 (q * scale + min) and float16 weights', async () => {
    const specs = specsOf(base).map((s) => ({ ...s }));
    const last = specs.length - 1; // dense bias [2]
    const kern = specs.length - 2; // dense kernel [3, 2]
    const before = base.bin.subarray(0, base.bin.length - 4 * (2 + 6));
    specs[kern].quantization = { dtype: 'uint8', scale: 0.25, min: -1.5, original_dtype: 'float32' };
    specs[last].quantization = { dtype: 'float16' };
    const q8 = Buffer.from([0, 1, 2, 6, 200, 255]);
    const f16 = Buffer.alloc(4);
    f16.writeUInt16LE(0x3555, 0); // 0.333251953125
    f16.writeUInt16LE(0x8001, 2); // -2^-24 (subnormal)
    const file = writeVariant('quant', { ...base.json, weightsManifest: [{ paths: ['./weights.bin'], weights: specs }] }, { 'weights.bin': Buffer.concat([before, q8, f16]) });
    const ir = await importTfjs(file);
    const d = ir.layers[2];
    if (d.kind !== 'dense') throw new Error('expected dense');
    // IR W is the transpose of the Keras kernel [3, 2].
    const keras = [0, 1, 2, 6, 200, 255].map((q) => q * 0.25 - 1.5);
    expect(Array.from(contiguous(d.W))).to.deep.equal([keras[0], keras[2], keras[4], keras[1], keras[3], keras[5]]);
    expect(Array.from(contiguous(d.b))).to.deep.equal([0.333251953125, Math.fround(-(2 ** -24))]);

    specs[kern].quantization = { dtype: 'uint16', scale: 0.5, min: -100 };
    const q16 = Buffer.alloc(12);
    [0, 1, 200, 300, 400, 65535].forEach((q, i) => q16.writeUInt16LE(q, 2 * i));
    const file16 = writeVariant('quant16', { ...base.json, weightsManifest: [{ paths: ['./weights.bin'], weights: specs }] }, { 'weights.bin': Buffer.concat([before, q16, f16]) });
    const d16 = (await importTfjs(file16)).layers[2];
    if (d16.kind !== 'dense') throw new Error('expected dense');
    const k16 = [0, 1, 200, 300, 400, 65535].map((q) => q * 0.5 - 100);
    expect(Array.from(contiguous(d16.W))).to.deep.equal([k16[0], k16[2], k16[4], k16[1], k16[3], k16[5]]);

    specs[kern].quantization = { dtype: 'int4', scale: 1, min: 0 };
    const bad = writeVariant('quant-bad', { ...base.json, weightsManifest: [{ paths: ['./weights.bin'], weights: specs }] }, { 'weights.bin': base.bin });
    await expectWatchwordError(importTfjs(bad), /int4/, /not supported/, /model\.json/);
  });

  it('truncated shard, missing shard, missing and unknown weights, extra bytes: errors name file, weight and sizes', async () => {
    const specs = specsOf(base);
    const trunc = writeVariant('trunc', base.json, { 'weights.bin': base.bin.subarray(0, base.bin.length - 5) });
    await expectWatchwordError(importTfjs(trunc), /model\.json/, new RegExp(`weight '${specs.at(-1)!.name}'`), /\d+ of \d+ bytes/, /truncated/);

    const missing = writeVariant('missing', base.json, {});
    await expectWatchwordError(importTfjs(missing), /model\.json/, /weights\.bin/, /missing/);

    // Drop the last weight (the dense bias, 2 floats) from manifest and file.
    const noBias = writeVariant('nobias', { ...base.json, weightsManifest: [{ paths: ['./weights.bin'], weights: specs.slice(0, -1) }] }, { 'weights.bin': base.bin.subarray(0, base.bin.length - 8) });
    await expectWatchwordError(importTfjs(noBias), /model\.json/, /bias/, /missing/);

    const renamed = specs.map((s, i) => (i === 0 ? { ...s, name: 'mystery/kernel' } : s));
    const unknown = writeVariant('unknown', { ...base.json, weightsManifest: [{ paths: ['./weights.bin'], weights: renamed }] }, { 'weights.bin': base.bin });
    await expectWatchwordError(importTfjs(unknown), /mystery\/kernel/, /belongs to no layer/);

    const extra = writeVariant('extra', base.json, { 'weights.bin': Buffer.concat([base.bin, Buffer.alloc(8)]) });
    await expectWatchwordError(importTfjs(extra), /describes \d+ bytes/, /hold \d+ bytes/);

    const f64 = specs.map((s, i) => (i === 0 ? { ...s, dtype: 'float64' } : s));
    await expectWatchwordError(importTfjs(writeVariant('f64', { ...base.json, weightsManifest: [{ paths: ['./weights.bin'], weights: f64 }] }, { 'weights.bin': base.bin })), /float64/);
  });

  it('takes weights in manifest order when their names mention no layer (bare kernel/bias)', async () => {
    const bare = specsOf(base).map((s) => ({ ...s, name: s.name.split('/').pop()! }));
    const file = writeVariant('bare', { ...base.json, weightsManifest: [{ paths: ['./weights.bin'], weights: bare }] }, { 'weights.bin': base.bin });
    expect(flat(await importTfjs(file))).to.deep.equal(flat(await importTfjs(baseFile)));
  });
});

// ---------------------------------------------------------------------------------------
// Errors.

describe('TF.js importer: errors name the file and the layer', () => {
  let tf: Tf;
  let good: Saved;
  before(async () => {
    tf = await initTf();
    good = readSaved(await saveToTemp(seqModel(tf, 3, [tf.layers.gru({ units: 3 }), tf.layers.dense({ units: 2 })]), 'err-base'));
  });
  const variant = (tag: string, mutate: (j: Record<string, any>) => void): string => {
    const j = JSON.parse(JSON.stringify(good.json));
    mutate(j);
    return writeVariant(tag, j, { 'weights.bin': good.bin });
  };

  it('malformed JSON and wrong structure', async () => {
    const text = JSON.stringify(good.json);
    await expectWatchwordError(importTfjs(writeVariant('malformed', text.slice(0, 200), { 'weights.bin': good.bin })), /model\.json/, /not valid JSON/);
    await expectWatchwordError(importTfjs(writeVariant('array', '[1,2]', {})), /model\.json/, /top level/);
    await expectWatchwordError(importTfjs(variant('notopo', (j) => { delete j.modelTopology; })), /modelTopology/);
    await expectWatchwordError(importTfjs(variant('nolayers', (j) => { j.modelTopology.config.layers = 7; })), /layers/);
    await expectWatchwordError(importTfjs(variant('graph', (j) => { j.format = 'graph-model'; })), /graph/);
    await expectWatchwordError(importTfjs(variant('units', (j) => { j.modelTopology.config.layers[1].config.units = 9; })), /layer 'gru_GRU\d+' \(GRU\)/, /units=9/);
  });

  it('unsupported layers and options', async () => {
    await expectWatchwordError(importTfjs(variant('conv', (j) => {
      j.modelTopology.config.layers.splice(1, 0, { class_name: 'Conv1D', config: { name: 'conv1d_7', filters: 4, kernel_size: [3] } });
    })), /layer 'conv1d_7' has class 'Conv1D'/, /model\.json/);
    await expectWatchwordError(importTfjs(variant('back', (j) => { j.modelTopology.config.layers[1].config.go_backwards = true; })), /GRU/, /go_backwards/);
    await expectWatchwordError(importTfjs(variant('stateful', (j) => { j.modelTopology.config.layers[1].config.stateful = true; })), /stateful/);
    await expectWatchwordError(importTfjs(variant('act', (j) => { j.modelTopology.config.layers[1].config.activation = 'relu'; })), /activation 'relu'/);
    await expectWatchwordError(importTfjs(variant('ract', (j) => { j.modelTopology.config.layers[1].config.recurrent_activation = 'tanh'; })), /recurrent_activation 'tanh'/);
    await expectWatchwordError(importTfjs(variant('dact', (j) => { j.modelTopology.config.layers[2].config.activation = 'elu'; })), /dense_Dense\d+/, /activation 'elu'/);
    await expectWatchwordError(importTfjs(variant('ra', (j) => { j.modelTopology.config.layers[1].config.reset_after = true; })), /reset_after=true needs \[2, 9\]/);

    const bi = tf.sequential();
    bi.add(tf.layers.inputLayer({ inputShape: [null, 3] }));
    bi.add(tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2 }) as TF.RNN }));
    await expectWatchwordError(importTfjs(await saveToTemp(bi, 'bidi')), /Bidirectional/);

    const k3 = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'keras3-gru', 'model.json'), 'utf8'));
    k3.modelTopology.model_config.config.layers[1].config.recurrent_activation = 'hard_sigmoid';
    const files = Object.fromEntries(['group1-shard1of1.bin', 'group2-shard1of1.bin'].map((n) => [n, fs.readFileSync(path.join(FIXTURE_DIR, 'keras3-gru', n))]));
    await expectWatchwordError(importTfjs(writeVariant('k3hs', k3, files)), /layer 'gru'/, /Keras 3/, /hard_sigmoid/);
  });

  it('functional models with branches are rejected', async () => {
    const i = tf.input({ shape: [null, 3] });
    const a = tf.layers.gru({ units: 2 }).apply(i) as TF.SymbolicTensor;
    const b = tf.layers.lstm({ units: 2 }).apply(i) as TF.SymbolicTensor;
    const c = tf.layers.concatenate().apply([a, b]) as TF.SymbolicTensor;
    const m = tf.model({ inputs: i, outputs: c });
    await expectWatchwordError(importTfjs(await saveToTemp(m, 'branch')), /Concatenate|takes 2 inputs/);
    const j = tf.input({ shape: [null, 3] });
    const x = tf.layers.gru({ units: 2, name: 'main' }).apply(j) as TF.SymbolicTensor;
    tf.layers.dense({ units: 1, name: 'side' }).apply(x);
    const y = tf.layers.dense({ units: 2, name: 'out' }).apply(x) as TF.SymbolicTensor;
    const file = await saveToTemp(tf.model({ inputs: j, outputs: y }), 'branch2');
    // tf.model drops layers not on the way to the outputs, so add a dangling one by hand.
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    json.modelTopology.config.layers.push({ name: 'side', class_name: 'Dense', config: { name: 'side', units: 1 }, inbound_nodes: [[['main', 0, 0, {}]]] });
    fs.writeFileSync(file, JSON.stringify(json));
    await expectWatchwordError(importTfjs(file), /layer 'side'/, /branches/);
  });

  it('the CLI exits 2 with one stderr line for a malformed model.json', () => {
    const file = writeVariant('cli', JSON.stringify(good.json).slice(0, 300), { 'weights.bin': good.bin });
    const r = spawnSync('node', ['bin/watchword.js', 'inspect', file], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include(file).and.match(/not valid JSON/);
  });
});

// ---------------------------------------------------------------------------------------
// Fuzz: mutated valid files never produce anything but a WatchwordError.

describe('TF.js importer: fuzz (1000 mutations of valid files)', () => {
  it('throws nothing but WatchwordError, and finishes', async () => {
    const tf = await initTf();
    const bases: { json: string; files: Record<string, Buffer> }[] = [];
    for (const d of ['keras2-gru', 'keras3-gru']) {
      const dir = path.join(FIXTURE_DIR, d);
      bases.push({ json: fs.readFileSync(path.join(dir, 'model.json'), 'utf8'), files: Object.fromEntries(fs.readdirSync(dir).filter((n) => n.endsWith('.bin')).map((n) => [n, fs.readFileSync(path.join(dir, n))])) });
    }
    const e = tf.sequential();
    e.add(tf.layers.embedding({ inputDim: 6, outputDim: 3 }));
    e.add(tf.layers.lstm({ units: 3, returnSequences: true }));
    e.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'softmax' }) }));
    const s = readSaved(await saveToTemp(e, 'fuzz-base', { labels: ['a', 'b'] }));
    bases.push({ json: JSON.stringify(s.json), files: { 'weights.bin': s.bin } });
    const i = tf.input({ shape: [30, 2] });
    let x = tf.layers.simpleRNN({ units: 3, returnSequences: true }).apply(i) as TF.SymbolicTensor;
    x = tf.layers.gru({ units: 3, useBias: false }).apply(x) as TF.SymbolicTensor;
    x = tf.layers.dense({ units: 2 }).apply(x) as TF.SymbolicTensor;
    x = tf.layers.activation({ activation: 'softmax' }).apply(x) as TF.SymbolicTensor;
    const f = readSaved(await saveToTemp(tf.model({ inputs: i, outputs: x }), 'fuzz-functional'));
    bases.push({ json: JSON.stringify(f.json), files: { 'weights.bin': f.bin } });

    // WW_FUZZ_N / WW_FUZZ_SEED widen the search by hand; CI runs the fixed 1000.
    const N = Number(process.env.WW_FUZZ_N ?? 1000);
    const rng = seedrandom(process.env.WW_FUZZ_SEED ?? 'tfjs-fuzz');
    const pick = <T>(a: T[]): T => a[Math.floor(rng() * a.length)];
    const odd: unknown[] = [null, 0, -1, 1.5, 1e308, -1e308, 2 ** 31, '', 'x', 'float64', true, [], {}, [null], [-3, 2], ['a'], { class_name: 'Dense' }];
    const nodes = (v: unknown, out: { parent: any; key: string | number }[] = [], parent?: any, key?: string | number) => {
      if (parent !== undefined) out.push({ parent, key: key! });
      if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) nodes(c, out, v, Array.isArray(v) ? Number(k) : k);
      return out;
    };
    const dir = tempDir('fuzz');
    const outcomes: Record<string, number> = { ok: 0, error: 0 };
    const t0 = Date.now();
    for (let it = 0; it < N; it++) {
      const b = pick(bases);
      let json = b.json;
      const files = { ...b.files };
      const kind = Math.floor(rng() * 6);
      if (kind <= 2) {
        const j = JSON.parse(json);
        const ns = nodes(j);
        for (let m = 0, n = 1 + Math.floor(rng() * 3); m < n; m++) {
          const { parent, key } = pick(ns);
          const op = Math.floor(rng() * 3);
          if (op === 0) { if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key]; }
          else if (op === 1) parent[key] = pick(odd);
          else parent[key] = typeof parent[key] === 'number' ? pick([parent[key] + 1, parent[key] * 1000, -parent[key], 0]) : Array.from({ length: 20000 }, () => 7);
        }
        json = JSON.stringify(j);
      } else if (kind === 3) {
        json = json.slice(0, Math.floor(rng() * json.length));
      } else {
        const name = pick(Object.keys(files));
        const buf = Buffer.from(files[name]);
        if (kind === 4) files[name] = buf.subarray(0, Math.floor(rng() * buf.length));
        else {
          for (let f = 0; f < 1 + Math.floor(rng() * 8); f++) buf[Math.floor(rng() * buf.length)] ^= 1 << Math.floor(rng() * 8);
          files[name] = buf;
        }
      }
      for (const n of fs.readdirSync(dir)) fs.unlinkSync(path.join(dir, n));
      fs.writeFileSync(path.join(dir, 'model.json'), json);
      for (const [n, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), bytes);
      try {
        verify(await importTfjs(path.join(dir, 'model.json')));
        outcomes.ok++;
      } catch (err) {
        if (!(err instanceof WatchwordError)) {
          throw new Error(`mutation ${it} (kind ${kind}) escaped as ${(err as Error)?.stack ?? err}\n--- model.json ---\n${json.slice(0, 3000)}`);
        }
        expect(err.message, `mutation ${it}`).to.include('model.json');
        outcomes.error++;
      }
    }
    const ms = Date.now() - t0;
    expect(outcomes.error).to.be.greaterThan(300);
    expect(ms).to.be.below(N * 30);
  });
});
