/**
 * The TF.js side of compression, on tiny models only: IR <-> TF.js conversion agrees with the
 * float reference, fine-tuning holds pruned weights at exactly zero (one-shot and gradual
 * Zhu & Gupta schedule), and distillation trains a student (and is exactly zero-loss when the
 * student already is the teacher).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { saveTfjsModel } from '../compiler/train/save';
import { saveDataset } from '../compiler/data/dataset';
import { loadModel } from '../compiler/import/index';
import seedrandom from 'seedrandom';
import { contiguous, tensor } from '../compiler/ir/tensor';
import type { Layer, ModelIR, RecurrentLayer } from '../compiler/ir/types';
import { verify } from '../compiler/ir/verify';
import type { Example } from '../compiler/data/dataset';
import { runFloat } from '../compiler/reference/float';
import { pruneMagnitude } from '../compiler/compress/prune';
import { sparsity } from '../compiler/compress/sparsity';
import { initTf } from '../compiler/train/backend';
import { irFromTfjs, irToTfjs } from '../compiler/train/ir-to-tfjs';
import { finetune, gradualSparsity } from '../compiler/train/finetune';
import { distill } from '../compiler/train/distill';
import { accuracyOf, predictRows } from '../compiler/train/sequence-tensors';
import { WatchwordError } from '../compiler/errors';

type Kind = 'gru' | 'lstm' | 'simple_rnn';
const G = { gru: 3, lstm: 4, simple_rnn: 1 };

function rec(rng: () => number, kind: Kind, name: string, inputSize: number, units: number, returnSequences: boolean): RecurrentLayer {
  const g = G[kind] * units;
  const r = (n: number, s: number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * s);
  const base = {
    name, units, inputSize, returnSequences,
    W: tensor(r(g * inputSize, 0.6), [g, inputSize]), R: tensor(r(g * units, 0.4), [g, units]),
    bW: tensor(r(g, 0.1), [g]), bR: tensor(r(g, 0.1), [g]),
  };
  if (kind === 'gru') return { ...base, kind, recurrentActivation: 'hard_sigmoid', resetAfter: false };
  if (kind === 'lstm') return { ...base, kind, recurrentActivation: 'sigmoid' };
  return { ...base, kind, activation: 'tanh' };
}

function model(seed: string, recs: [Kind, number][], classes = 3): ModelIR {
  const rng = seedrandom(seed);
  const layers: Layer[] = [];
  let width = 3;
  recs.forEach(([k, u], i) => { layers.push(rec(rng, k, `${k}${i}`, width, u, i < recs.length - 1)); width = u; });
  const W = Float32Array.from({ length: classes * width }, () => (rng() * 2 - 1) * 0.5);
  layers.push({ kind: 'dense', name: 'out', inputSize: width, units: classes, W: tensor(W, [classes, width]), b: tensor(new Float32Array(classes), [classes]), activation: 'softmax' });
  return verify({ name: 't', input: { features: 3, deviceType: 'int8', scale: 1 / 64, unit: 'g' }, layers, labels: ['a', 'b', 'c'].slice(0, classes), source: { format: 'ir', file: 't.ir' } });
}

/** Class k pushes feature k up; lengths 4..7, so batches come in several length buckets. */
function data(seed: string, n: number): Example[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    label: i % 3,
    frames: Array.from({ length: 4 + (i % 4) }, () => [0, 1, 2].map((k) => Math.round((rng() * 2 - 1) * 40 + (k === i % 3 ? 50 : 0)))),
  }));
}

function zeroMask(ir: ModelIR): boolean[][] {
  return ir.layers.map((l) => ('R' in l ? [...contiguous(l.W), ...contiguous(l.R)] : 'W' in l ? [...contiguous(l.W)] : []).map((v) => v === 0));
}

describe('IR <-> TF.js', () => {
  it('a TF.js model built from the IR computes the float reference; weights come back unchanged in function', async () => {
    const tf = await initTf();
    const ir = model('conv', [['gru', 5], ['lstm', 4], ['simple_rnn', 3]]);
    const m = irToTfjs(tf, ir);
    const seqs = data('conv-data', 6);
    for (const e of seqs) {
      const want = runFloat(ir, e.frames);
      const got = tf.tidy(() => (m.predict(tf.tensor3d([e.frames.map((f) => f.map((v) => v / 64))])) as import('@tensorflow/tfjs').Tensor).dataSync());
      for (let k = 0; k < want.length; k++) expect(got[k]).to.be.closeTo(want[k], 1e-5);
      const back = runFloat(irFromTfjs(m, ir), e.frames);
      for (let k = 0; k < want.length; k++) expect(back[k]).to.be.closeTo(want[k], 1e-6);
    }
    m.dispose();
  });

  it('an Embedding model: conversion matches the float reference and fine-tuning keeps a pruned table at zero', async () => {
    const tf = await initTf();
    const rng = seedrandom('emb');
    const base = model('emb-rec', [['gru', 4]]);
    const table = Float32Array.from({ length: 10 * 3 }, () => (rng() * 2 - 1) * 0.8);
    const ir = verify({
      ...base, input: { features: 1, deviceType: 'token', scale: 1, unit: 'token' },
      layers: [{ kind: 'embedding', name: 'emb', vocab: 10, dim: 3, table: tensor(table, [10, 3]) }, ...base.layers],
    });
    const rows: Example[] = Array.from({ length: 30 }, (_, i) => ({ label: i % 3, frames: Array.from({ length: 5 }, (_, t) => [(i * 7 + t * (i % 3 + 1)) % 10]) }));
    const m = irToTfjs(tf, ir);
    const got = predictRows(tf, m, ir.input, rows, 3);
    rows.forEach((e, i) => { const want = runFloat(ir, e.frames); for (let k = 0; k < 3; k++) expect(got[i][k]).to.be.closeTo(want[k], 1e-5); });
    m.dispose();
    const pruned = pruneMagnitude(ir, { sparsity: 0.5, embedding: true });
    const zt = Array.from(contiguous((pruned.layers[0] as Extract<Layer, { kind: 'embedding' }>).table), (v) => v === 0);
    expect(zt.filter(Boolean).length).to.be.greaterThan(0);
    const { ir: out } = await finetune(pruned, rows, { epochs: 2, embedding: true, learningRate: 0.05, quiet: true });
    const after = contiguous((out.layers[0] as Extract<Layer, { kind: 'embedding' }>).table);
    zt.forEach((z, k) => { if (z) expect(after[k]).to.equal(0); });
    expect(Array.from(after).some((v, k) => !zt[k] && v !== contiguous((pruned.layers[0] as Extract<Layer, { kind: 'embedding' }>).table)[k])).to.equal(true);
  });

  it('refuses what TF.js cannot train, naming the layer', async () => {
    const tf = await initTf();
    const ir = model('ra', [['gru', 3]]);
    (ir.layers[0] as Extract<Layer, { kind: 'gru' }>).resetAfter = true;
    expect(() => irToTfjs(tf, ir)).to.throw(WatchwordError, /'gru0'.*resetAfter/);
  });
});

describe('fine-tuning with masks', () => {
  it('keeps pruned weights exactly zero while the others train, and learns', async () => {
    const ir = pruneMagnitude(model('ft', [['gru', 6]]), { sparsity: 0.6 });
    const before = zeroMask(ir);
    const train = data('ft-train', 90);
    const { ir: out, history } = await finetune(ir, train, { epochs: 8, learningRate: 0.02, seed: 3, quiet: true, validation: train });
    expect(zeroMask(out)).to.deep.equal(before);
    expect(sparsity(out).zeros).to.equal(sparsity(ir).zeros);
    const changed = contiguous((out.layers[0] as RecurrentLayer).W).filter((v, i) => v !== contiguous((ir.layers[0] as RecurrentLayer).W)[i]).length;
    expect(changed).to.be.greaterThan(0);
    expect(history[history.length - 1].loss).to.be.lessThan(history[0].loss);
    expect(history[history.length - 1].valAccuracy!).to.be.greaterThan(0.6);
    // The returned IR is what TF.js trained: the float reference gives the reported accuracy.
    const acc = accuracyOf(train.map((e) => runFloat(out, e.frames)), train);
    expect(acc).to.be.closeTo(Math.max(...history.map((h) => h.valAccuracy!)), 1e-9);
  });

  it('the gradual schedule follows Zhu & Gupta and ends at exactly the final sparsity', async () => {
    const s = { initial: 0, final: 0.8, start: 1, steps: 4 };
    expect(gradualSparsity(0, s)).to.equal(0);
    expect(gradualSparsity(1, s)).to.equal(0);
    expect(gradualSparsity(3, s)).to.be.closeTo(0.8 + (0 - 0.8) * (1 - 2 / 4) ** 3, 1e-12);
    expect(gradualSparsity(5, s)).to.equal(0.8);
    expect(gradualSparsity(9, s)).to.equal(0.8);
    const ir = model('gradual', [['lstm', 5]]);
    const seen: number[] = [];
    const { ir: out } = await finetune(ir, data('g-train', 45), { epochs: 6, schedule: { final: 0.75, steps: 3 }, seed: 1, quiet: true, onEpoch: (l) => seen.push(l.sparsity) });
    for (let i = 1; i < seen.length; i++) expect(seen[i]).to.be.at.least(seen[i - 1]);
    expect(seen[0]).to.equal(0);
    const rep = sparsity(out);
    expect(rep.zeros).to.equal(Math.round(0.75 * rep.weights));
    expect(sparsity(ir).zeros).to.equal(0);
  });

  it('rejects a model that is not a classifier and bad schedules', async () => {
    const ir = model('bad', [['gru', 3]]);
    (ir.layers[1] as Extract<Layer, { kind: 'dense' }>).activation = 'relu';
    let err: unknown;
    try { await finetune(ir, data('x', 6), { epochs: 1, quiet: true }); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(WatchwordError);
    expect(String((err as Error).message)).to.match(/last layer 'out' is Dense relu/);
    err = undefined;
    try { await finetune(model('bad2', [['gru', 3]]), data('x', 6), { epochs: 1, quiet: true, schedule: { final: 1.2 } }); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(WatchwordError);
    expect(String((err as Error).message)).to.match(/final \(1\.2\)/);
  });
});

describe('distillation', () => {
  it('a student that already is the teacher has zero soft loss', async () => {
    const tf = await initTf();
    const teacher = model('teach', [['gru', 4]]);
    const student = irToTfjs(tf, teacher, { lastStepOnly: true });
    const h = await distill(student, teacher, teacher.input, data('d0', 30), { epochs: 1, alpha: 1, temperature: 3, learningRate: 1e-9, quiet: true });
    expect(h[0].loss).to.be.lessThan(1e-5);
    student.dispose();
  });

  it('trains a smaller student from a teacher on a tiny run', async () => {
    const tf = await initTf();
    const train = data('d-train', 90);
    const { ir: teacher } = await finetune(model('t2', [['gru', 8]]), train, { epochs: 6, learningRate: 0.02, seed: 1, quiet: true });
    const studentIR = model('s2', [['simple_rnn', 3]]);
    const student = irToTfjs(tf, studentIR, { lastStepOnly: true });
    const before = accuracyOf(predictRows(tf, student, studentIR.input, train, 3), train);
    const h = await distill(student, teacher, teacher.input, train, { epochs: 6, learningRate: 0.03, seed: 1, quiet: true, validation: train });
    expect(h[h.length - 1].loss).to.be.lessThan(h[0].loss);
    expect(h[h.length - 1].valAccuracy!).to.be.greaterThan(Math.max(before, 0.5));
    expect(() => irFromTfjs(student, studentIR)).to.not.throw();
    student.dispose();
  });
});

/**
 * For the CLI tests: a fresh temp folder holding a saved toy GRU-6 model (`<modelDir>/`) and a
 * data set for it (`data.json`, splits of the given sizes).
 */
async function savedToy(tag: string, modelDir: string, seed: string, sizes: [number, number, number]): Promise<{ dir: string; ir: ModelIR }> {
  const tf = await initTf();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ww-${tag}-`));
  const ir = model(seed, [['gru', 6]]);
  const m = irToTfjs(tf, ir);
  await saveTfjsModel(m, path.join(dir, modelDir), { name: seed, labels: ir.labels, input: ir.input });
  m.dispose();
  saveDataset({ name: 'toy', labels: ir.labels, input: ir.input, splits: { train: data(`${seed}-tr`, sizes[0]), validation: data(`${seed}-va`, sizes[1]), test: data(`${seed}-te`, sizes[2]) } }, path.join(dir, 'data.json'));
  return { dir, ir };
}

describe('watchword prune (CLI)', () => {
  it('prunes, fine-tunes gradually and saves a TF.js model that loads back at the target sparsity', async function () {
    this.timeout(120000);
    const { dir, ir } = await savedToy('prune', 'dense', 'cli', [60, 15, 30]);
    const out = path.join(dir, 'pruned');
    const r = spawnSync('node', ['bin/watchword.js', 'prune', path.join(dir, 'dense'), '--sparsity', '0.7', '--finetune', '3', '--data', path.join(dir, 'data.json'), '--out', out, '--json'], { encoding: 'utf8', env: { ...process.env, WATCHWORD_QUIET: '1' } });
    expect(r.status, r.stderr).to.equal(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.sparsity.zeros).to.equal(Math.round(0.7 * rep.sparsity.weights));
    expect(rep.history).to.have.length(3);
    expect(rep.accuracy.rows).to.equal(30);
    const back = await loadModel(path.join(out, 'model.json'));
    expect(sparsity(back).zeros).to.equal(rep.sparsity.zeros);
    expect(back.labels).to.deep.equal(ir.labels);
    expect(back.input.scale).to.equal(ir.input.scale);
    const bad = spawnSync('node', ['bin/watchword.js', 'prune', path.join(dir, 'dense'), '--sparsity', '1.5', '--out', out], { encoding: 'utf8' });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/--sparsity must be a number in \[0, 1\), got '1.5'/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('watchword train --teacher (CLI)', () => {
  it('distils a student from a saved teacher and reports it', async function () {
    this.timeout(120000);
    const { dir } = await savedToy('distil', 'teacher', 'teacher-cli', [45, 9, 12]);
    fs.writeFileSync(path.join(dir, 'student.json'), JSON.stringify({ dataset: 'data.json', model: { type: 'gru', units: 3, recurrentActivation: 'hard_sigmoid' }, epochs: 2, seed: 1, out: 'student' }));
    const r = spawnSync('node', ['bin/watchword.js', 'train', '--config', path.join(dir, 'student.json'), '--teacher', path.join(dir, 'teacher'), '--temperature', '3', '--json'], { encoding: 'utf8', env: { ...process.env, WATCHWORD_QUIET: '1' } });
    expect(r.status, r.stderr).to.equal(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.history).to.have.length(2);
    expect(rep.test.accuracy).to.be.within(0, 1);
    const student = await loadModel(path.join(dir, 'student', 'model.json'));
    expect((student.layers[0] as RecurrentLayer).units).to.equal(3);
    const bad = spawnSync('node', ['bin/watchword.js', 'train', '--config', path.join(dir, 'student.json'), '--teacher', path.join(dir, 'teacher'), '--alpha', '2'], { encoding: 'utf8' });
    expect(bad.status).to.equal(2);
    expect(bad.stderr).to.match(/alpha must be in \[0, 1\], got 2/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
