/**
 * The kernel sets agree bit for bit: the Espruino kernels (E.convolve / E.mapInPlace through
 * the shim written from Espruino's C source) against the reference kernels, on hundreds of
 * random layers per type with random integer parameters — full-range and extreme int8
 * weights, large biases, random multipliers and shifts, all-zero (fully pruned) rows — and
 * random, extreme and saturating inputs over several steps. Also the shim itself against the
 * examples in Espruino's documentation, and the fixed-point primitives.
 */
import { expect } from 'chai';
import { makeLut } from '../compiler/plan/lut';
import { clamp, divFloor, rq } from '../runtime/fixedpoint';
import { espruinoKernels } from '../runtime/kernels/espruino/index';
import { refKernels, type KernelSet } from '../runtime/kernels/ref/index';
import { hardSigmoidQ15, sigmoidQ15, tanhQ15 } from '../runtime/kernels/ref/lut';
import * as RT from '../runtime/layer';
import { EShim, installE } from '../simulator/shims/E';
import { rng, type Rng } from './helpers/random-model';

const LUTS = [makeLut(12, 3, 4), makeLut(12, 5, 5), makeLut(12, 2, 8)];

function ri(r: Rng, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

function int8(r: Rng, n: number, extreme: boolean): Int8Array {
  const a = new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = extreme ? (r() < 0.5 ? -127 : 127) : ri(r, -127, 127);
  return a;
}

interface Case { L: RT.Layer; kind: number }

function makeLayer(r: Rng, kind: number, ks: KernelSet, opts: { hb: 7 | 15; extreme: boolean; lut: RT.Lut }): RT.Layer {
  const units = ri(r, 1, 12);
  const inSize = kind === RT.KIND_EMBEDDING ? ri(r, 2, 10) : ri(r, 1, 10);
  const gates = kind === RT.KIND_GRU ? 3 : kind === RT.KIND_LSTM ? 4 : 1;
  const rows = gates * units;
  const recurrent = kind === RT.KIND_SIMPLE_RNN || kind === RT.KIND_GRU || kind === RT.KIND_LSTM;
  const W = int8(r, rows * inSize, opts.extreme);
  const R = recurrent ? int8(r, rows * units, opts.extreme) : null;
  // A fully pruned row now and then.
  if (r() < 0.3) { const z = ri(r, 0, rows - 1); W.fill(0, z * inSize, (z + 1) * inSize); if (R) R.fill(0, z * units, (z + 1) * units); }
  const big = r() < 0.3;
  const B = new Int32Array(rows).map(() => ri(r, big ? -2e9 : -30000, big ? 2e9 : 30000));
  const M = new Uint16Array(rows).map(() => ri(r, 0, 32767));
  const resetAfter = kind === RT.KIND_GRU && r() < 0.5;
  const relu = kind === RT.KIND_SIMPLE_RNN && r() < 0.3;
  const denseAct = kind === RT.KIND_DENSE ? ri(r, 0, 2) : 0;
  const final = r() < 0.5;
  const outType = kind === RT.KIND_DENSE ? (denseAct === RT.ACT_SIGMOID && final ? RT.OUT_INT32 : final ? RT.OUT_INT16 : RT.OUT_INT8) : opts.hb === 7 ? RT.OUT_INT8 : RT.OUT_INT16;
  const outHi = outType === RT.OUT_INT8 ? 127 : outType === RT.OUT_INT16 ? 32767 : 32768;
  const outLo = kind === RT.KIND_DENSE && denseAct !== RT.ACT_LINEAR ? 0 : relu ? 0 : outType === RT.OUT_INT8 ? -128 : -32768;
  const L: RT.Layer = {
    kind, index: 0, inSize, units, rows,
    act: kind === RT.KIND_DENSE ? denseAct : relu ? RT.ACT_RELU_RNN : RT.ACT_TANH,
    resetAfter, hard: r() < 0.3, returnSeq: false,
    M, shift: ri(r, 8, 30), pW: 2 ** ri(r, 0, 9), pR: 2 ** ri(r, 0, 3), hb: relu ? 0 : opts.hb,
    outLo, outHi, outType,
    W, R, B, B2: resetAfter ? new Int32Array(units).map(() => ri(r, -30000, 30000)) : null,
    h0: null, c0: null,
    table: kind === RT.KIND_EMBEDDING ? int8(r, inSize * units, opts.extreme) : null,
    lut: opts.lut,
    aw: new Float64Array(rows), ar: new Float64Array(rows), pre: new Float64Array(rows), g: new Float64Array(rows),
    rh: kind === RT.KIND_GRU && !resetAfter ? (opts.hb === 7 ? new Int8Array(units) : new Int16Array(units)) : null,
    ext: null,
  };
  ks.prepare(L);
  return L;
}

function copyLayer(L: RT.Layer, ks: KernelSet): RT.Layer {
  const C: RT.Layer = { ...L, aw: new Float64Array(L.rows), ar: new Float64Array(L.rows), pre: new Float64Array(L.rows), g: new Float64Array(L.rows), rh: L.rh ? (L.rh instanceof Int8Array ? new Int8Array(L.units) : new Int16Array(L.units)) : null, ext: null };
  ks.prepare(C);
  return C;
}

function input(r: Rng, n: number, wide: boolean, extreme: boolean): Int8Array | Int16Array {
  const lim = wide ? 32767 : 127;
  const a = wide ? new Int16Array(n) : new Int8Array(n);
  for (let i = 0; i < n; i++) a[i] = extreme ? (r() < 0.5 ? -lim - 1 : lim) : ri(r, -lim - 1, lim);
  return a;
}

function runCase(seed: number, kind: number) {
  const r = rng(`kernel-${kind}-${seed}`);
  const hb = r() < 0.5 ? 7 : 15;
  const extreme = seed % 4 === 0;
  const L1 = makeLayer(r, kind, refKernels, { hb, extreme, lut: LUTS[seed % LUTS.length] });
  const L2 = copyLayer(L1, espruinoKernels);
  const wideIn = r() < 0.3;
  const stateWide = hb === 15 && L1.act !== RT.ACT_RELU_RNN ? true : L1.outType === RT.OUT_INT16;
  const mkState = () => (stateWide ? new Int16Array(L1.units) : new Int8Array(L1.units));
  const h1 = mkState(), h2 = mkState();
  const c1 = new Int32Array(L1.units), c2 = new Int32Array(L1.units);
  const steps = ri(r, 1, 6);
  for (let t = 0; t < steps; t++) {
    const x = input(r, L1.inSize, wideIn, extreme || r() < 0.1);
    if (kind === RT.KIND_DENSE) {
      const o1 = new Int32Array(L1.units), o2 = new Int32Array(L1.units);
      refKernels.dense(L1, x, o1);
      espruinoKernels.dense(L2, x, o2);
      expect(Array.from(o2), `dense case ${seed}`).to.deep.equal(Array.from(o1));
    } else if (kind === RT.KIND_EMBEDDING) {
      const id = ri(r, 0, L1.inSize - 1);
      const o1 = new Int8Array(L1.units), o2 = new Int8Array(L1.units);
      refKernels.embedding(L1, id, o1);
      espruinoKernels.embedding(L2, id, o2);
      expect(Array.from(o2)).to.deep.equal(Array.from(o1));
      expect(Array.from(o1)).to.deep.equal(Array.from(L1.table!.subarray(id * L1.units, (id + 1) * L1.units)));
    } else if (kind === RT.KIND_SIMPLE_RNN) {
      refKernels.simpleRnn(L1, x, h1);
      espruinoKernels.simpleRnn(L2, x, h2);
    } else if (kind === RT.KIND_GRU) {
      refKernels.gru(L1, x, h1);
      espruinoKernels.gru(L2, x, h2);
    } else {
      refKernels.lstm(L1, x, h1, c1);
      espruinoKernels.lstm(L2, x, h2, c2);
      expect(Array.from(c2), `lstm cell case ${seed} step ${t}`).to.deep.equal(Array.from(c1));
    }
    expect(Array.from(h2), `case ${seed} step ${t}`).to.deep.equal(Array.from(h1));
    for (const v of h1) expect(Number.isInteger(v)).to.equal(true);
  }
  // Scratch holds integers only: nothing fractional ever appeared.
  for (const v of L1.pre) expect(Number.isInteger(v)).to.equal(true);
  for (const v of L1.g) expect(Number.isInteger(v)).to.equal(true);
}

describe('kernels: Espruino set vs reference, bit-exact', function () {
  let uninstall: () => void;
  before(() => { uninstall = installE(); });
  after(() => uninstall());

  const kinds: [string, number][] = [['Dense', RT.KIND_DENSE], ['Embedding', RT.KIND_EMBEDDING], ['SimpleRNN', RT.KIND_SIMPLE_RNN], ['GRU', RT.KIND_GRU], ['LSTM', RT.KIND_LSTM]];
  for (const [name, kind] of kinds) {
    it(`${name}: 300 random layers (a quarter with extreme weights and inputs)`, () => {
      for (let seed = 0; seed < 300; seed++) runCase(seed, kind);
    });
  }

  it('argmax / topk / softmax score agree and behave', () => {
    const r = rng('score');
    for (let n = 0; n < 300; n++) {
      const k = ri(r, 1, 10);
      const v = new Int32Array(k).map(() => ri(r, -32767, 32767));
      if (n % 5 === 0) v.fill(v[0]);
      const a = refKernels.argmax(v, k);
      expect(espruinoKernels.argmax(v, k)).to.equal(a);
      expect(v[a]).to.equal(Math.max(...v));
      expect(v.indexOf(v[a])).to.equal(a);
      const top = refKernels.topk(v, k, 3);
      expect(top[0]).to.equal(a);
      for (let i = 1; i < top.length; i++) expect(v[top[i - 1]] >= v[top[i]]).to.equal(true);
      const lut = LUTS[n % LUTS.length];
      const s = refKernels.softmaxScore(lut, v, k, a, ri(r, 1, 32767), ri(r, 10, 20));
      expect(espruinoKernels.softmaxScore(lut, v, k, a, 1000, 14)).to.equal(refKernels.softmaxScore(lut, v, k, a, 1000, 14));
      expect(s).to.be.within(Math.floor(32768 / k) - 1, 32768);
    }
  });

  it('the softmax score approximates the float softmax of the logits', () => {
    const lut = LUTS[1];
    const v = new Int32Array([1000, 400, -200, 900]);
    // logit scale 1/1000: M / 2^s ~ (1/1000) * 2^12 = 4.096
    const s = refKernels.softmaxScore(lut, v, 4, 0, 4194, 10) / 32768;
    const e = [1, 0.4, -0.2, 0.9].map((x) => Math.exp(x));
    expect(s).to.be.closeTo(e[0] / e.reduce((a, b) => a + b), 2e-3);
  });
});

describe('fixed-point primitives', () => {
  it('rq rounds half up by floor, exactly, for negative and positive values', () => {
    expect(rq(5, 1, 1)).to.equal(3); // 2.5 -> 3
    expect(rq(-5, 1, 1)).to.equal(-2); // -2.5 -> -2 (never Math.round's -3 on Espruino)
    expect(rq(-7, 1, 2)).to.equal(-2); // -1.75 -> -2
    expect(rq(2 ** 40 + 3, 32767, 20)).to.equal(Math.floor(((2 ** 40 + 3) * 32767 + 2 ** 19) / 2 ** 20));
    expect(rq(7, 3, 0)).to.equal(21);
    const r = rng('rq');
    for (let i = 0; i < 2000; i++) {
      const v = ri(r, -(2 ** 30), 2 ** 30), m = ri(r, 0, 32767), s = ri(r, 1, 40);
      const exact = (BigInt(v) * BigInt(m) + (1n << BigInt(s - 1)));
      const d = 1n << BigInt(s);
      const fl = exact >= 0n ? exact / d : -((-exact + d - 1n) / d);
      expect(rq(v, m, s)).to.equal(Number(fl));
    }
  });
  it('divFloor is the exact floor division', () => {
    const r = rng('div');
    for (let i = 0; i < 2000; i++) {
      const a = ri(r, -(2 ** 40), 2 ** 40), b = ri(r, 1, 2 ** 20);
      const q = BigInt(a) / BigInt(b);
      const fl = BigInt(a) % BigInt(b) !== 0n && a < 0 ? q - 1n : q;
      expect(divFloor(a, b)).to.equal(Number(fl));
    }
    expect(clamp(5, 0, 3)).to.equal(3);
  });
  it('hard_sigmoid is TF.js clip(0.2x+0.5, 0, 1) rounded to Q0.15', () => {
    for (let v = -(2 ** 16); v <= 2 ** 16; v += 37) {
      const want = Math.min(32768, Math.max(0, Math.floor((0.2 * (v / 4096) + 0.5) * 32768 + 0.5 + 1e-9)));
      expect(hardSigmoidQ15(v, 12)).to.equal(want);
    }
  });
  it('table tanh/sigmoid are odd / complementary and monotonic', () => {
    const lut = LUTS[0];
    let prev = -Infinity;
    for (let v = -70000; v <= 70000; v += 13) {
      const t = tanhQ15(lut, v, lut.k);
      expect(tanhQ15(lut, -v, lut.k)).to.equal(-t);
      expect(t >= prev).to.equal(true);
      prev = t;
      expect(sigmoidQ15(lut, v, lut.k) + sigmoidQ15(lut, -v, lut.k)).to.be.within(32767, 32769);
    }
  });
});

describe('E shim (from Espruino src/jswrap_espruino.c)', () => {
  it('E.convolve: sum a[i] * b[(i + offset) % b.length], negative offsets wrap, empty b throws', () => {
    expect(EShim.convolve([1, 2, 3], [4, 5, 6], 0)).to.equal(32);
    expect(EShim.convolve([1, 2, 3], [4, 5, 6], 1)).to.equal(1 * 5 + 2 * 6 + 3 * 4);
    expect(EShim.convolve([1, 2, 3], [4, 5, 6], -1)).to.equal(1 * 6 + 2 * 4 + 3 * 5);
    expect(EShim.convolve(new Int8Array([-128, 127]), new Int16Array([-32768, 32767]), 0)).to.equal(-128 * -32768 + 127 * 32767);
    expect(() => EShim.convolve([1], [], 0)).to.throw(/empty/);
  });
  it('E.mapInPlace: the documented examples, and uint8 indexing of an Int8Array source', () => {
    const a = new Uint8Array([0x12, 0x34, 0x56, 0x78]);
    let b: Uint8Array | Uint16Array = new Uint8Array(8);
    EShim.mapInPlace(a, b, undefined);
    expect(Array.from(b)).to.deep.equal([0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0]);
    b = new Uint8Array(8); EShim.mapInPlace(a, b, undefined, 4);
    expect(Array.from(b)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8]);
    b = new Uint8Array(8); EShim.mapInPlace(a, b, undefined, -4);
    expect(Array.from(b)).to.deep.equal([2, 1, 4, 3, 6, 5, 8, 7]);
    b = new Uint8Array(8); EShim.mapInPlace(a, b, (x: number) => x + 2, 4);
    expect(Array.from(b)).to.deep.equal([3, 4, 5, 6, 7, 8, 9, 10]);
    b = new Uint16Array(4); EShim.mapInPlace(a, b, undefined, 12);
    expect(Array.from(b)).to.deep.equal([0x123, 0x456, 0x780, 0]);
    b = new Uint16Array(4); EShim.mapInPlace(a, b, undefined, -12);
    expect(Array.from(b)).to.deep.equal([0x412, 0x563, 0x078, 0]);
    const c = new Uint8Array(8);
    EShim.mapInPlace(new Uint8Array([5, 6, 7, 8, 9, 10, 11, 12]), c, (x: number) => x, 1);
    expect(Array.from(c)).to.deep.equal([0, 0, 0, 0, 0, 1, 0, 1]);
    const map = new Int16Array(256).map((_, i) => i - 1000);
    const t = new Int16Array(4);
    EShim.mapInPlace(new Int8Array([-1, 5, -128, 127]), t, map);
    expect(Array.from(t)).to.deep.equal([255 - 1000, 5 - 1000, 128 - 1000, 127 - 1000]);
  });
  it('E.CRC32 is zlib crc32', () => {
    expect(EShim.CRC32(new TextEncoder().encode('123456789'))).to.equal(0xcbf43926);
  });
});
