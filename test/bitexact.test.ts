// The tested guarantee of the numeric contract: the bundled ES5 runtime (TypeScript lowered by
// build-runtime, minified) plus a .ww file gives, on Node vm, QuickJS and Duktape, exactly the
// integer outputs of the integer reference (compiler/reference/int8.ts: the runtime's
// TypeScript run directly in Node with the ref kernels). 1000 random sequences per model, one
// engine invocation per model and engine; models cover SimpleRNN, GRU (reset_after true and
// false), LSTM, Embedding+GRU, a stacked GRU→LSTM, a Dense head, hard_sigmoid, int16 state.
// The Espruino kernel set is run through the ES5 E shim on every engine too, and a pruned
// model exercises the sparse weight sections.
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { contiguous, tensor } from '../compiler/ir/tensor';
import { verify } from '../compiler/ir/verify';
import type { Layer, ModelIR, RecurrentLayer } from '../compiler/ir/types';
import { calibrate } from '../compiler/compress/calibrate';
import { quantize } from '../compiler/compress/quantize';
import { plan } from '../compiler/plan/plan';
import { pruneMagnitude } from '../compiler/compress/prune';
import { readWW } from '../runtime/model';
import { int8Net, wwBytes } from '../compiler/reference/int8';
import { ENGINE_NAMES, engineAvailable } from '../simulator/engines/index';
import { runModelOnEngine, stepHash, type EngineModelOutput } from '../simulator/engines/run-model';

type Rng = () => number;
const rand = (rng: Rng, n: number, s = 0.6) => Array.from({ length: n }, () => (rng() * 2 - 1) * s);

function rec(rng: Rng, kind: RecurrentLayer['kind'], name: string, inputSize: number, units: number, returnSequences: boolean,
  extra: Record<string, unknown> = {}): RecurrentLayer {
  const g = (kind === 'gru' ? 3 : kind === 'lstm' ? 4 : 1) * units;
  const base = {
    name, units, inputSize, returnSequences,
    W: tensor(rand(rng, g * inputSize), [g, inputSize]),
    R: tensor(rand(rng, g * units), [g, units]),
    bW: tensor(rand(rng, g, 0.2), [g]),
    bR: tensor(rand(rng, g, 0.2), [g]),
  };
  if (kind === 'gru') return { ...base, kind, recurrentActivation: 'sigmoid', resetAfter: true, ...extra } as RecurrentLayer;
  if (kind === 'lstm') return { ...base, kind, recurrentActivation: 'sigmoid', ...extra } as RecurrentLayer;
  return { ...base, kind, activation: 'tanh', ...extra } as RecurrentLayer;
}

function dense(rng: Rng, name: string, inputSize: number, units: number, activation: 'linear' | 'relu' | 'softmax' | 'sigmoid'): Layer {
  return { kind: 'dense', name, inputSize, units, W: tensor(rand(rng, units * inputSize), [units, inputSize]), b: tensor(rand(rng, units, 0.2), [units]), activation };
}

interface Case { name: string; ir: ModelIR; hiddenBits?: 8 | 16 }

function model(name: string, layers: Layer[], classes: number, token = false): ModelIR {
  return verify({
    name,
    input: token ? { features: 1, deviceType: 'token', scale: 1, unit: 'token' } : { features: 3, deviceType: 'int8', scale: 1 / 64, unit: 'g' },
    layers,
    labels: Array.from({ length: classes }, (_, i) => (i === 1 ? 'wave "hi" 👋' : `class ${i}`)),
    source: { format: 'ir', file: `${name}.ir` },
  });
}

function cases(): Case[] {
  const r = (s: string) => seedrandom(`bitexact-${s}`);
  let g: Rng;
  return [
    { name: 'SimpleRNN', ir: model('simple_rnn', [(g = r('srnn'), rec(g, 'simple_rnn', 'rnn', 3, 8, false)), dense(g, 'out', 8, 4, 'softmax')], 4) },
    { name: 'GRU reset_after=true', ir: model('gru_ra', [(g = r('gru1'), rec(g, 'gru', 'gru', 3, 8, false)), dense(g, 'out', 8, 4, 'softmax')], 4) },
    { name: 'GRU reset_after=false, hard_sigmoid', ir: model('gru_rb', [(g = r('gru2'), rec(g, 'gru', 'gru', 3, 8, false, { resetAfter: false, recurrentActivation: 'hard_sigmoid' })), dense(g, 'out', 8, 4, 'softmax')], 4) },
    { name: 'LSTM', ir: model('lstm', [(g = r('lstm'), rec(g, 'lstm', 'lstm', 3, 8, false)), dense(g, 'out', 8, 4, 'softmax')], 4) },
    { name: 'LSTM hard_sigmoid, int16 state', hiddenBits: 16, ir: model('lstm16', [(g = r('lstm16'), rec(g, 'lstm', 'lstm', 3, 6, false, { recurrentActivation: 'hard_sigmoid' })), dense(g, 'out', 6, 3, 'softmax')], 3) },
    {
      name: 'Embedding+GRU',
      ir: model('emb_gru', [
        (g = r('emb'), { kind: 'embedding', name: 'emb', vocab: 20, dim: 6, table: tensor(rand(g, 120, 1), [20, 6]) }),
        rec(g, 'gru', 'gru', 6, 8, false), dense(g, 'out', 8, 5, 'softmax'),
      ], 5, true),
    },
    { name: 'stacked GRU→LSTM', ir: model('stacked', [(g = r('stack'), rec(g, 'gru', 'gru', 3, 8, true)), rec(g, 'lstm', 'lstm', 8, 6, false), dense(g, 'out', 6, 4, 'softmax')], 4) },
    { name: 'Dense head (relu → softmax)', ir: model('head', [(g = r('head'), rec(g, 'gru', 'gru', 3, 8, false)), dense(g, 'hidden', 8, 10, 'relu'), dense(g, 'out', 10, 4, 'softmax')], 4) },
  ];
}

const N = 1000;

/** Random sequences in device units: int8 accelerometer-like frames, or token ids. */
function sequences(ir: ModelIR, seed: string, n: number): number[][][] {
  const rng = seedrandom(seed);
  const vocab = ir.layers[0].kind === 'embedding' ? ir.layers[0].vocab : 0;
  return Array.from({ length: n }, (_, s) => {
    const len = 1 + Math.floor(rng() * 16);
    // A few sequences at the extremes, where saturation and rounding are decided.
    const extreme = s % 50 === 0;
    return Array.from({ length: len }, () => vocab
      ? [Math.floor(rng() * vocab)]
      : Array.from({ length: 3 }, () => (extreme ? (rng() < 0.5 ? -128 : 127) : Math.max(-128, Math.min(127, Math.round((rng() * 2 - 1) * 140))))));
  });
}

/**
 * The integer reference, streamed exactly as the engine script does (fresh state per
 * sequence; every step's output folded into stepHash).
 */
function reference(p: ReturnType<typeof plan>, seqs: number[][][]): EngineModelOutput[] {
  const net = int8Net(p);
  const st = net.state();
  return seqs.map((seq) => {
    net.reset(st);
    let out: ArrayLike<number> = [];
    let h = 7;
    for (const f of seq) {
      out = net.step(st, f);
      h = stepHash(h, out);
    }
    const index = net.topk(out as never, 1)[0];
    return { index, score: net.score(out as never, index), output: Array.from(out), stepHash: h };
  });
}

/** Exact equality of all results; on a mismatch, names the first differing sequence and its input. */
function sameResults(got: EngineModelOutput[], want: EngineModelOutput[], seqs: number[][][]): void {
  expect(got.length).to.equal(want.length);
  if (JSON.stringify(got) === JSON.stringify(want)) return;
  const s = got.findIndex((g, i) => JSON.stringify(g) !== JSON.stringify(want[i]));
  expect(got[s], `sequence ${s} (input ${JSON.stringify(seqs[s])})`).to.deep.equal(want[s]);
}

describe('bit-exact: bundled runtime + .ww on every engine = integer reference', function () {
  this.timeout(120_000);
  for (const c of cases()) {
    describe(c.name, () => {
      let ww: Uint8Array;
      let seqs: number[][][];
      let ref: EngineModelOutput[];
      before(() => {
        const calib = sequences(c.ir, `calib-${c.name}`, 200);
        const q = quantize(c.ir, calibrate(c.ir, calib, { quiet: true }), { hiddenBits: c.hiddenBits ?? 8 });
        const p = plan(q);
        ww = wwBytes(p);
        seqs = sequences(c.ir, `test-${c.name}`, N);
        ref = reference(p, seqs);
        // The reference must not be degenerate, or agreement would prove little.
        expect(new Set(ref.map((r) => r.index)).size, 'distinct argmax classes').to.be.greaterThan(1);
        expect(new Set(ref.map((r) => r.output.join(','))).size, 'distinct outputs').to.be.greaterThan(N / 10);
      });
      for (const engine of ENGINE_NAMES) {
        it(`${engine}: ${N} sequences identical`, async function () {
          if (!engineAvailable(engine)) {
            console.log(`      NOTE: ${engine} is not installed here; skipping (CI installs it via .ci/run)`);
            this.skip();
          }
          const run = await runModelOnEngine(engine, ww, seqs);
          expect(run.kernels).to.equal('ref');
          expect(run.results).to.have.length(N);
          sameResults(run.results, ref, seqs);
        });
      }
    });
  }

  // 300 sequences each: the Espruino kernel set (E.convolve / E.mapInPlace through the ES5
  // E shim) on the dense stacked model, and a heavily pruned copy (sparse mask+values
  // sections, rows that are entirely zero) with both kernel sets.
  const extra: { title: string; prune?: number; kernels: 'ref' | 'espruino' }[] = [
    { title: 'stacked GRU→LSTM, Espruino kernels through the E shim', kernels: 'espruino' },
    { title: 'stacked GRU→LSTM pruned 85% (sparse sections), ref kernels', prune: 0.85, kernels: 'ref' },
    { title: 'stacked GRU→LSTM pruned 85% (sparse sections), Espruino kernels', prune: 0.85, kernels: 'espruino' },
  ];
  for (const x of extra) {
    describe(x.title, () => {
      const base = cases()[6]; // stacked GRU→LSTM: both recurrent kernels, LUTs, dense head
      let ww: Uint8Array;
      let seqs: number[][][];
      let ref: EngineModelOutput[];
      before(() => {
        const ir = x.prune ? pruneMagnitude(base.ir, { sparsity: x.prune }) : base.ir;
        const q = quantize(ir, calibrate(ir, sequences(ir, 'calib-extra', 200), { quiet: true }));
        const p = plan(q);
        ww = wwBytes(p);
        seqs = sequences(ir, 'test-extra', 300);
        ref = reference(p, seqs);
        if (x.prune) {
          // The case must really exercise sparse sections and fully pruned rows.
          const dense = wwBytes(plan(q, { sparse: false }));
          expect(ww.length, 'sparse .ww is smaller').to.be.below(dense.length);
          const tags = (b: Uint8Array) => readWW(b.slice().buffer as ArrayBuffer).tags.join(',');
          expect(tags(ww), 'sparse sections').to.not.equal(tags(dense));
          let zeroRows = 0;
          for (const l of ir.layers) {
            if (l.kind === 'embedding') continue;
            const W = contiguous(l.W);
            const cols = l.W.shape[1];
            for (let r = 0; r < l.W.shape[0]; r++) if (W.subarray(r * cols, (r + 1) * cols).every((v) => v === 0)) zeroRows++;
          }
          expect(zeroRows, 'fully pruned input rows').to.be.greaterThan(0);
        }
      });
      for (const engine of ENGINE_NAMES) {
        it(`${engine}: ${x.kernels} kernels = reference`, async function () {
          if (!engineAvailable(engine)) {
            console.log(`      NOTE: ${engine} is not installed here; skipping (CI installs it via .ci/run)`);
            this.skip();
          }
          const run = await runModelOnEngine(engine, ww, seqs, { kernels: x.kernels });
          expect(run.kernels).to.equal(x.kernels);
          sameResults(run.results, ref, seqs);
        });
      }
    });
  }
});
