import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import * as acorn from 'acorn';
import seedrandom from 'seedrandom';
import { generateGesture, generateGestureDataset, GESTURE_LABELS, GESTURE_DEFAULTS } from '../examples/gestures/generate';
import { detectGestures } from '../examples/gestures/detector';
import { toGestureByte } from '../examples/gestures/sensor';
import { loadDataset, saveDataset, toSequenceFile, validateDataset, type Dataset } from '../compiler/data/dataset';
import { mergeRecordings, readRecorderCsv } from '../compiler/data/csv';
import { GESTURE_INPUT } from '../examples/gestures/generate';
import { WatchwordError } from '../compiler/errors';
import { loadModel } from '../compiler/import/index';
import { argmax, runFloat } from '../compiler/reference/float';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-gestures-'));
const write = (name: string, text: string) => { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; };
const throwsWW = (fn: () => unknown, re: RegExp) => {
  try { fn(); } catch (e) {
    expect(e, String(e)).to.be.instanceOf(WatchwordError);
    expect((e as Error).message).to.match(re);
    return;
  }
  expect.fail(`expected a WatchwordError matching ${re}`);
};

describe('gesture generator', () => {
  const small = { seed: 7, train: 4, validation: 2, test: 2 };

  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateGestureDataset(small);
    const b = generateGestureDataset(small);
    const c = generateGestureDataset({ ...small, seed: 8 });
    expect(JSON.stringify(a)).to.equal(JSON.stringify(b));
    expect(JSON.stringify(a.splits.train)).to.not.equal(JSON.stringify(c.splits.train));
    // splits have their own streams: growing train leaves test unchanged
    const d = generateGestureDataset({ ...small, train: 6 });
    expect(JSON.stringify(d.splits.test)).to.equal(JSON.stringify(a.splits.test));
  });

  it('produces Bangle.js gesture events: int8 x,y,z, 10..49 samples, balanced classes', () => {
    const ds = generateGestureDataset(small);
    validateDataset(ds, 'generated');
    expect(ds.labels).to.deep.equal([...GESTURE_LABELS]);
    expect(ds.labels.length).to.be.at.least(7); // >= 6 gestures + other
    expect(ds.input).to.include({ features: 3, deviceType: 'int8', scale: 1 / 64, sampleRateHz: 12.5 });
    for (const split of ['train', 'validation', 'test'] as const) {
      const n = { train: 4, validation: 2, test: 2 }[split];
      expect(ds.splits[split]).to.have.length(n * GESTURE_LABELS.length);
      for (const e of ds.splits[split]) {
        expect(e.frames.length).to.be.within(10, 49);
        for (const f of e.frames) {
          expect(f).to.have.length(3);
          for (const v of f) expect(Number.isInteger(v) && v >= -128 && v <= 127, String(v)).to.equal(true);
        }
      }
    }
  });

  it('`watchword data gestures --split test` writes the predict input format', () => {
    const out = path.join(tmp, 'split.json');
    const r = spawnSync('node', ['bin/watchword.js', 'data', 'gestures', '--seed', '3', '--train', '1', '--validation', '1', '--test', '2', '--split', 'test', '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const f = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(f.sequences).to.have.length(2 * GESTURE_LABELS.length);
    expect(f.targets).to.deep.equal(generateGestureDataset({ seed: 3, train: 1, validation: 1, test: 2 }).splits.test.map((e) => GESTURE_LABELS[e.label]));
    expect(f.sequences[0][0]).to.have.length(3);
  });

  it('ends every event at rest, reading about 1 g of gravity (the quiet tail)', () => {
    const rng = seedrandom('gravity');
    for (const label of GESTURE_LABELS) {
      for (let i = 0; i < 5; i++) {
        const ev = generateGesture(label, rng);
        const k = ev.length - 3;
        expect(Math.hypot(ev[k], ev[k + 1], ev[k + 2]), `${label} last sample`).to.be.within(50, 80);
      }
    }
  });
});

describe('Bangle.js gesture detector model', () => {
  const still = (n: number, z = -8192) => Array.from({ length: n }, () => [0, 0, z]).flat();

  it('reports nothing while still', () => {
    expect(detectGestures(Int16Array.from(still(100)))).to.have.length(0);
  });

  it('reports 6 moving samples as an 11-sample event (the step back to rest, then 4 quiet samples)', () => {
    const moving = [0, 1, 2, 3, 4, 5].flatMap((i) => [i % 2 ? 3000 : -3000, 0, -8192]);
    const ev = detectGestures(Int16Array.from([...still(5), ...moving, ...still(10)]));
    expect(ev).to.have.length(1);
    expect(ev[0].length / 3).to.equal(11);
    expect([...ev[0].slice(0, 3)]).to.deep.equal([toGestureByte(-3000), 0, -64]);
  });

  it('drops movements too short (< 10 samples) or too long (>= 50)', () => {
    const short = [0, 1].flatMap((i) => [i % 2 ? 3000 : -3000, 0, -8192]);
    expect(detectGestures(Int16Array.from([...still(5), ...short, ...still(10)]))).to.have.length(0);
    const long = Array.from({ length: 60 }, (_, i) => [i % 2 ? 3000 : -3000, 0, -8192]).flat();
    expect(detectGestures(Int16Array.from([...still(5), ...long, ...still(10)]))).to.have.length(0);
  });

  it('shifts raw readings into the event bytes as the firmware does (clipi8(raw >> 7))', () => {
    expect(toGestureByte(8192)).to.equal(64);
    expect(toGestureByte(-1)).to.equal(-1); // arithmetic shift floors
    expect(toGestureByte(32767)).to.equal(127);
    expect(toGestureByte(-32768)).to.equal(-128);
  });
});

describe('data set files', () => {
  const good = (): Dataset => ({
    name: 't', labels: ['a', 'b'], input: { ...GESTURE_INPUT },
    splits: { train: [{ label: 0, frames: [[1, 2, 3]] }, { label: 1, frames: [[-1, 0, 64], [0, 0, 64]] }], validation: [], test: [{ label: 1, frames: [[0, 0, 0]] }] },
  });

  it('round-trips through save/load and converts a split to the predict format', () => {
    const f = path.join(tmp, 'good.json');
    saveDataset(good(), f);
    const ds = loadDataset(f);
    expect(ds.splits.train[1].frames).to.deep.equal([[-1, 0, 64], [0, 0, 64]]);
    expect(toSequenceFile(ds, 'test')).to.deep.equal({ sequences: [[[0, 0, 0]]], targets: ['b'] });
  });

  it('names the file, split and row of a bad entry', () => {
    const bad = (mutate: (d: Dataset) => void, re: RegExp) => {
      const d = good();
      mutate(d);
      const f = write('bad.json', JSON.stringify(d));
      throwsWW(() => loadDataset(f), re);
    };
    bad((d) => { d.splits.train[1].frames[1][2] = 200; }, /bad\.json: split train row 1 frame 1 value 2: 200 is not an int8/);
    bad((d) => { d.splits.test[0].label = 5; }, /bad\.json: split test row 0: label 5 is not an index/);
    bad((d) => { d.splits.train[0].frames[0] = [1, 2]; }, /split train row 0 frame 0: must be an array of 3 numbers/);
    bad((d) => { d.splits.train[0].frames = []; }, /split train row 0: frames must be a non-empty array/);
    bad((d) => { delete (d.splits as Partial<Dataset['splits']>).validation; }, /splits\.validation must be an array/);
    bad((d) => { d.labels = ['a', 'a']; }, /labels.*duplicates/);
    bad((d) => { (d.input as { deviceType: string }).deviceType = 'int7'; }, /input\.deviceType/);
    bad((d) => { d.splits.train[0].frames[0][0] = 1.5; }, /1\.5 is not an int8/);
    throwsWW(() => loadDataset(write('trunc.json', '{"name": "x", "lab')), /trunc\.json: cannot read the data set JSON/);
  });
});

describe('recorder CSV merge', () => {
  const row = (label: string, n: number, v = 1) => [label, n, ...Array.from({ length: 3 * n }, (_, i) => (i % 3 === 2 ? -64 : v))].join(',');

  it('merges CSVs into a data set with a deterministic per-class split', () => {
    const lines = ['# recorded on my watch'];
    for (let i = 0; i < 20; i++) lines.push(row('swipe_left', 10 + (i % 5), i), row('shake', 12, -i));
    const f = write('rec.csv', lines.join('\n') + '\n');
    const recs = readRecorderCsv(f);
    expect(recs).to.have.length(40);
    expect(recs[0]).to.include({ label: 'swipe_left', at: `${f}:2` });
    const ds = mergeRecordings(recs, GESTURE_INPUT, { seed: 3 });
    validateDataset(ds, 'merged');
    expect(ds.labels).to.deep.equal(['swipe_left', 'shake']);
    expect(ds.splits.test).to.have.length(6); // 15 % of 20 per class = 3
    expect(ds.splits.validation).to.have.length(6);
    expect(ds.splits.train).to.have.length(28);
    expect(JSON.stringify(mergeRecordings(recs, GESTURE_INPUT, { seed: 3 }))).to.equal(JSON.stringify(ds));
  });

  it('names the file and line of a bad row', () => {
    const f = write('bad.csv', [row('a', 10), row('b', 10), 'a,10,1,2,3', row('a', 10)].join('\n'));
    throwsWW(() => readRecorderCsv(f), /bad\.csv:3: expected 30 values \(x,y,z for 10 samples\), found 3/);
    const g = write('bad2.csv', [row('a', 10), row('b', 2).replace(/,1,/, ',300,')].join('\n'));
    throwsWW(() => readRecorderCsv(g), /bad2\.csv:2: sample 0 x = "300" is not an int8/);
    const h = write('bad3.csv', 'a,99,' + Array(297).fill(0).join(','));
    throwsWW(() => readRecorderCsv(h), /bad3\.csv:1: sample count "99" must be an integer 1\.\.50/);
    const k = write('bad4.csv', [row('a', 10), row('zz', 10)].join('\n'));
    throwsWW(() => mergeRecordings(readRecorderCsv(k), GESTURE_INPUT, { labels: ['a', 'b'] }), /bad4\.csv:2: label 'zz' is not one of/);
  });

  it('`watchword data merge` exits 2 with one line naming the bad row', () => {
    const f = write('cli.csv', [row('a', 10), 'b,10,1'].join('\n'));
    const r = spawnSync('node', ['bin/watchword.js', 'data', 'merge', f, '--out', path.join(tmp, 'x.json')], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/cli\.csv:2: expected 30 values/);
  });
});

describe('recorder app (examples/gestures/recorder/app.js)', () => {
  const src = fs.readFileSync('examples/gestures/recorder/app.js', 'utf8');

  it('is plain ES5', () => {
    expect(() => acorn.parse(src, { ecmaVersion: 5, sourceType: 'script' })).to.not.throw();
  });

  it('writes each gesture event as a CSV row that `data merge` reads back exactly', () => {
    // Minimal Bangle.js shims: the app only needs these calls.
    const files: Record<string, string> = {};
    const handlers: Record<string, (d: Int8Array) => void> = {};
    let menu: Record<string, unknown> | undefined;
    const chain = new Proxy({}, { get: () => () => chain });
    const sandbox = {
      Bangle: {
        appRect: { x: 0, y: 24, w: 176, h: 152 },
        setPollInterval: (ms: number) => { expect(ms).to.equal(80); },
        on: (ev: string, fn: (d: Int8Array) => void) => { handlers[ev] = fn; },
        loadWidgets() {}, drawWidgets() {}, buzz() {}, setUI() {},
      },
      E: { showMenu: (m?: Record<string, unknown>) => { menu = m; }, showPrompt: () => Promise.resolve(false) },
      g: chain,
      require: (m: string) => {
        expect(m).to.equal('Storage');
        return { open: (name: string, mode: string) => ({ write: (s: string) => { expect(mode).to.equal('a'); files[name] = (files[name] ?? '') + s; }, erase() {} }) };
      },
    };
    vm.runInNewContext(src, sandbox);
    expect(menu).to.have.property('twist (0)');
    (menu!['twist (0)'] as () => void)();
    const ev = generateGesture('twist', seedrandom('rec'));
    handlers.gesture(ev);
    handlers.gesture(ev);
    const csv = write('wwgestures.csv', files['wwgestures.csv']);
    const recs = readRecorderCsv(csv);
    expect(recs).to.have.length(2);
    expect(recs[0].label).to.equal('twist');
    expect(recs[0].frames.flat()).to.deep.equal([...ev]);
  });
});

describe('committed gesture model (examples/gestures/model)', () => {
  const modelFile = 'examples/gestures/model/model.json';
  const readme = fs.existsSync('examples/gestures/README.md') ? fs.readFileSync('examples/gestures/README.md', 'utf8') : '';

  it('float reference test accuracy equals the README figure and is >= 95 %', async function () {
    if (!fs.existsSync(modelFile)) this.skip();
    const ir = await loadModel(modelFile);
    expect(ir.labels).to.deep.equal([...GESTURE_LABELS]);
    expect(ir.input).to.include({ features: 3, deviceType: 'int8', scale: 1 / 64 });
    const ds = generateGestureDataset({ seed: GESTURE_DEFAULTS.seed, train: 1, validation: 1, test: GESTURE_DEFAULTS.test });
    let correct = 0;
    const perClass = ds.labels.map(() => 0);
    for (const e of ds.splits.test) {
      if (argmax(runFloat(ir, e.frames)) === e.label) { correct++; perClass[e.label]++; }
    }
    const total = ds.splits.test.length;
    const m = /Float reference test accuracy: \*\*([\d.]+) %\*\* \((\d+) \/ (\d+)\)/.exec(readme);
    expect(m, 'README line "Float reference test accuracy: **X %** (c / n)"').to.not.equal(null);
    expect([correct, total]).to.deep.equal([Number(m![2]), Number(m![3])]);
    expect(correct / total).to.be.at.least(0.95);
    ds.labels.forEach((l, c) => {
      expect(readme, `README per-class row for ${l}`).to.include(`| ${l} | ${perClass[c]} / ${GESTURE_DEFAULTS.test} |`);
    });
  });
});
