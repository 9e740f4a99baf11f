/**
 * The plan: multipliers fit 15 bits and approximate the real factors, the tanh table is
 * chosen by measured error within its tolerance, the worst-case range analysis proves real
 * models and rejects crafted ones (naming the layer and the bound), the `.ww` layout is lean,
 * and the kernel choice follows board features.
 */
import { expect } from 'chai';
import { WatchwordError } from '../compiler/errors';
import { tensor } from '../compiler/ir/tensor';
import { chooseKernels } from '../compiler/plan/kernels';
import { chooseLut, makeLut, measureLut } from '../compiler/plan/lut';
import { multipliers } from '../compiler/plan/multiplier';
import { proveRanges } from '../compiler/plan/range';
import { int8Net, wwBytes } from '../compiler/reference/int8';
import { engineAvailable } from '../simulator/engines/index';
import { serialize } from '../compiler/emit/serialize';
import { writeWW } from '../compiler/emit/wwfile';
import { readWW } from '../runtime/model';
import { load } from '../runtime/net';
import { refKernels } from '../runtime/kernels/ref/index';
import * as RT from '../runtime/layer';
import { runModelOnEngine } from '../simulator/engines/run-model';
import type { GRULayer } from '../compiler/ir/types';
import { planRandom, randomModel, randomSequences } from './helpers/random-model';

describe('plan', () => {
  it('multipliers are <= 15 bits, share one shift, and approximate the factors', () => {
    const m = [0.001, 0.37, 1.5, 0.0625, 0];
    const { M, shift, err } = multipliers(m, 'test');
    expect(Math.max(...M)).to.be.at.most(32767);
    expect(Math.max(...M)).to.be.at.least(16384); // the largest uses the full 15 bits
    m.forEach((v, r) => expect(M[r] / 2 ** shift).to.be.closeTo(v, 2 ** -(shift + 1) + 1e-12));
    expect(err).to.be.below(0.05); // 0.001 gets 4 significant bits next to 1.5 (one shift per layer)
    expect(() => multipliers([40000], "layer 3 'x'")).to.throw(WatchwordError, /layer 3 'x'.*15 bits/);
  });

  it('the tanh table is the smallest whose measured error is within tolerance', () => {
    const c8 = chooseLut(12, 2 ** -9);
    expect(Math.max(c8.errTanh, c8.errSigmoid)).to.be.at.most(2 ** -9);
    for (const cand of c8.candidates) {
      if (cand.entries < c8.lut.N + 1) expect(Math.max(cand.errTanh, cand.errSigmoid)).to.be.above(2 ** -9);
    }
    const c16 = chooseLut(12, 2 ** -12);
    expect(c16.lut.N).to.be.above(c8.lut.N);
    expect(Math.max(c16.errTanh, c16.errSigmoid)).to.be.at.most(2 ** -12);
    // The measurement is real: a coarse table measures worse than a fine one.
    expect(measureLut(makeLut(12, 2, 8)).errTanh).to.be.above(measureLut(makeLut(12, 5, 5)).errTanh * 10);
    expect(() => chooseLut(12, 1e-7)).to.throw(WatchwordError, /tolerance/);
  });

  it('proves random models of every kind and records the bounds', () => {
    for (const spec of [{ kind: 'gru' }, { kind: 'gru', resetAfter: true }, { kind: 'lstm' }, { kind: 'simple_rnn', activation: 'relu' }] as const) {
      for (const hiddenBits of [8, 16] as const) {
        const p = planRandom(randomModel(7, { units: 12, ...spec }), { hiddenBits });
        for (const l of p.layers) {
          expect(l.bounds, l.name).to.not.equal(undefined);
          expect(l.bounds!.product).to.be.below(2 ** 53);
          if (l.M) for (const m of l.M) expect(m).to.be.at.most(32767);
        }
      }
    }
  });

  it('a model with weights crafted to overflow fails naming the layer and the bound', () => {
    const ir = randomModel(3, { kind: 'gru', units: 4 });
    const g = ir.layers[0] as GRULayer;
    // Tiny weights with a huge bias: the bias in accumulator units cannot be an int32.
    const n = g.W.size;
    g.W = tensor(new Float32Array(n).fill(1e-7), g.W.shape.slice());
    g.R = tensor(new Float32Array(g.R.size).fill(1e-7), g.R.shape.slice());
    g.bW = tensor(new Float32Array(g.bW.size).fill(50), g.bW.shape.slice());
    expect(() => planRandom(ir)).to.throw(WatchwordError, /layer 0 'rnn' \(gru\).*bias.*int32 max 2\^31-1/);
  });

  it('an accumulator beyond 2^53 (huge int16 inputs x extreme weights x 2^e) is rejected', () => {
    const ir = randomModel(4, { kind: 'lstm', units: 4, deviceType: 'int16' });
    const p = planRandom(ir);
    const l = p.layers[0];
    l.eW = 40; // force a scaling the analysis must refuse
    expect(() => proveRanges(p)).to.throw(WatchwordError, /layer 0 'rnn' \(lstm\).*2\^53/);
  });

  it('the .ww layout is lean: int8 weights, narrow biases, one shift per layer', () => {
    for (const units of [16, 32, 64]) {
      const ir = randomModel(5, { kind: 'gru', units, classes: 5 });
      const p = planRandom(ir);
      const bytes = wwBytes(p).length;
      let floatParams = 0, weights = 0, rows = 0;
      for (const l of ir.layers) {
        if (l.kind === 'dense') { floatParams += l.W.size + l.b.size; weights += l.W.size; rows += l.units; }
        else if (l.kind === 'gru') { floatParams += l.W.size + l.R.size + l.bW.size; weights += l.W.size + l.R.size; rows += 3 * units; } // one bias (bR is zero)
      }
      const ratio = bytes / (4 * floatParams);
      console.log(`      GRU ${units} + Dense 5: .ww ${bytes} bytes, float32 ${4 * floatParams} bytes, ratio ${ratio.toFixed(3)}`);
      // Exactly: int8 weights, per row an int16 bias and a uint16 multiplier, and under 600 bytes
      // of fixed cost (file header and section table, int32 layer header, tanh table, labels).
      expect(bytes).to.be.at.most(weights + 4 * rows + 600);
      if (units >= 64) expect(ratio).to.be.at.most(0.27);
    }
  });

  it('pruned weights are stored as bitmask + values: smaller file, identical outputs, on every engine', async function () {
    this.timeout(60000);
    const ir = randomModel(21, { kind: 'gru', units: 16, classes: 4 });
    for (const l of ir.layers) {
      const mats = l.kind === 'gru' ? [l.W, l.R] : l.kind === 'dense' ? [l.W] : [];
      let i = 0;
      for (const m of mats) for (let r = 0; r < m.shape[0]; r++) for (let c = 0; c < m.shape[1]; c++) if (i++ % 10 < 7) m.set(r, c, 0);
    }
    const g = ir.layers[0] as GRULayer;
    for (let c = 0; c < g.R.shape[1]; c++) g.R.set(5, c, 0); // one fully pruned recurrent row
    for (let c = 0; c < g.W.shape[1]; c++) g.W.set(5, c, 0);
    const sparse = planRandom(ir, { sparse: 'bitmask' });
    const dense = planRandom(ir, { sparse: false });
    const sb = wwBytes(sparse), db = wwBytes(dense);
    expect(sb.length).to.be.below(0.75 * db.length);
    const a = int8Net(sparse), b = int8Net(dense);
    expect(Array.from(a.layers[0].W)).to.deep.equal(Array.from(b.layers[0].W));
    expect(Array.from(a.layers[0].R!)).to.deep.equal(Array.from(b.layers[0].R!));
    const seqs = randomSequences(ir, 'sparse', 100);
    for (const s of seqs) expect(a.classify(s)).to.deep.equal(b.classify(s));
    // The bundled runtime expands the same bytes identically on the ES5 engines.
    for (const engine of ['quickjs', 'duktape'] as const) {
      if (!(await engineAvailable(engine))) continue;
      const run = await runModelOnEngine(engine, sb, seqs.slice(0, 40));
      run.results.forEach((res, i) => expect(res.index, `${engine} sequence ${i}`).to.equal(b.classify(seqs[i]).index));
      run.results.forEach((res, i) => expect(res.score / 32768, `${engine} sequence ${i}`).to.equal(b.classify(seqs[i]).score));
    }
    // A value section that disagrees with its mask is refused at load, not misread.
    const sec = serialize(sparse);
    const vals = sec.sections.find((x) => x.tag === RT.TAG_LAYER_BASE + RT.T_W_MASK)!;
    vals.data = vals.data.slice(0, vals.data.length - 1);
    const f = writeWW(sec.sections, sec.strings);
    expect(() => load(readWW(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) as ArrayBuffer), refKernels)).to.throw(Error, /sparse weights of layer 0 W hold/);
  });

  it('kernel choice follows board features, not names', () => {
    expect(chooseKernels(new Set(['eConvolve', 'eMapInPlace']))).to.equal('espruino');
    expect(chooseKernels(new Set(['eConvolve']))).to.equal('ref');
    expect(chooseKernels(undefined)).to.equal('ref');
  });
});
