/**
 * ONNX importer tests: the committed fixtures are reproducible from their generator; every
 * fixture imported into the IR and run in the float reference matches onnxruntime-web
 * (max abs error ≤ 1e-5, sequence_lens models fed a padded batch in ORT and each sequence at
 * its own length in ours); unsupported and malformed files give a WatchwordError naming the
 * problem (and one line, exit 2, from the CLI); 1000 mutated files never escape as anything
 * but a WatchwordError.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import seedrandom from 'seedrandom';
import { WatchwordError } from '../compiler/errors';
import { importOnnx, importOnnxBytes } from '../compiler/import/onnx';
import { loadModel } from '../compiler/import/index';
import { verify } from '../compiler/ir/verify';
import { runFloat, runFloatSteps } from '../compiler/reference/float';
import { FIXTURE_DIR, FLOAT, GraphBuilder, INT64, fixtures, recurrentModel, type AttrValue, type Fixture } from './fixtures/onnx/generate';
import { runOrt, type OrtFeed } from './helpers/ort';

const all = fixtures();
const good = all.filter((f) => !f.error);
const bad = all.filter((f) => f.error);
const file = (f: Fixture) => path.join(FIXTURE_DIR, `${f.name}.onnx`);

function expectWatchwordError(fn: () => unknown, re?: RegExp): WatchwordError {
  try {
    fn();
  } catch (e) {
    expect(e, String((e as Error)?.stack)).to.be.instanceOf(WatchwordError);
    if (re) expect((e as Error).message).to.match(re);
    return e as WatchwordError;
  }
  throw new Error('expected a WatchwordError');
}

/** Random inputs in the fixture's layout; per-sequence frames for the float reference. */
function makeInputs(f: Fixture, seed: string) {
  const rng = seedrandom(seed);
  const { steps: T, batch: B, features: F } = f.feed;
  const lens = f.feed.lens ? Array.from({ length: B }, (_, b) => (b === 0 ? T : 1 + Math.floor(rng() * T))) : null;
  const seqs: number[][][] = [];
  for (let b = 0; b < B; b++) {
    const n = T; // ORT gets the padded batch; padding holds random values it must ignore
    seqs.push(Array.from({ length: n }, () => (f.feed.vocab ? [Math.floor(rng() * f.feed.vocab)] : Array.from({ length: F }, () => rng() * 4 - 2))));
  }
  const flat: number[] = [];
  let dims: number[];
  if (f.feed.layout === 'tbf') {
    dims = [T, B, F];
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) flat.push(...seqs[b][t]);
  } else if (f.feed.layout === 'btf') {
    dims = [B, T, F];
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) flat.push(...seqs[b][t]);
  } else {
    dims = [B, T];
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) flat.push(seqs[b][t][0]);
  }
  const feeds: Record<string, OrtFeed> = { [f.feed.x]: { type: f.feed.vocab ? 'int64' : 'float32', data: flat, dims } };
  if (lens) feeds[f.feed.lens!] = { type: f.feed.lensType ?? 'int64', data: lens, dims: [B] };
  const own = seqs.map((s, b) => (lens ? s.slice(0, lens[b]) : s));
  return { feeds, own, lens };
}

describe('ONNX importer', function () {
  this.timeout(120000);

  it('the committed fixtures are exactly what the generator writes', () => {
    for (const f of all) {
      const onDisk = fs.readFileSync(file(f));
      expect(Buffer.compare(onDisk, Buffer.from(f.bytes)), `${f.name}.onnx differs from the generator's output; re-run npx tsx test/fixtures/onnx/generate.ts`).to.equal(0);
    }
    // and generating twice gives the same bytes
    const again = fixtures();
    again.forEach((f, i) => expect(Buffer.compare(Buffer.from(f.bytes), Buffer.from(all[i].bytes))).to.equal(0));
  });

  describe('matches onnxruntime-web (max abs error ≤ 1e-5)', () => {
    for (const f of good) {
      it(f.name, async () => {
        const ir = verify(importOnnx(file(f)), 'import');
        expect(ir.source).to.deep.equal({ format: 'onnx', file: file(f) });
        let worst = 0;
        for (let trial = 0; trial < 3; trial++) {
          const { feeds, own } = makeInputs(f, `${f.name}-${trial}`);
          const res = await runOrt(file(f), feeds);
          const out = res.output;
          const C = ir.labels.length;
          own.forEach((seq, b) => {
            if (f.feed.seqOut) {
              const steps = runFloatSteps(ir, seq);
              steps.forEach((v, t) => {
                const off = (f.feed.layout === 'tbf' ? t * f.feed.batch + b : b * f.feed.steps + t) * C;
                for (let k = 0; k < C; k++) worst = Math.max(worst, Math.abs(v[k] - out.data[off + k]));
              });
            } else {
              expect(out.dims).to.deep.equal([f.feed.batch, C]);
              const v = runFloat(ir, seq);
              for (let k = 0; k < C; k++) worst = Math.max(worst, Math.abs(v[k] - out.data[b * C + k]));
            }
          });
        }
        if (process.env.WW_REPORT) console.log(`      ${f.name}: max abs error ${worst.toExponential(2)}`);
        expect(worst).to.be.at.most(1e-5);
      });
    }
  });

  it('maps each variant onto the expected IR layers', () => {
    const ir = (n: string) => importOnnx(path.join(FIXTURE_DIR, `${n}.onnx`));
    const g1 = ir('gru_lbr1_b_h0');
    expect(g1.layers.map((l) => l.kind)).to.deep.equal(['gru', 'dense']);
    expect(g1.layers[0]).to.include({ resetAfter: true, returnSequences: false, recurrentActivation: 'sigmoid', units: 4, inputSize: 3 });
    expect(g1.layers[0].kind === 'gru' && g1.layers[0].h0).to.not.equal(undefined);
    expect(g1.input).to.include({ features: 3, deviceType: 'float', scale: 1 });
    expect(g1.labels).to.deep.equal(['class0', 'class1', 'class2']);
    expect(g1.name).to.equal('gru_lbr1_b_h0');
    expect(ir('gru_lbr0_b_h0').layers[0]).to.include({ resetAfter: false });
    expect(ir('gru_lbr0_b_h0').layers[1]).to.include({ activation: 'softmax' });
    expect(ir('gru_hard_sigmoid').layers[0]).to.include({ recurrentActivation: 'hard_sigmoid' });
    expect(ir('rnn_relu_h0_lens').layers[0]).to.include({ kind: 'simple_rnn', activation: 'relu' });
    expect(ir('rnn_relu_h0_lens').layers[1]).to.include({ activation: 'relu' });
    const stacked = ir('gru_stacked_glue');
    expect(stacked.layers.map((l) => [l.kind, 'returnSequences' in l ? l.returnSequences : null])).to.deep.equal([['gru', true], ['gru', false], ['dense', null]]);
    expect(stacked.layers[0].kind === 'gru' && stacked.layers[0].h0).to.equal(undefined); // zeros by construction
    expect(ir('gru_seq_out').layers[0]).to.include({ returnSequences: true });
    const emb = ir('gru_embedding');
    expect(emb.layers[0]).to.include({ kind: 'embedding', vocab: 7, dim: 5 });
    expect(emb.input).to.include({ deviceType: 'token', features: 1 });
    // metadata_props 'watchword' applied
    expect(emb.name).to.equal('tokens');
    expect(emb.labels).to.deep.equal(['yes', 'no', 'maybe']);
  });

  it('recurrentModel() builds a runnable one-layer model from given weights', async () => {
    const rng = seedrandom('recurrentModel');
    const r = (n: number) => Array.from({ length: n }, () => rng() - 0.5);
    const bytes = recurrentModel({ cell: 'gru', inputSize: 2, hidden: 3, W: r(18), R: r(27), B: r(18), linearBeforeReset: 1 });
    const ir = verify(importOnnxBytes(bytes, 'check.onnx'), 'import');
    const x = r(4 * 2);
    const res = await runOrt(bytes, { x: { type: 'float32', data: x, dims: [4, 1, 2] } });
    const v = runFloat(ir, [0, 1, 2, 3].map((t) => x.slice(t * 2, t * 2 + 2)));
    v.forEach((y, k) => expect(Math.abs(y - res.y.data[k])).to.be.at.most(1e-5));
  });

  /**
   * A one-off model for the error cases: x [5, 3, 3] → op (hidden 4, all-0.1 weights) →
   * `post` (default: Squeeze(Y_h) → Gemm to 2 outputs).
   */
  function tiny(o: {
    op?: 'GRU' | 'LSTM' | 'RNN'; attrs?: Record<string, AttrValue>; opset?: number; inSize?: number;
    extra?: (g: GraphBuilder) => string[];
    post?: (g: GraphBuilder, outs: string[], x: string) => string;
    pre?: (g: GraphBuilder, x: string) => string;
  }): Uint8Array {
    const op = o.op ?? 'GRU', opset = o.opset ?? 14;
    const G = { GRU: 3, LSTM: 4, RNN: 1 }[op], H = 4, I = o.inSize ?? 3;
    const g = new GraphBuilder('tiny');
    let x = g.input('x', FLOAT, [5, 3, 3]);
    if (o.pre) x = o.pre(g, x);
    const W = g.init('W', [1, G * H, I], new Array(G * H * I).fill(0.1));
    const R = g.init('R', [1, G * H, H], new Array(G * H * H).fill(0.1));
    const B = g.init('B', [1, 2 * G * H], new Array(2 * G * H).fill(0.1));
    const outs = g.node(op, [x, W, R, B, ...(o.extra ? o.extra(g) : [])], op === 'LSTM' ? 3 : 2, { hidden_size: H, ...(o.attrs ?? {}) });
    const y = o.post
      ? o.post(g, outs, x)
      : g.one('Gemm', [g.squeeze('Squeeze', outs[1], [0], opset), g.init('fcW', [2, H], new Array(2 * H).fill(0.2))], { transB: 1 });
    for (const n of g.nodes) n.output = n.output!.map((v) => (v === y ? 'out' : v));
    g.output('out', FLOAT, [3, 2]);
    return g.toBytes(opset);
  }

  describe('unsupported models name the node and the problem', () => {
    const cases: [string, () => Uint8Array, RegExp][] = [
      ['reverse direction', () => tiny({ attrs: { direction: 'reverse' } }), /node '\/GRU_0' \(GRU\): direction 'reverse' is not supported/],
      ['clip', () => tiny({ attrs: { clip: { f: 5 } } }), /\(GRU\): the 'clip' attribute/],
      ['input_forget=1', () => tiny({ op: 'LSTM', attrs: { input_forget: 1 } }), /\(LSTM\): input_forget=1/],
      ['LSTM peepholes', () => tiny({ op: 'LSTM', extra: (g) => ['', '', '', g.init('P', [1, 12], new Array(12).fill(0.3))] }), /\(LSTM\): LSTM peepholes/],
      ['GRU with Tanh gates', () => tiny({ attrs: { activations: ['Tanh', 'Tanh'] } }), /\(GRU\): activations \["Tanh","Tanh"\] are not supported/],
      ['RNN with Sigmoid', () => tiny({ op: 'RNN', attrs: { activations: ['Sigmoid'] } }), /\(RNN\): activations \["Sigmoid"\]/],
      ['HardSigmoid with other alpha', () => tiny({ attrs: { activations: ['HardSigmoid', 'Tanh'], activation_alpha: { floats: [0.3] } } }), /HardSigmoid with alpha 0\.3/],
      ['LSTM Y_c as output', () => tiny({ op: 'LSTM', post: (g, outs) => g.squeeze('Squeeze', outs[2], [0], 14) }), /uses Y_c \(the cell state\)/],
      ['last step of Y with sequence_lens', () => tiny({
        extra: (g) => [g.one('Cast', [g.input('len', INT64, [3])], { to: 6 })],
        post: (g, outs) => g.one('Gather', [g.squeeze('Squeeze', outs[0], [1], 14), g.ints('m1', [-1], true)], { axis: 0 }),
      }), /\(Gather\): takes the last time step of Y while sequence_lens 'len'/],
      ['constant sequence_lens', () => tiny({ extra: (g) => [g.init('lens', [3], [5, 5, 5], 6)] }), /sequence_lens must be a 1-d graph input/],
      ['opset 8', () => tiny({ opset: 8 }), /ONNX opset 8 is not supported/],
      ['Relu straight on the recurrent output', () => tiny({ post: (g, outs) => g.one('Relu', [g.squeeze('Squeeze', outs[1], [0], 14)]) }), /\(Relu\): Relu must follow a Linear/],
      ['initial_h that differs between batch rows', () => tiny({ extra: (g) => ['', g.init('h0', [1, 3, 4], Array.from({ length: 12 }, (_, i) => i))] }), /initial_h differs between sequences of the batch/],
      ['W of the wrong width', () => tiny({ inSize: 2 }), /\(GRU\): W takes 2 inputs per step but the data reaching it has 3/],
      ['Gemm on a whole sequence', () => tiny({ post: (g, outs) => g.one('Gemm', [g.squeeze('Squeeze', outs[0], [1], 14), g.init('w2', [2, 4], new Array(8).fill(1))], { transB: 1 }) }), /\(Gemm\): Gemm needs a 2-d input/],
      ['time and batch swapped between layers', () => tiny({
        post: (g, outs) => {
          const y = g.one('Transpose', [g.squeeze('Squeeze', outs[0], [1], 14)], { perm: [1, 0, 2] });
          const W2 = g.init('W2', [1, 12, 4], new Array(48).fill(0.1)), R2 = g.init('R2', [1, 12, 4], new Array(48).fill(0.1));
          return g.squeeze('Squeeze', g.node('GRU', [y, W2, R2], 2, { hidden_size: 4 })[1], [0], 14);
        },
      }), /shapes do not chain/],
    ];
    for (const [what, build, re] of cases) {
      it(what, () => {
        expectWatchwordError(() => verify(importOnnxBytes(build(), 'tiny.onnx')), re);
      });
    }
  });

  it('layout=1 (batch-major) imports to the same model as layout=0 with Transposes', () => {
    // onnxruntime rejects layout=1, so the oracle here is the layout-0 model
    const l1 = importOnnxBytes(tiny({
      attrs: { layout: 1 },
      pre: (g, x) => g.one('Transpose', [x], { perm: [1, 0, 2] }),
      post: (g, outs) => g.one('Gemm', [g.squeeze('Squeeze', outs[1], [1], 14), g.init('fcW', [2, 4], [1, 2, 3, 4, -1, -2, -3, -4])], { transB: 1 }),
    }), 'l1.onnx');
    const l0 = importOnnxBytes(tiny({
      post: (g, outs) => g.one('Gemm', [g.squeeze('Squeeze', outs[1], [0], 14), g.init('fcW', [2, 4], [1, 2, 3, 4, -1, -2, -3, -4])], { transB: 1 }),
    }), 'l0.onnx');
    const seq = [[1, 0, -1], [0.5, 0.5, 0.5], [-1, 2, 0]];
    expect(Array.from(runFloat(verify(l1), seq))).to.deep.equal(Array.from(runFloat(verify(l0), seq)));
  });

  it("Reshape that only drops unit axes (h_n.view(-1, hidden)) matches onnxruntime-web", async () => {
    const bytes = tiny({
      post: (g, outs) => g.one('Gemm', [g.one('Reshape', [outs[1], g.ints('shape', [-1, 4])]), g.init('fcW', [2, 4], [1, 2, 3, 4, -1, -2, -3, -4])], { transB: 1 }),
    });
    const ir = verify(importOnnxBytes(bytes, 'reshape.onnx'));
    const rng = seedrandom('reshape');
    const x = Array.from({ length: 45 }, () => rng() * 2 - 1);
    const res = await runOrt(bytes, { x: { type: 'float32', data: x, dims: [5, 3, 3] } });
    for (let b = 0; b < 3; b++) {
      const v = runFloat(ir, [0, 1, 2, 3, 4].map((t) => x.slice((t * 3 + b) * 3, (t * 3 + b) * 3 + 3)));
      v.forEach((y, k) => expect(Math.abs(y - res.out.data[b * 2 + k])).to.be.at.most(1e-5));
    }
    // merging time into batch (out.reshape(-1, hidden) on a sequence) is refused
    expectWatchwordError(() => importOnnxBytes(tiny({
      post: (g, outs) => g.one('Reshape', [g.squeeze('Squeeze', outs[0], [1], 14), g.ints('shape', [-1, 4])]),
    }), 'merge.onnx'), /\(Reshape\): Reshape of \[time, batch, feature\] to \[-1, 4\] is not supported/);
  });

  describe('errors', () => {
    for (const f of bad) {
      it(`${f.name} → WatchwordError naming the node`, () => {
        const e = expectWatchwordError(() => importOnnx(file(f)), new RegExp(f.error!));
        expect(e.message).to.contain(file(f));
        expect(e.message).to.match(/node '[^']+' \((GRU|LSTM|RNN|LeakyRelu)\)/);
      });
    }

    it('a truncated file → "not a valid ONNX file"', () => {
      const bytes = fs.readFileSync(file(good[0]));
      const tmp = path.join(os.tmpdir(), `ww-trunc-${process.pid}.onnx`);
      fs.writeFileSync(tmp, bytes.subarray(0, Math.floor(bytes.length / 2)));
      try {
        expectWatchwordError(() => importOnnx(tmp), /not a valid ONNX file/);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    });

    it('a non-ONNX file and an empty file → WatchwordError naming the file', () => {
      expectWatchwordError(() => importOnnxBytes(new TextEncoder().encode('{"modelTopology": {}}\n'), 'model.onnx'), /model\.onnx: not a valid ONNX file/);
      expectWatchwordError(() => importOnnxBytes(new Uint8Array(0), 'empty.onnx'), /empty\.onnx: not a valid ONNX file/);
      expectWatchwordError(() => importOnnx('/nonexistent/x.onnx'), /x\.onnx/);
    });

    it('invalid watchword metadata JSON is reported', async () => {
      // reuse the embedding model with its metadata string broken
      const f = all.find((x) => x.name === 'gru_embedding')!;
      const bytes = Buffer.from(f.bytes);
      const at = bytes.indexOf(Buffer.from('{"name"'));
      expect(at).to.be.greaterThan(0);
      bytes[at] = '['.charCodeAt(0);
      expectWatchwordError(() => importOnnxBytes(bytes, 'meta.onnx'), /metadata_props 'watchword': not valid JSON/);
    });

    it('the CLI exits 2 with one line naming the problem', () => {
      const leaky = spawnSync('node', ['bin/watchword.js', 'inspect', path.join(FIXTURE_DIR, 'bad_leaky_relu.onnx')], { encoding: 'utf8' });
      expect(leaky.status).to.equal(2);
      expect(leaky.stderr.trim().split('\n')).to.have.length(1);
      expect(leaky.stderr).to.match(/bad_leaky_relu\.onnx: node '[^']+' \(LeakyRelu\): operator LeakyRelu is not supported/);
      const tmp = path.join(os.tmpdir(), `ww-cli-trunc-${process.pid}.onnx`);
      fs.writeFileSync(tmp, fs.readFileSync(file(good[0])).subarray(0, 100));
      try {
        const trunc = spawnSync('node', ['bin/watchword.js', 'inspect', tmp], { encoding: 'utf8' });
        expect(trunc.status).to.equal(2);
        expect(trunc.stderr.trim().split('\n')).to.have.length(1);
        expect(trunc.stderr).to.match(/not a valid ONNX file/);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
    });
  });

  it('1000 mutated files give a model or a WatchwordError, never anything else, and never hang', async () => {
    const rng = seedrandom('onnx-fuzz');
    const sources = good.map((f) => Buffer.from(f.bytes));
    let errors = 0, models = 0, slowest = 0;
    const t0 = Date.now();
    for (let i = 0; i < 1000; i++) {
      const src = sources[i % sources.length];
      let b = Buffer.from(src);
      const kind = Math.floor(rng() * 3);
      const nMut = 1 + Math.floor(rng() * 4);
      for (let m = 0; m < nMut; m++) {
        if (kind === 0) { // byte flips
          const at = Math.floor(rng() * b.length);
          b[at] ^= 1 << Math.floor(rng() * 8);
        } else if (kind === 1) { // truncation
          b = b.subarray(0, Math.floor(rng() * b.length));
        } else { // inserted random bytes
          const at = Math.floor(rng() * b.length);
          const ins = Buffer.from(Array.from({ length: 1 + Math.floor(rng() * 8) }, () => Math.floor(rng() * 256)));
          b = Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
        }
      }
      const s = Date.now();
      try {
        verify(importOnnxBytes(b, `fuzz-${i}.onnx`), 'import');
        models++;
      } catch (e) {
        if (!(e instanceof WatchwordError)) {
          throw new Error(`mutation ${i} (kind ${kind}) escaped as ${(e as Error)?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack}`);
        }
        errors++;
      }
      slowest = Math.max(slowest, Date.now() - s);
    }
    expect(errors + models).to.equal(1000);
    expect(errors).to.be.greaterThan(100);
    expect(slowest, 'slowest single import (ms)').to.be.below(2000);
    expect(Date.now() - t0).to.be.below(20000);
  });

  it('loadModel picks the ONNX importer by extension', async () => {
    const ir = await loadModel(path.join(FIXTURE_DIR, 'lstm_b_h0.onnx'));
    expect(ir.layers[0].kind).to.equal('lstm');
  });
});
