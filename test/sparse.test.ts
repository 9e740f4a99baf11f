/**
 * Sparse weight encodings (issue 6): the CSR kernels (ref and Espruino) are bit-exact with
 * the dense kernels on the same pruned weights — random matrices with empty rows and fully
 * pruned matrices, whole random pruned models of every recurrent kind streamed through
 * net.ts — the CSR-encoded pruned gesture model gives the integer reference's outputs on
 * Node, QuickJS and Duktape through the bundled runtime, malformed CSR sections are refused
 * at load, and the cost model chooses per board feature set (Espruino: dense at 70 %,
 * JerryScript: CSR) and honours a forced choice.
 */
import { expect } from 'chai';
import path from 'node:path';
import { getBoard } from '../boards/index';
import { loadExample } from '../compiler/example';
import { loadModel } from '../compiler/import/index';
import type { ModelIR } from '../compiler/ir/types';
import { chooseEncoding, encodedBytes, type MatrixChoice } from '../compiler/plan/encoding';
import { planModel } from '../compiler/plan/planModel';
import type { Plan } from '../compiler/plan/types';
import { serialize } from '../compiler/emit/serialize';
import { writeWW } from '../compiler/emit/wwfile';
import { int8Net, wwBytes } from '../compiler/reference/int8';
import { espruinoKernels } from '../runtime/kernels/espruino/index';
import { espruinoOps } from '../runtime/kernels/espruino/ops';
import { refKernels } from '../runtime/kernels/ref/index';
import { refOps } from '../runtime/kernels/ref/ops';
import * as RT from '../runtime/layer';
import { readWW } from '../runtime/model';
import { load } from '../runtime/net';
import { installE } from '../simulator/shims/E';
import { ENGINE_NAMES, engineAvailable } from '../simulator/engines/index';
import { runModelOnEngine, stepHash } from '../simulator/engines/run-model';
import { csrSections } from '../compiler/emit/serialize';
import { buildReport, reportText } from '../compiler/commands/report';
import { planRandom, randomModel, randomSequences, rng, type Rng } from './helpers/random-model';

const ri = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** A random int8 matrix with the given share of zeros, some empty rows, sometimes all zero. */
function prunedMatrix(r: Rng, rows: number, cols: number): Int8Array {
  const M = new Int8Array(rows * cols);
  const mode = r();
  if (mode < 0.1) return M; // fully pruned
  const sp = mode < 0.3 ? 0.97 : r();
  for (let i = 0; i < M.length; i++) if (r() >= sp) M[i] = r() < 0.1 ? (r() < 0.5 ? -127 : 127) : ri(r, -127, 127) || 1;
  for (let z = 0; z < rows; z++) if (r() < 0.2) M.fill(0, z * cols, (z + 1) * cols);
  return M;
}

/** Streams sequences through a net; every step's output folded into a hash, plus the final outputs. */
function stream(net: ReturnType<typeof int8Net>, seqs: number[][][]): { h: number; last: number[][] } {
  const st = net.state();
  let h = 7;
  const last: number[][] = [];
  for (const s of seqs) {
    net.reset(st);
    let out: ArrayLike<number> = [];
    for (const f of s) { out = net.step(st, f); h = stepHash(h, out); }
    last.push(Array.from(out));
  }
  return { h, last };
}

/** Plans `ir` with every weight matrix forced to `enc` (calibration shared, so only storage differs). */
function planAs(ir: ModelIR, enc: 'dense' | 'csr' | 'bitmask', calib: number[][][]): Plan {
  return planRandom(ir, { calib, sparse: enc });
}

function prune(ir: ModelIR, r: Rng): ModelIR {
  for (const l of ir.layers) {
    if (l.kind === 'embedding') continue;
    for (const t of l.kind === 'dense' ? [l.W] : [l.W, l.R]) {
      const [rows, cols] = t.shape;
      const M = prunedMatrix(r, rows, cols);
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (M[i * cols + j] === 0) t.set(i, j, 0);
    }
  }
  return ir;
}

describe('sparse encodings: CSR kernels', function () {
  this.timeout(60_000);
  let uninstall: () => void;
  before(() => { uninstall = installE(); });
  after(() => uninstall());

  it('matvec on CSR = matvec on dense rows, ref and Espruino, 500 random pruned matrices (empty rows, fully pruned)', () => {
    const r = rng('csr-matvec');
    for (let n = 0; n < 500; n++) {
      const rows = ri(r, 1, 40), cols = ri(r, 1, n % 10 === 0 ? 300 : 40);
      const M = prunedMatrix(r, rows, cols);
      const wide = r() < 0.4;
      const x = wide ? new Int16Array(cols).map(() => ri(r, -32768, 32767)) : new Int8Array(cols).map(() => ri(r, -128, 127));
      const s = csrSections(M, rows, cols);
      if (cols > 256) expect(s.c).to.be.instanceOf(Uint16Array);
      const base = { inSize: cols, units: cols, rows, R: null } as unknown as RT.Layer;
      const Ld = { ...base, W: M } as RT.Layer;
      const Lc = { ...base, W: new Int8Array(0), Wc: { v: s.v, c: s.c, p: s.p } } as RT.Layer;
      const Le = { ...Lc } as RT.Layer;
      const Led = { ...Ld } as RT.Layer;
      espruinoOps.prepare(Le);
      espruinoOps.prepare(Led);
      // A sub-range of rows too, as the GRU kernel asks for.
      const r0 = ri(r, 0, rows - 1), k = ri(r, 1, rows - r0);
      for (const [a, b] of [[0, rows], [r0, k]]) {
        const want = new Float64Array(b), got = [new Float64Array(b), new Float64Array(b), new Float64Array(b)];
        refOps.matvec(Ld, 0, x, a, b, want, 0);
        refOps.matvec(Lc, 0, x, a, b, got[0], 0);
        espruinoOps.matvec(Le, 0, x, a, b, got[1], 0);
        espruinoOps.matvec(Led, 0, x, a, b, got[2], 0);
        for (const g of got) expect(Array.from(g), `matrix ${n} rows ${a}+${b}`).to.deep.equal(Array.from(want));
      }
    }
  });

  const specs: { name: string; spec: Parameters<typeof randomModel>[1] }[] = [
    { name: 'GRU reset_after', spec: { kind: 'gru', units: 12, resetAfter: true } },
    { name: 'GRU reset_before, int16 input', spec: { kind: 'gru', units: 10, resetAfter: false, deviceType: 'int16' } },
    { name: 'LSTM stacked', spec: { kind: 'lstm', units: 8, stacked: true } },
    { name: 'SimpleRNN relu + relu/softmax head', spec: { kind: 'simple_rnn', units: 9, activation: 'relu', head: 'relu+softmax' } },
    { name: 'Embedding + GRU', spec: { kind: 'gru', units: 8, embedding: { vocab: 12, dim: 5 } } },
  ];
  for (const { name, spec } of specs) {
    it(`${name}: pruned model in CSR / bitmask / dense, ref and Espruino kernels, identical at every step`, () => {
      for (let seed = 0; seed < 4; seed++) {
        const r = rng(`csr-model-${name}-${seed}`);
        const ir = prune(randomModel(`csr-${name}-${seed}`, spec), r);
        const calib = randomSequences(ir, 'calib', 30);
        const seqs = randomSequences(ir, `seq-${seed}`, 30, 1, 12, seed === 3);
        const dense = planAs(ir, 'dense', calib);
        const want = stream(int8Net(dense), seqs);
        for (const enc of ['csr', 'bitmask'] as const) {
          const p = planAs(ir, enc, calib);
          for (const ks of [refKernels, espruinoKernels]) {
            const net = int8Net(p, ks);
            if (enc === 'csr') expect(net.layers.filter((L) => L.Wc).length, 'layers computing on CSR').to.be.greaterThan(0);
            expect(stream(net, seqs), `${enc} with ${ks.name} kernels, seed ${seed}`).to.deep.equal(want);
          }
        }
      }
    });
  }

  it('malformed CSR sections are refused at load with a clear message', () => {
    const ir = randomModel('csr-bad', { kind: 'gru', units: 6 });
    const p = planAs(ir, 'csr', randomSequences(ir, 'calib', 20));
    const tag = RT.TAG_LAYER_BASE + RT.T_R_COLS;
    const loadWith = (edit: (s: ReturnType<typeof serialize>) => void) => {
      const s = serialize(p);
      edit(s);
      const f = writeWW(s.sections, s.strings);
      return () => load(readWW(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) as ArrayBuffer), refKernels);
    };
    expect(loadWith(() => {})).to.not.throw();
    expect(loadWith((s) => { const c = s.sections.find((x) => x.tag === tag)!; c.data = c.data.slice(); c.data[0] = 6; })).to.throw(Error, /layer 0 R: column 6 is outside 0\.\.5/);
    expect(loadWith((s) => { const c = s.sections.find((x) => x.tag === tag)!; c.data = c.data.slice(1); })).to.throw(Error, /row pointers or column indices do not match/);
  });
});

describe('sparse encodings: the pruned gesture model', function () {
  this.timeout(120_000);
  let ir: ModelIR;
  let calib: number[][][];
  let seqs: number[][][];
  before(async () => {
    const ex = await loadExample('gestures');
    ir = await loadModel(path.resolve('examples/gestures/model-pruned'));
    calib = (await ex.calibration()) as number[][][];
    seqs = ((await ex.testSet()).sequences as number[][][]).slice(0, 60);
  });

  it('CSR-encoded: bit-exact with the dense integer reference on Node, QuickJS and Duktape (both kernel sets)', async function () {
    const dense = planModel(ir, calib, { quiet: true, sparse: 'dense' });
    const csr = planModel(ir, calib, { quiet: true, sparse: 'csr' });
    const ww = wwBytes(csr);
    const flags = readWW(ww.slice().buffer as ArrayBuffer);
    expect(flags.has(RT.TAG_LAYER_BASE + RT.T_R_PTR), 'CSR sections present').to.equal(true);
    const ref = int8Net(dense);
    const st = ref.state();
    const want = seqs.map((s) => {
      ref.reset(st);
      let out: ArrayLike<number> = [];
      let h = 7;
      for (const f of s) { out = ref.step(st, f); h = stepHash(h, out); }
      const index = ref.topk(out as never, 1)[0];
      return { index, score: ref.score(out as never, index), output: Array.from(out), stepHash: h };
    });
    expect(new Set(want.map((w) => w.index)).size).to.be.greaterThan(3);
    for (const engine of ENGINE_NAMES) {
      if (!engineAvailable(engine)) { console.log(`      NOTE: ${engine} not installed; skipped`); continue; }
      for (const kernels of ['ref', 'espruino'] as const) {
        const run = await runModelOnEngine(engine, ww, seqs, { kernels });
        expect(run.kernels).to.equal(kernels);
        expect(JSON.stringify(run.results), `${engine} ${kernels}`).to.equal(JSON.stringify(want));
      }
    }
  });

  it('cost model: Espruino boards keep dense rows at 70 %, JerryScript computes on CSR; a forced choice is honoured', () => {
    const choices = (board: string | null, sparse?: 'dense' | 'csr' | 'bitmask' | 'smallest') => {
      const b = board ? getBoard(board) : undefined;
      const p = planModel(ir, calib, { quiet: true, features: b?.features, engine: b?.engine, sparse });
      return p.layers.flatMap((l) => (l.enc ? [l.enc.W, ...(l.enc.R ? [l.enc.R] : [])] : [])) as MatrixChoice[];
    };
    const R = (cs: MatrixChoice[]) => cs.find((c) => c.matrix === 'R')!;
    for (const b of ['BANGLEJS2', 'PUCKJS']) {
      const cs = choices(b);
      expect(R(cs).sparsity).to.be.within(0.6, 0.8);
      expect(cs.map((c) => c.encoding), b).to.deep.equal(['dense', 'dense', 'dense']);
      expect(R(cs).ms.dense).to.be.below(R(cs).ms.csr);
      expect(R(cs).why).to.match(/E\.convolve/);
    }
    const j = choices('JERRYSCRIPT');
    expect(R(j).encoding).to.equal('csr');
    expect(R(j).ms.csr).to.be.below(R(j).ms.dense);
    expect(R(j).why).to.match(/reference kernels/);
    expect(choices('JERRYSCRIPT', 'dense').map((c) => c.encoding)).to.deep.equal(['dense', 'dense', 'dense']);
    expect(choices('BANGLEJS2', 'csr').map((c) => c.encoding)).to.deep.equal(['csr', 'csr', 'csr']);
    expect(choices('BANGLEJS2', 'bitmask').every((c) => c.encoding === 'bitmask' && /forced/.test(c.why))).to.equal(true);
    expect(R(choices(null, 'smallest')).encoding).to.equal('bitmask');
  });

  it('watchword report: per matrix sparsity, bytes of each form, the form chosen and why', async () => {
    const r = await buildReport('examples/gestures/model-pruned', { board: 'JERRYSCRIPT', quiet: true });
    const R = r.layers[0].matrices.find((m) => m.matrix === 'R')!;
    expect(R.encoding).to.equal('csr');
    expect(R.sparsity).to.be.within(0.6, 0.8);
    expect(R.bytes).to.equal(R.csrBytes);
    expect(R.bitmaskBytes).to.be.below(R.csrBytes);
    expect(R.csrBytes).to.be.below(R.denseBytes);
    expect(r.encodings.board).to.equal('JERRYSCRIPT');
    expect(reportText(r)).to.match(/R 72x24: \d+\.\d % zeros .* csr \d+ bytes \(dense \d+, CSR \d+, bitmask \d+\): reference kernels/);
    const forced = await buildReport('examples/gestures/model-pruned', { board: 'BANGLEJS2', sparse: 'bitmask', quiet: true });
    expect(forced.layers[0].ramBytes).to.equal(72 * 3 + 72 * 24);
    expect(forced.bytes).to.be.below(r.bytes);
  });

  it('cost model on synthetic matrices: dense stays dense, an all-zero matrix is CSR on the reference kernels', () => {
    const jerry = { mode: 'auto' as const, engine: 'jerryscript' as const };
    const full = new Int8Array(64 * 32).fill(3);
    expect(chooseEncoding(full, 64, 32, 'W', jerry).encoding).to.equal('dense');
    const empty = new Int8Array(64 * 32);
    const c = chooseEncoding(empty, 64, 32, 'W', jerry);
    expect(c.encoding).to.equal('csr');
    expect(c.zeroRows).to.equal(64);
    expect(c.bytes.csr).to.equal(encodedBytes(64, 32, 0).csr);
    // Espruino kernels: the bitmask is never faster than dense and costs RAM, so auto never picks it.
    const esp = { mode: 'auto' as const, features: getBoard('BANGLEJS2').features, engine: 'espruino' as const };
    expect(chooseEncoding(empty, 64, 32, 'W', esp).encoding).to.not.equal('bitmask');
  });
});
