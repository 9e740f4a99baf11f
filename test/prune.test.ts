/**
 * Pruning passes on IR objects: magnitude pruning (θ rule, exact target sparsity, scopes,
 * input untouched) and structured pruning (consistent shrinking, exactness on dead units).
 * The TF.js parts (fine-tuning with masks, distillation) run tiny models only.
 */
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { tensor, contiguous } from '../compiler/ir/tensor';
import type { Layer, ModelIR, RecurrentLayer } from '../compiler/ir/types';
import { verify } from '../compiler/ir/verify';
import { pruneMagnitude, pruneMagnitudeReport } from '../compiler/compress/prune';
import { pruneUnits, unitImportance } from '../compiler/compress/prune-structured';
import { sparsity } from '../compiler/compress/sparsity';
import { parsePruneSpec, pruneModel } from '../compiler/compress/prune-model';
import { runFloat } from '../compiler/reference/float';
import { WatchwordError } from '../compiler/errors';

type Kind = 'gru' | 'lstm' | 'simple_rnn';
const G = { gru: 3, lstm: 4, simple_rnn: 1 };

function rand(rng: () => number, n: number, s = 0.5): Float32Array {
  return Float32Array.from({ length: n }, () => (rng() * 2 - 1) * s);
}

function rec(rng: () => number, kind: Kind, name: string, inputSize: number, units: number, returnSequences: boolean): RecurrentLayer {
  const g = G[kind] * units;
  const base = {
    name, units, inputSize, returnSequences,
    W: tensor(rand(rng, g * inputSize), [g, inputSize]),
    R: tensor(rand(rng, g * units), [g, units]),
    bW: tensor(rand(rng, g, 0.1), [g]),
    bR: tensor(rand(rng, g, 0.1), [g]),
  };
  if (kind === 'gru') return { ...base, kind, recurrentActivation: 'sigmoid', resetAfter: true };
  if (kind === 'lstm') return { ...base, kind, recurrentActivation: 'hard_sigmoid' };
  return { ...base, kind, activation: 'tanh' };
}

/** features -> rec(u1, seq) -> rec(u2) -> dense(classes, softmax) */
function makeModel(seed: string, kinds: [Kind, Kind] = ['gru', 'lstm'], u1 = 6, u2 = 5, classes = 3): ModelIR {
  const rng = seedrandom(seed);
  const layers: Layer[] = [
    rec(rng, kinds[0], 'rnn1', 3, u1, true),
    rec(rng, kinds[1], 'rnn2', u1, u2, false),
    { kind: 'dense', name: 'out', inputSize: u2, units: classes, W: tensor(rand(rng, classes * u2), [classes, u2]), b: tensor(rand(rng, classes, 0.1), [classes]), activation: 'softmax' },
  ];
  return verify({
    name: 'test', input: { features: 3, deviceType: 'int8', scale: 1 / 64, unit: 'g' },
    layers, labels: Array.from({ length: classes }, (_, i) => `c${i}`), source: { format: 'ir', file: 'test.ir' },
  });
}

function snapshot(ir: ModelIR): number[][] {
  const out: number[][] = [];
  for (const l of ir.layers) for (const v of Object.values(l)) if (v && typeof v === 'object' && 'shape' in v) out.push(Array.from(contiguous(v as never)));
  return out;
}

function sequences(seed: string, n: number, len: number): number[][][] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: len }, () => [0, 1, 2].map(() => Math.round((rng() * 2 - 1) * 100))));
}

describe('magnitude pruning', () => {
  it('zeroes exactly the weights with |w| < θ, never biases', () => {
    const ir = makeModel('a');
    const theta = 0.2;
    const p = pruneMagnitude(ir, { theta });
    ir.layers.forEach((l, i) => {
      const q = p.layers[i] as unknown as Record<string, unknown>;
      for (const key of ['W', 'R']) {
        if (!(key in l)) continue;
        const a = contiguous((l as never)[key]), b = contiguous(q[key] as never);
        for (let k = 0; k < a.length; k++) expect(b[k]).to.equal(Math.abs(a[k]) < theta ? 0 : a[k]);
      }
      for (const key of ['bW', 'bR', 'b']) {
        if (key in l) expect(Array.from(contiguous(q[key] as never))).to.deep.equal(Array.from(contiguous((l as never)[key])));
      }
    });
  });

  it('meets a global target sparsity exactly and leaves the input untouched', () => {
    const ir = makeModel('b');
    const before = snapshot(ir);
    for (const s of [0, 0.3, 0.7, 0.9]) {
      const p = pruneMagnitude(ir, { sparsity: s });
      const rep = sparsity(p);
      expect(rep.zeros).to.equal(Math.round(s * rep.weights));
    }
    expect(snapshot(ir)).to.deep.equal(before);
    expect(sparsity(ir).zeros).to.equal(0);
  });

  it('per-layer and per-tensor scopes put every pool at the target; θ separates pruned from kept', () => {
    const ir = makeModel('c');
    const layerRep = sparsity(pruneMagnitude(ir, { sparsity: 0.6, scope: 'layer' }));
    for (const l of layerRep.layers) expect(l.zeros).to.equal(Math.round(0.6 * l.weights));
    const { ir: p, tensors } = pruneMagnitudeReport(ir, { sparsity: 0.6, scope: 'tensor' });
    for (const t of sparsity(p).tensors) expect(t.zeros).to.equal(Math.round(0.6 * t.size));
    for (const t of tensors) {
      const orig = contiguous((ir.layers.find((l) => l.name === t.layer) as never)[t.tensor]);
      const now = contiguous((p.layers.find((l) => l.name === t.layer) as never)[t.tensor]);
      for (let k = 0; k < orig.length; k++) {
        if (now[k] === 0) expect(Math.abs(orig[k])).to.be.at.most(t.theta);
        else expect(Math.abs(orig[k])).to.be.at.least(t.theta);
      }
    }
  });

  it('pruning a pruned model further only adds zeros', () => {
    const ir = makeModel('d');
    const a = pruneMagnitude(ir, { sparsity: 0.5 });
    const b = pruneMagnitude(a, { sparsity: 0.8 });
    const fa = snapshot(a), fb = snapshot(b);
    fa.forEach((t, i) => t.forEach((v, k) => { if (v === 0) expect(fb[i][k]).to.equal(0); }));
    expect(sparsity(b).zeros).to.equal(Math.round(0.8 * sparsity(b).weights));
  });

  it('per-layer θ and bad options give WatchwordErrors naming the problem', () => {
    const ir = makeModel('e');
    const p = pruneMagnitude(ir, { theta: { rnn2: 10 } });
    const rep = sparsity(p);
    expect(rep.layers.find((l) => l.layer === 'rnn2')!.sparsity).to.equal(1);
    expect(rep.layers.find((l) => l.layer === 'rnn1')!.zeros).to.equal(0);
    expect(() => pruneMagnitude(ir, { sparsity: 1.2 })).to.throw(WatchwordError, /sparsity.*1\.2/);
    expect(() => pruneMagnitude(ir, { theta: { nope: 0.1 } })).to.throw(WatchwordError, /'nope'/);
    expect(() => pruneMagnitude(ir, { theta: -1 })).to.throw(WatchwordError, /θ/);
    expect(() => pruneMagnitude(ir, {})).to.throw(WatchwordError, /exactly one/);
  });
});

describe('structured pruning', () => {
  for (const kinds of [['gru', 'lstm'], ['lstm', 'gru'], ['simple_rnn', 'gru']] as [Kind, Kind][]) {
    it(`${kinds.join(' -> ')}: removing provably dead units keeps the outputs identical`, () => {
      const ir = makeModel(`f-${kinds}`, kinds, 6, 5);
      // Kill units 1 and 4 of rnn1 and unit 2 of rnn2: zero outgoing weights (their column in
      // their own R, and in the next layer's W). Incoming weights stay, so they still compute.
      const dead = { rnn1: [1, 4], rnn2: [2] };
      const [r1, r2, d] = ir.layers as [RecurrentLayer, RecurrentLayer, Extract<Layer, { kind: 'dense' }>];
      for (const k of dead.rnn1) {
        for (let r = 0; r < r1.R.shape[0]; r++) r1.R.set(r, k, 0);
        for (let r = 0; r < r2.W.shape[0]; r++) r2.W.set(r, k, 0);
      }
      for (const k of dead.rnn2) {
        for (let r = 0; r < r2.R.shape[0]; r++) r2.R.set(r, k, 0);
        for (let r = 0; r < d.W.shape[0]; r++) d.W.set(r, k, 0);
      }
      expect(unitImportance(ir, 0).map((s) => s === 0)).to.deep.equal([false, true, false, false, true, false]);
      const before = snapshot(ir);
      const p = pruneUnits(ir, { dead: true });
      expect(snapshot(ir)).to.deep.equal(before);
      const [p1, p2, pd] = p.layers as [RecurrentLayer, RecurrentLayer, Extract<Layer, { kind: 'dense' }>];
      expect(p1.units).to.equal(4);
      expect(p1.W.shape).to.deep.equal([G[kinds[0]] * 4, 3]);
      expect(p1.R.shape).to.deep.equal([G[kinds[0]] * 4, 4]);
      expect(p2.inputSize).to.equal(4);
      expect(p2.units).to.equal(4);
      expect(p2.R.shape).to.deep.equal([G[kinds[1]] * 4, 4]);
      expect(pd.inputSize).to.equal(4);
      // Gate consistency: the kept rows are the same units in every gate block.
      const keep1 = [0, 2, 3, 5];
      for (let g = 0; g < G[kinds[0]]; g++) keep1.forEach((k, j) => {
        expect(p1.bW.get(g * 4 + j)).to.equal(r1.bW.get(g * 6 + k));
        expect(p1.R.get(g * 4 + j, 1)).to.equal(r1.R.get(g * 6 + k, 2));
      });
      for (const s of sequences('seq', 8, 12)) {
        const a = runFloat(ir, s), b = runFloat(p, s);
        for (let k = 0; k < a.length; k++) expect(b[k]).to.be.closeTo(a[k], 1e-12);
      }
    });
  }

  it('removes the lowest-importance units first; keep/remove count', () => {
    const ir = makeModel('g');
    const scores = unitImportance(ir, 0);
    const p = pruneUnits(ir, { keep: 3, layers: ['rnn1'] });
    expect((p.layers[0] as RecurrentLayer).units).to.equal(3);
    expect((p.layers[1] as RecurrentLayer).units).to.equal(5);
    const kept = [...scores.keys()].sort((a, b) => scores[b] - scores[a]).slice(0, 3).sort();
    const l0 = ir.layers[0] as RecurrentLayer, q0 = p.layers[0] as RecurrentLayer;
    kept.forEach((k, j) => expect(q0.W.get(j, 0)).to.equal(l0.W.get(k, 0)));
    const both = pruneUnits(ir, { remove: 2 });
    expect(both.layers.slice(0, 2).map((l) => (l as RecurrentLayer).units)).to.deep.equal([4, 3]);
    expect(() => pruneUnits(ir, { remove: 6, layers: ['rnn1'] })).to.throw(WatchwordError, /'rnn1' has 6 units/);
    expect(() => pruneUnits(ir, { remove: 1, layers: ['out'] })).to.throw(WatchwordError, /'out' cannot lose units/);
  });
});

describe('--prune values', () => {
  it('a bare number or percentage is a sparsity, theta=… a threshold; nonsense is named', () => {
    expect(parsePruneSpec('0.7')).to.deep.equal({ sparsity: 0.7 });
    expect(parsePruneSpec('70%')).to.deep.equal({ sparsity: 0.7 });
    expect(parsePruneSpec('0.05')).to.deep.equal({ sparsity: 0.05 });
    expect(parsePruneSpec('theta=0.05')).to.deep.equal({ theta: 0.05 });
    expect(parsePruneSpec('θ:0.1')).to.deep.equal({ theta: 0.1 });
    expect(() => parsePruneSpec('1.5')).to.throw(WatchwordError, /--prune 1\.5/);
    expect(() => parsePruneSpec('theta=')).to.throw(WatchwordError, /θ/);
    expect(() => parsePruneSpec('lots')).to.throw(WatchwordError, /sparsity in \[0, 1\)/);
  });
});

describe('pruneModel (the pruning stage of prune and build)', () => {
  it('removes units first, then meets the sparsity on the smaller model; no data needed without fine-tuning', async () => {
    const ir = makeModel('pm');
    const before = snapshot(ir);
    const r = await pruneModel(ir, { sparsity: 0.5, units: { remove: 2 } });
    expect(r.ir.layers.slice(0, 2).map((l) => (l as RecurrentLayer).units)).to.deep.equal([4, 3]);
    const rep = sparsity(r.ir);
    expect(rep.zeros).to.equal(Math.round(0.5 * rep.weights));
    expect(r.gradual).to.equal(false);
    expect(r.thresholds.length).to.equal(5);
    expect(snapshot(ir)).to.deep.equal(before);
    let err: unknown;
    try { await pruneModel(ir, { sparsity: 0.5, finetune: 2 }); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(WatchwordError);
    expect(String((err as Error).message)).to.match(/needs a data set/);
  });
});
