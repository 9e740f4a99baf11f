import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import seedrandom from 'seedrandom';
import { parseTrainConfig, loadTrainConfig } from '../compiler/train/config';
import { epochBatches, evalBatches, lengthBuckets } from '../compiler/train/batches';
import { runTraining } from '../compiler/train/train';
import { WatchwordError } from '../compiler/errors';
import { loadModel } from '../compiler/import/index';
import { argmax, runFloat } from '../compiler/reference/float';
import type { Example } from '../compiler/data/dataset';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-train-'));

describe('training config', () => {
  it('fills defaults and resolves paths against the config folder', () => {
    const c = parseTrainConfig({ dataset: 'd.json', model: { type: 'lstm', units: 8 } }, 'c.json', '/x/y');
    expect(c.dataset).to.deep.equal({ file: '/x/y/d.json' });
    expect(c.model).to.include({ type: 'lstm', units: 8, layers: 1, recurrentActivation: 'sigmoid' });
    expect(c.out).to.equal('/x/y/model');
    expect(c).to.include({ epochs: 30, batchSize: 32, seed: 1 });
  });

  it('refuses one-step sequences with the split and row named (TF.js would fail deep inside)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-len1-'));
    const f = path.join(dir, 'ds.json');
    const ex = (n: number) => ({ label: 0, frames: Array.from({ length: n }, () => [1, 2, 3]) });
    fs.writeFileSync(f, JSON.stringify({
      name: 'len1', labels: ['a', 'b'], input: { features: 3, deviceType: 'int8', scale: 1 / 64, unit: 'g' },
      splits: { train: [ex(3), ex(1)], validation: [ex(2)], test: [ex(2)] },
    }));
    let err: unknown;
    try {
      await runTraining(parseTrainConfig({ dataset: { file: f }, model: { type: 'gru', units: 4 }, epochs: 1, out: path.join(dir, 'out') }, 'len1', dir), { quiet: true });
    } catch (e) { err = e; }
    expect(err).to.be.instanceOf(WatchwordError);
    expect((err as Error).message).to.match(/train row 1 has 1 frame\(s\)/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('names the file and field of a bad value', () => {
    const bad = (raw: unknown, re: RegExp) => {
      try { parseTrainConfig(raw, 'cfg.json', '/'); } catch (e) {
        expect(e).to.be.instanceOf(WatchwordError);
        expect((e as Error).message).to.match(re);
        return;
      }
      expect.fail(`no error for ${JSON.stringify(raw)}`);
    };
    const m = { type: 'gru', units: 8 };
    bad({ dataset: 'd.json', model: { ...m, type: 'transformer' } }, /cfg\.json: "model\.type" must be one of gru, lstm, simple_rnn, got "transformer"/);
    bad({ dataset: 'd.json', model: { ...m, units: 0 } }, /"model\.units" must be a positive integer, got 0/);
    bad({ dataset: 'd.json', model: { ...m, recurrentActivation: 'relu' } }, /model\.recurrentActivation/);
    bad({ dataset: 'd.json', model: m, epochs: 2.5 }, /"epochs" must be a positive integer, got 2\.5/);
    bad({ dataset: 'd.json', model: m, learningRate: -1 }, /"learningRate"/);
    bad({ dataset: 42, model: m }, /"dataset" must be/);
    bad({ dataset: 'd.json', model: m, epoch: 3 }, /unknown field "epoch"/);
  });

  it('`watchword train` exits 2 with one line for a broken config or unknown generator', () => {
    const f = path.join(tmp, 'broken.json');
    fs.writeFileSync(f, '{"dataset": ');
    let r = spawnSync('node', ['bin/watchword.js', 'train', '--config', f], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/broken\.json: cannot read the training config/);
    fs.writeFileSync(f, JSON.stringify({ dataset: { generator: 'nope' }, model: { type: 'gru', units: 4 }, out: path.join(tmp, 'never') }));
    r = spawnSync('node', ['bin/watchword.js', 'train', '--config', f], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/unknown data set generator "nope" \(known: [\w, ]*gestures[\w, ]*\)/);
  });
});

describe('length-bucketed batches', () => {
  const rows: Example[] = Array.from({ length: 50 }, (_, i) => ({ label: i % 2, frames: Array.from({ length: 3 + (i % 4) }, () => [i]) }));

  it('never mixes lengths in a batch, covers every row once, and is seeded', () => {
    const buckets = lengthBuckets(rows);
    const a = epochBatches(buckets, 4, seedrandom('s'));
    const b = epochBatches(buckets, 4, seedrandom('s'));
    const c = epochBatches(buckets, 4, seedrandom('t'));
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
    for (const batch of a) {
      expect(batch.length).to.be.within(1, 4);
      expect(new Set(batch.map((i) => rows[i].frames.length)).size).to.equal(1);
    }
    expect(a.flat().sort((x, y) => x - y)).to.deep.equal(rows.map((_, i) => i));
    expect(evalBatches(buckets, 100).flat().sort((x, y) => x - y)).to.deep.equal(rows.map((_, i) => i));
  });
});

describe('training run (tiny)', function () {
  this.timeout(240000);
  const config = (out: string) => ({
    dataset: { generator: 'gestures', options: { seed: 5, train: 24, validation: 4, test: 12 } },
    model: { type: 'gru', units: 12, layers: 1 },
    epochs: 4, batchSize: 16, learningRate: 0.02, seed: 3, out,
  });

  it('is deterministic for a seed (byte-identical weights.bin), learns above chance, and imports with its metadata', async () => {
    const a = await runTraining(parseTrainConfig(config(path.join(tmp, 'a')), 'tiny', tmp), { quiet: true });
    const b = await runTraining(parseTrainConfig(config(path.join(tmp, 'b')), 'tiny', tmp), { quiet: true });
    const wa = fs.readFileSync(path.join(tmp, 'a', 'weights.bin'));
    const wb = fs.readFileSync(path.join(tmp, 'b', 'weights.bin'));
    expect(wa.length).to.be.greaterThan(0);
    expect(Buffer.compare(wa, wb)).to.equal(0);
    expect(a.history.map((h) => h.loss)).to.deep.equal(b.history.map((h) => h.loss));
    // learning: loss falls and test accuracy is well above chance (1/9)
    expect(a.history[a.history.length - 1].loss).to.be.lessThan(a.history[0].loss);
    expect(a.test.accuracy).to.be.greaterThan(2 / 9);
    // the saved model carries labels and the device input, and the float reference agrees with TF.js
    const ir = await loadModel(path.join(tmp, 'a', 'model.json'));
    expect(ir.labels).to.deep.equal(a.dataset.labels);
    expect(ir.input).to.deep.include({ deviceType: 'int8', scale: 1 / 64, sampleRateHz: 12.5 });
    const correct = a.dataset.splits.test.filter((e) => argmax(runFloat(ir, e.frames)) === e.label).length;
    expect(correct / a.dataset.splits.test.length).to.be.closeTo(a.test.accuracy, 1.5 / a.dataset.splits.test.length);
  });

  it('builds every supported variant (stacked LSTM with hard_sigmoid, Embedding + SimpleRNN + hidden Dense) that imports and agrees', async () => {
    // a token task: class 1 iff token 3 occurs in the sequence
    const rng = seedrandom('tokens');
    const rows = (n: number) => Array.from({ length: n }, (_, i) => {
      const len = 3 + Math.floor(rng() * 5);
      const frames = Array.from({ length: len }, () => [Math.floor(rng() * 3)]);
      if (i % 2) frames[Math.floor(rng() * len)] = [3];
      return { label: i % 2, frames };
    });
    const tokFile = path.join(tmp, 'tokens.json');
    fs.writeFileSync(tokFile, JSON.stringify({
      name: 'tokens', labels: ['no3', 'has3'], input: { features: 1, deviceType: 'token', scale: 1, unit: 'token' },
      splits: { train: rows(120), validation: rows(20), test: rows(40) },
    }));
    const variants = [
      { dataset: { generator: 'gestures', options: { seed: 2, train: 6, validation: 2, test: 4 } }, model: { type: 'lstm', units: 6, layers: 2, recurrentActivation: 'hard_sigmoid' } },
      { dataset: tokFile, model: { type: 'simple_rnn', units: 8, embedding: { vocab: 4, dim: 3 }, dense: [{ units: 5, activation: 'relu' }] } },
    ];
    for (const [i, v] of variants.entries()) {
      const out = path.join(tmp, `variant${i}`);
      const r = await runTraining(parseTrainConfig({ ...v, epochs: 2, batchSize: 16, learningRate: 0.02, seed: 1, out }, `variant ${i}`, tmp), { quiet: true });
      const ir = await loadModel(path.join(out, 'model.json'));
      expect(ir.layers.map((l) => l.kind)).to.deep.equal(i === 0 ? ['lstm', 'lstm', 'dense'] : ['embedding', 'simple_rnn', 'dense', 'dense']);
      if (i === 0) expect(ir.layers[0]).to.include({ recurrentActivation: 'hard_sigmoid' });
      const correct = r.dataset.splits.test.filter((e) => argmax(runFloat(ir, e.frames)) === e.label).length;
      expect(correct / r.dataset.splits.test.length, `variant ${i}`).to.be.closeTo(r.test.accuracy, 1.5 / r.dataset.splits.test.length);
    }
  });

  it('reads the committed gesture config', () => {
    const c = loadTrainConfig('examples/gestures/train.json');
    expect(c.dataset).to.deep.include({ generator: 'gestures' });
    expect(c.model.type).to.equal('gru');
    expect(c.out).to.equal(path.resolve('examples/gestures/model'));
  });
});
