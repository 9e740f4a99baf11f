/**
 * Quantization: int8 weights are symmetric per row and use the full range, the input leaves
 * the IR untouched, calibration statistics are right, and — the point — the integer model
 * tracks the float reference on random small models of every kind (output error and argmax
 * agreement), with an int16 hidden state tracking it more closely than int8.
 */
import { expect } from 'chai';
import { calibrate } from '../compiler/compress/calibrate';
import { quantize } from '../compiler/compress/quantize';
import { softmaxInPlace } from '../compiler/ir/activations';
import { contiguous } from '../compiler/ir/tensor';
import { argmax, runFloat } from '../compiler/reference/float';
import { int8Net } from '../compiler/reference/int8';
import type { Plan } from '../compiler/plan/types';
import { planRandom, randomModel, randomSequences, type RandomSpec } from './helpers/random-model';

function track(ir: ReturnType<typeof randomModel>, p: Plan, seqs: number[][][]) {
  const net = int8Net(p);
  const last = ir.layers[ir.layers.length - 1];
  const outScale = p.layers[p.layers.length - 1].outScale;
  let agree = 0, maxErr = 0;
  for (const s of seqs) {
    const f = runFloat(ir, s);
    const st = net.state();
    let o: ArrayLike<number> = [];
    for (const fr of s) o = net.step(st, fr);
    let q: Float64Array = Float64Array.from(o, (v) => v * outScale);
    if (last.kind === 'dense' && last.activation === 'softmax') q = softmaxInPlace(q);
    for (let k = 0; k < f.length; k++) maxErr = Math.max(maxErr, Math.abs(f[k] - q[k]));
    const c = net.classify(s);
    expect(c.index).to.equal(argmax(o));
    if (argmax(f) === c.index) agree++;
  }
  return { agree: agree / seqs.length, maxErr };
}

describe('quantize', () => {
  it('weights are int8 symmetric per row, using the full range on one side of each row', () => {
    const ir = randomModel(11, { kind: 'lstm', units: 10 });
    const p = planRandom(ir);
    const l = p.layers[0];
    for (let r = 0; r < l.rows; r++) {
      let m = 0;
      for (let j = 0; j < l.inSize; j++) m = Math.max(m, Math.abs(l.W![r * l.inSize + j]));
      for (let j = 0; j < l.units; j++) m = Math.max(m, Math.abs(l.R![r * l.units + j]));
      expect(m, `row ${r}`).to.equal(127);
      for (const v of l.W!) expect(v).to.be.within(-127, 127);
    }
    // Dequantized weights are within half a step of the float ones.
    const W = contiguous((ir.layers[0] as { W: Parameters<typeof contiguous>[0] }).W);
    for (let r = 0; r < l.rows; r++) {
      const step = (l.rowScale![r] * 2 ** l.eW) / l.inScale;
      for (let j = 0; j < l.inSize; j++) expect(Math.abs(l.W![r * l.inSize + j] * step - W[r * l.inSize + j])).to.be.at.most(step / 2 + 1e-9);
    }
  });

  it('does not modify the IR', () => {
    const ir = randomModel(12, { kind: 'gru', units: 6 });
    const before = JSON.stringify(ir.layers.map((l) => (l.kind === 'gru' ? Array.from(contiguous(l.W)) : [])));
    planRandom(ir);
    expect(JSON.stringify(ir.layers.map((l) => (l.kind === 'gru' ? Array.from(contiguous(l.W)) : [])))).to.equal(before);
  });

  it('calibration: max and percentile statistics, float input gets a power-of-two scale', () => {
    const ir = randomModel(13, { kind: 'gru', units: 6, deviceType: 'float' });
    const seqs = randomSequences(ir, 'cal', 30);
    let max = 0;
    for (const s of seqs) for (const f of s) for (const v of f) max = Math.max(max, Math.abs(v));
    const cmax = calibrate(ir, seqs, { quiet: true });
    expect(cmax.input).to.equal(max);
    const cp = calibrate(ir, seqs, { method: 'percentile', percentile: 50, quiet: true });
    expect(cp.input).to.be.below(max);
    expect(cp.layers[1]!).to.be.below(cmax.layers[1]!);
    expect(cmax.layers[0]).to.equal(null); // a GRU state has a fixed format
    const q = quantize(ir, cmax);
    expect(max * 2 ** q.input.shift).to.be.at.most(127.5);
    expect(max * 2 ** (q.input.shift + 1)).to.be.above(127.5);
  });

  const specs: RandomSpec[] = [
    { kind: 'gru' }, { kind: 'gru', resetAfter: true }, { kind: 'gru', recurrentActivation: 'hard_sigmoid' },
    { kind: 'lstm' }, { kind: 'lstm', stacked: true, h0: true }, { kind: 'simple_rnn' }, { kind: 'simple_rnn', activation: 'relu' },
    { kind: 'gru', embedding: { vocab: 16, dim: 5 } }, { kind: 'gru', head: 'relu+softmax' }, { kind: 'gru', head: 'sigmoid' },
    { kind: 'gru', head: null }, { kind: 'lstm', deviceType: 'float' }, { kind: 'gru', deviceType: 'int16' },
  ];
  for (const spec of specs) {
    it(`int8 tracks float: ${JSON.stringify(spec)}`, () => {
      const ir = randomModel(`q-${JSON.stringify(spec)}`, { units: 12, ...spec });
      const seqs = randomSequences(ir, 'eval', 60);
      const r8 = track(ir, planRandom(ir, { hiddenBits: 8 }), seqs);
      const r16 = track(ir, planRandom(ir, { hiddenBits: 16 }), seqs);
      expect(r8.agree, 'int8 argmax agreement').to.be.at.least(0.93);
      expect(r16.agree, 'int16 argmax agreement').to.be.at.least(0.95);
      expect(r8.maxErr, 'int8 max output error').to.be.below(0.06);
      expect(r16.maxErr, 'int16 max output error').to.be.below(0.03);
    });
  }
});

describe('gesture example: int8 vs float on the held-out test set', function () {
  this.timeout(300000);
  it('int8 accuracy is within 1.0 point of float (hidden state int8, the default)', async function () {
    const fs = await import('node:fs');
    if (!fs.existsSync('examples/gestures/model/model.json')) this.skip();
    const { buildReport } = await import('../compiler/commands/report');
    const r = await buildReport('examples/gestures/model/model.json', { data: 'gestures', quiet: true });
    const a = r.accuracy!;
    console.log(`      float ${(100 * a.float).toFixed(2)} %, int8 ${(100 * a.int8).toFixed(2)} % over ${a.total}; .ww ${r.bytes} bytes (${r.ratio.toFixed(3)} of float32)`);
    expect(a.total).to.be.at.least(1000);
    expect(Math.abs(a.int8 - a.float)).to.be.at.most(0.01);
    expect(a.agreement).to.be.at.least(0.98);
  });
  it('the pruned gesture model: int8 within 1.0 point, .ww <= 0.27 x float32 (sparse weights)', async function () {
    const fs = await import('node:fs');
    if (!fs.existsSync('examples/gestures/model-pruned/model.json')) this.skip();
    const { buildReport } = await import('../compiler/commands/report');
    const r = await buildReport('examples/gestures/model-pruned/model.json', { data: 'gestures', quiet: true });
    const a = r.accuracy!;
    console.log(`      pruned: float ${(100 * a.float).toFixed(2)} %, int8 ${(100 * a.int8).toFixed(2)} %; .ww ${r.bytes} bytes (${r.ratio.toFixed(3)} of float32)`);
    expect(Math.abs(a.int8 - a.float)).to.be.at.most(0.01);
    expect(r.layers.every((l) => l.sparse)).to.equal(true);
    expect(r.ratio).to.be.at.most(0.27);
  });
});

describe('CLI: predict --mode int8 and report', function () {
  this.timeout(120000);
  it('predict --mode int8 prints the integer reference outputs; report --json the per-layer plan', async function () {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { execFileSync } = await import('node:child_process');
    const { loadModel } = await import('../compiler/import/index');
    const { planModel } = await import('../compiler/plan/planModel');
    const model = 'examples/gestures/model/model.json';
    if (!fs.existsSync(model)) this.skip();
    const ir = await loadModel(model);
    const seqs = randomSequences(ir, 'cli', 6, 5, 30);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ww-int8-'));
    const input = path.join(dir, 'in.json');
    fs.writeFileSync(input, JSON.stringify({ sequences: seqs, targets: seqs.map(() => 0) }));
    const env = { ...process.env, WATCHWORD_QUIET: '1' };
    const out = JSON.parse(execFileSync('node', ['bin/watchword.js', 'predict', model, '-i', input, '--mode', 'int8'], { env, encoding: 'utf8' }));
    // Same calibration data (the input sequences) in-process gives the same integers.
    const net = int8Net(planModel(ir, seqs, { quiet: true }));
    out.predictions.forEach((p: { output: number[]; index: number; label: string; score: number }, i: number) => {
      const st = net.state();
      let o: ArrayLike<number> = [];
      for (const f of seqs[i]) o = net.step(st, f);
      expect(p.output).to.deep.equal(Array.from(o));
      const c = net.classify(seqs[i]);
      expect([p.index, p.label, p.score]).to.deep.equal([c.index, c.label, c.score]);
    });
    expect(out.total).to.equal(6);
    const rep = JSON.parse(execFileSync('node', ['bin/watchword.js', 'report', model, '--data', input, '--json'], { env, encoding: 'utf8' }));
    expect(rep.layers.map((l: { kind: string }) => l.kind)).to.deep.equal(['gru', 'dense']);
    expect(rep.layers[0].multiplier[1]).to.be.at.most(32767);
    expect(rep.layers[0].product).to.be.below(2 ** 53);
    expect(rep.lut.errTanh).to.be.at.most(rep.lut.tolerance);
    expect(rep.accuracy.total).to.equal(6);
  });
});
