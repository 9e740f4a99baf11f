// The benchmark harness (bench/): the hand-written float baseline is the same model as the
// float reference (every layer kind and option it implements), and a tiny `npm run bench`
// (one small GRU, few repeats) measures every engine present and writes RESULTS.md, the SVG
// chart and the calibration. No timing is asserted: only that figures exist and are positive.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vm from 'node:vm';
import seedrandom from 'seedrandom';
import { tensor } from '../compiler/ir/tensor';
import { verify } from '../compiler/ir/verify';
import type { Layer, ModelIR } from '../compiler/ir/types';
import { runFloatSteps } from '../compiler/reference/float';
import { BASELINE_SOURCE } from '../bench/latency';
import { baselineSpec, randomFrames, randomModel } from '../bench/models';
import { runBenchmarks } from '../bench/index';
import { pretokenisedBytes } from '../bench/size';
import { estimateStep } from '../bench/calibration';
import { es5Check } from '../compiler/emit/es5check';
import { detectEngines } from '../bench/engines';
import { measureLatency } from '../bench/latency';
import { benchModels } from '../bench/models';
import { engineAvailable } from '../simulator/engines/index';
import { getBoard } from '../boards/index';

const ROOT_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const rnd = (rng: () => number, n: number, s = 0.5) => Array.from({ length: n }, () => (rng() * 2 - 1) * s);

function stacked(): ModelIR {
  const rng = seedrandom('bench-baseline');
  const rec = (kind: 'gru' | 'lstm' | 'simple_rnn', name: string, inp: number, u: number, extra: object): Layer => {
    const g = (kind === 'gru' ? 3 : kind === 'lstm' ? 4 : 1) * u;
    return {
      kind, name, units: u, inputSize: inp, returnSequences: true,
      W: tensor(rnd(rng, g * inp), [g, inp]), R: tensor(rnd(rng, g * u), [g, u]), bW: tensor(rnd(rng, g, 0.2), [g]), bR: tensor(rnd(rng, g, 0.2), [g]),
      ...extra,
    } as Layer;
  };
  return verify({
    name: 'stack', input: { features: 3, deviceType: 'int8', scale: 1 / 64, unit: 'g' },
    layers: [
      rec('gru', 'g1', 3, 6, { recurrentActivation: 'hard_sigmoid', resetAfter: false }),
      rec('lstm', 'l1', 6, 5, { recurrentActivation: 'sigmoid' }),
      { ...rec('simple_rnn', 's1', 5, 4, { activation: 'tanh' }), returnSequences: false } as Layer,
      { kind: 'dense', name: 'hid', inputSize: 4, units: 5, W: tensor(rnd(rng, 20), [5, 4]), b: tensor(rnd(rng, 5), [5]), activation: 'relu' },
      { kind: 'dense', name: 'out', inputSize: 5, units: 3, W: tensor(rnd(rng, 15), [3, 5]), b: tensor(rnd(rng, 3), [3]), activation: 'softmax' },
    ],
    labels: ['a', 'b', 'c'],
    source: { format: 'ir', file: 'bench.test' },
  });
}

/** Runs the baseline in a vm context (as the engines do) and returns its output after every frame. */
function baselineSteps(ir: ModelIR, frames: number[][]): number[][] {
  const { spec, weights } = baselineSpec(ir);
  const ctx = vm.createContext({ SPEC: spec, BUF: weights.slice().buffer, FRAMES: frames });
  vm.runInContext(BASELINE_SOURCE, ctx);
  return vm.runInContext('var n = WWBaseline.load(SPEC, BUF), st = n.state(), r = []; for (var t = 0; t < FRAMES.length; t++) r.push(Array.prototype.slice.call(n.step(st, FRAMES[t]))); r', ctx) as number[][];
}

describe('bench: hand-written float baseline = float reference', () => {
  const cases: [string, ModelIR][] = [
    ['GRU reset_after=true + softmax (the sweep model)', randomModel('gru', 16, 3)],
    ['LSTM (the sweep model)', randomModel('lstm', 16, 16)],
    ['GRU reset_after=false hard_sigmoid → LSTM → SimpleRNN → Dense relu → softmax', stacked()],
  ];
  for (const [name, ir] of cases) {
    it(name, () => {
      const frames = randomFrames(ir.input.features, 25, `bl-${name}`);
      const want = runFloatSteps(ir, frames);
      const got = baselineSteps(ir, frames);
      expect(got).to.have.length(frames.length);
      let err = 0, spread = 0;
      for (let t = 0; t < frames.length; t++) {
        for (let i = 0; i < want[t].length; i++) {
          err = Math.max(err, Math.abs(got[t][i] - want[t][i]));
          spread = Math.max(spread, Math.abs(want[t][i] - want[0][i]));
        }
      }
      expect(spread, 'the reference output moves (the check is not vacuous)').to.be.greaterThan(1e-3);
      expect(err, 'float32 baseline vs float64 reference').to.be.lessThan(1e-4);
    });
  }

  it('is in the device ES5 subset (it runs on every engine, Espruino included)', () => {
    expect(es5Check(BASELINE_SOURCE)).to.deep.equal([]);
  });

  it('a layer with an initial state is refused (the baseline does not model it)', () => {
    const ir = randomModel('gru', 16, 3);
    (ir.layers[0] as { h0?: unknown }).h0 = tensor(new Float32Array(16), [16]);
    expect(() => baselineSpec(ir)).to.throw(/initial state/);
  });
});

describe('bench: tiny run of the harness', function () {
  this.timeout(60_000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-bench-test-'));
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('measures every available engine and writes RESULTS.md, latency.svg, calibration.json', async () => {
    const r = await runBenchmarks({ quick: true, outDir: out, quiet: true, repeats: 2, targetMs: 5 });
    expect(r.errors).to.deep.equal([]);
    const engines = r.engines.filter((e) => e.available).map((e) => e.name);
    expect(engines).to.include.members(['node', 'quickjs']);
    for (const e of engines) {
      const l = r.latency.find((x) => x.engine === e)!;
      expect(l, e).to.exist;
      expect(l.kernelsAgree, `${e}: Espruino kernels = reference kernels`).to.equal(true);
      expect(l.baselineMaxErr, `${e}: baseline = float reference`).to.be.lessThan(1e-4);
      for (const v of ['ref', 'espruino', 'baseline'] as const) expect(l.ms[v], `${e} ${v}`).to.be.greaterThan(0);
    }
    const md = fs.readFileSync(path.join(out, 'RESULTS.md'), 'utf8');
    expect(md).to.match(/\| model \| MACs\/step \| \(a\) ref ms .*\| \(a\)\/\(c\) \| \(b\)\/\(c\) \|/);
    expect(md).to.include(`Node ${process.version}`);
    expect(md).to.include('QuickJS via quickjs-emscripten');
    expect(md).to.match(/espruino \| .* \| skipped: |espruino \| Espruino binary/);
    const svg = fs.readFileSync(path.join(out, 'latency.svg'), 'utf8');
    expect(svg).to.match(/^<svg /).and.to.include('<polyline');
    const cal = JSON.parse(fs.readFileSync(path.join(out, 'calibration.json'), 'utf8'));
    expect(cal.reference.espruinoLoop).to.equal(5.8);
    expect(r.code[0].pretokenisedBytes).to.be.greaterThan(0).and.lessThan(r.code[0].minifiedBytes);
  });
});

describe('bench: size and calibration helpers', () => {
  it('the espruino package pretokeniser turns keywords into single bytes', () => {
    const code = 'function f(a){for(var i=0;i<10;i++)a+=i;return a}';
    expect(pretokenisedBytes(code)).to.be.lessThan(code.length);
  });

  it('estimateStep: native E.convolve boards get the Espruino kernels and a smaller figure', () => {
    const cal = { alpha: 1, beta: 2, reference: { espruinoLoop: 5.8, espruinoConvolve: 0.2, jerryLoop: 0.23 }, x86EquivalentMHz: 3000 } as never;
    const ir = randomModel('gru', 32, 3);
    const fast = estimateStep(cal, getBoard('BANGLEJS2'), ir);
    const slow = estimateStep(cal, { ...getBoard('BANGLEJS2'), features: new Set() }, ir);
    expect(fast.kernels).to.equal('espruino');
    expect(slow.kernels).to.equal('ref');
    expect(fast.msPerStep!).to.be.lessThan(slow.msPerStep!);
    // 3*32*(3+32) + 4*32 MACs, 96 + 4 rows at 5.8 us per loop MAC, × 3000/64.
    expect(slow.msPerStep!).to.be.closeTo((3 * 32 * 35 + 128 + 2 * 100) * 0.0058 * 3000 / 64, 1e-6);
    expect(estimateStep(cal, getBoard('JERRYSCRIPT'), ir).msPerStep).to.equal(null);
  });
});

describe('bench: device-engine binaries from the environment', function () {
  this.timeout(60_000);
  const saved = { e: process.env.ESPRUINO_BIN, j: process.env.JERRY_BIN };
  afterEach(() => {
    if (saved.e === undefined) delete process.env.ESPRUINO_BIN; else process.env.ESPRUINO_BIN = saved.e;
    if (saved.j === undefined) delete process.env.JERRY_BIN; else process.env.JERRY_BIN = saved.j;
  });

  it('an unset or missing ESPRUINO_BIN skips the column with a note', () => {
    delete process.env.ESPRUINO_BIN;
    expect(detectEngines().find((e) => e.name === 'espruino')).to.include({ available: false, note: 'ESPRUINO_BIN is not set' });
    process.env.ESPRUINO_BIN = '/nonexistent/espruino';
    const e = detectEngines().find((x) => x.name === 'espruino')!;
    expect(e.available).to.equal(false);
    expect(e.note).to.match(/does not exist/);
  });

  it('JERRY_BIN: the script runs from a file through the binary and its printed lines are parsed', async function () {
    // A stand-in binary: a shell script that runs the file with duk (print, no console, ES5 —
    // what a bare jerry build with print offers); the real jerry is used the same way.
    if (!engineAvailable('duktape')) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-jerry-'));
    const bin = path.join(dir, 'jerry');
    fs.writeFileSync(bin, '#!/bin/sh\nexec duk "$1"\n', { mode: 0o755 });
    try {
      process.env.JERRY_BIN = bin;
      const e = detectEngines().find((x) => x.name === 'jerryscript')!;
      expect(e.available).to.equal(true);
      const [m] = await benchModels(ROOT_DIR, { kinds: ['lstm'], hidden: [16], input: [3], examples: false, frames: 6 });
      const r = await measureLatency(e, m, { repeats: 2, targetMs: 4 });
      expect(r.kernelsAgree).to.equal(true);
      expect(r.eImpl).to.equal('shim');
      expect(r.baselineMaxErr).to.be.lessThan(1e-4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
