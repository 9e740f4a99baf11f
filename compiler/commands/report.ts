/**
 * `watchword report <model> [--data <src>]`: what the integer build of a model looks like —
 * per layer the shapes, input/output scales, weight row scales, requantization multipliers
 * and shift, accumulator exponents, the proven worst-case ranges and the bytes in the `.ww`;
 * the tanh table chosen and its measured error; the file size against float32 weights; and,
 * with a data set, the accuracy of the float reference against the integer reference on its
 * test split (calibrated on its training split); `--data` may also be a `watchword predict`
 * sequence file (calibrate on it; evaluate on it when it has targets). Without a data set, calibration uses random
 * sequences over the device's full input range (not possible for 'float' inputs).
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { readSequenceFile, targetIndex } from '../data/sequences';
import { WatchwordError } from '../errors';
import { loadModel } from '../import/index';
import type { ModelIR } from '../ir/types';
import { planModel } from '../plan/planModel';
import type { Plan, PlanLayer } from '../plan/types';
import { argmax, runFloat } from '../reference/float';
import { int8Net, wwBytes } from '../reference/int8';
import { serialize } from '../emit/serialize';
import { generatorNames, loadDatasetSource } from '../train/dataset-source';
import { progress } from '../progress';
import * as RT from '../../runtime/layer';
import { BOARD_IDS, getBoard } from '../../boards/index';
import { SPARSE_MODES, type Encoding, type SparseMode } from '../plan/encoding';

export interface ReportOptions {
  data?: string; hiddenBits?: 8 | 16; method?: 'max' | 'percentile'; percentile?: number; quiet?: boolean;
  /** Weight encodings (plan/encoding.ts), and the board whose features the cost model uses. */
  sparse?: SparseMode; board?: string;
}

/** One weight matrix's storage: sparsity, bytes in each form, the form chosen and why. */
export interface MatrixReport {
  matrix: 'W' | 'R'; shape: string; sparsity: number; nnz: number; zeroRows: number;
  encoding: Encoding; bytes: number; denseBytes: number; csrBytes: number; bitmaskBytes: number; why: string;
}

export interface Report {
  model: string;
  hiddenBits: number;
  calibration: string;
  lut: { entries: number; step: number; range: number; errTanh: number; errSigmoid: number; tolerance: number };
  layers: {
    name: string; kind: string; shape: string; inScale: number; outScale: number; rowScale: [number, number] | null;
    multiplier: [number, number] | null; shift: number; multErr: number; eW: number; eR: number;
    acc: number; product: number; elementwise: number; biasBits: number; bytes: number;
    /** Some weights stored sparse (CSR or bitmask); a bitmask is expanded into `ramBytes` of RAM at load. */
    sparse: boolean; ramBytes: number;
    matrices: MatrixReport[];
  }[];
  /** How the encodings were chosen: the mode and the board (features) of the cost model. */
  encodings: { mode: SparseMode; board: string };
  bytes: number;
  floatBytes: number;
  ratio: number;
  accuracy?: { float: number; int8: number; agreement: number; total: number };
}

function floatBytes(ir: ModelIR): number {
  let n = 0;
  for (const l of ir.layers) {
    if (l.kind === 'embedding') n += l.table.size;
    else if (l.kind === 'dense') n += l.W.size + l.b.size;
    else {
      n += l.W.size + l.R.size + l.bW.size;
      // A zero recurrent bias is how a single-bias source is represented: not stored.
      let any = false;
      for (let i = 0; i < l.bR.size; i++) if (l.bR.get(i) !== 0) any = true;
      if (any) n += l.bR.size;
    }
  }
  return 4 * n;
}

function layerBytes(p: Plan, i: number): number {
  const base = RT.TAG_LAYER_BASE + 16 * i;
  return serialize(p).sections.filter((s) => s.tag >= base && s.tag < base + 16).reduce((a, s) => a + s.data.byteLength, 0);
}

export function matrixReports(l: PlanLayer): MatrixReport[] {
  const cs = l.enc ? [l.enc.W, ...(l.enc.R ? [l.enc.R] : [])] : [];
  return cs.map((c) => ({
    matrix: c.matrix, shape: `${c.rows}x${c.cols}`, sparsity: c.sparsity, nnz: c.nnz, zeroRows: c.zeroRows, encoding: c.encoding,
    bytes: c.bytes[c.encoding], denseBytes: c.bytes.dense, csrBytes: c.bytes.csr, bitmaskBytes: c.bytes.bitmask, why: c.why,
  }));
}

function sparseInfo(p: Plan, i: number): { sparse: boolean; ramBytes: number; matrices: MatrixReport[] } {
  const l = p.layers[i];
  const cs = l.enc ? [l.enc.W, ...(l.enc.R ? [l.enc.R] : [])] : [];
  return {
    sparse: cs.some((c) => c.encoding !== 'dense'),
    ramBytes: cs.reduce((a, c) => a + (c.encoding === 'bitmask' ? c.size : 0), 0),
    matrices: matrixReports(l),
  };
}

function range(a: ArrayLike<number> | undefined): [number, number] | null {
  if (!a || a.length === 0) return null;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < a.length; i++) { lo = Math.min(lo, a[i]); hi = Math.max(hi, a[i]); }
  return [lo, hi];
}

export async function buildReport(file: string, o: ReportOptions): Promise<Report> {
  const ir = await loadModel(file);
  let calib: number[][][];
  let test: { label: number; frames: number[][] }[] | undefined;
  let calibration: string;
  if (o.data && isSequenceFile(o.data)) {
    // A `watchword predict` input file: calibrate on its sequences, and evaluate on them too
    // when it has targets.
    const sf = readSequenceFile(o.data, ir.input.features);
    calib = sf.sequences;
    if (sf.targets) test = sf.sequences.map((frames, i) => ({ label: targetIndex(sf.targets![i], ir.labels), frames }));
    calibration = `${o.method ?? 'max'} over the ${calib.length} sequences of ${o.data}`;
  } else if (o.data) {
    const ds = await loadDatasetSource(generatorNames().includes(o.data) ? { generator: o.data } : { file: o.data }, '--data');
    if (ds.labels.length !== ir.labels.length) throw new WatchwordError(`--data ${o.data}: ${ds.labels.length} labels, the model has ${ir.labels.length} outputs`);
    calib = ds.splits.train.map((e) => e.frames);
    test = ds.splits.test;
    calibration = `${o.method ?? 'max'} over the ${calib.length} training sequences of ${o.data}`;
  } else {
    if (ir.input.deviceType === 'float') throw new WatchwordError(`${file}: the model takes 'float' input; give --data to calibrate its scale`);
    calib = randomDeviceSequences(ir, 64);
    calibration = `${o.method ?? 'max'} over 64 random sequences spanning the device input range (no --data)`;
  }
  const board = o.board ? getBoard(o.board) : undefined;
  const p = planModel(ir, calib, {
    hiddenBits: o.hiddenBits, method: o.method, percentile: o.percentile, quiet: o.quiet,
    sparse: o.sparse, features: board?.features, engine: board?.engine,
  });
  const bytes = wwBytes(p).length;
  const fb = floatBytes(ir);
  const rep: Report = {
    model: ir.name,
    hiddenBits: p.hiddenBits,
    calibration,
    lut: { entries: p.lut.lut.N + 1, step: p.lut.step, range: p.lut.range, errTanh: p.lut.errTanh, errSigmoid: p.lut.errSigmoid, tolerance: p.lut.tolerance },
    layers: p.layers.map((l: PlanLayer, i) => ({
      name: l.name, kind: l.kind, shape: `${l.inSize} -> ${l.units}`, inScale: l.inScale, outScale: l.outScale,
      rowScale: range(l.rowScale), multiplier: range(l.M), shift: l.shift, multErr: l.multErr, eW: l.eW, eR: l.eR,
      acc: l.bounds!.acc, product: l.bounds!.product, elementwise: l.bounds!.elementwise, biasBits: l.bounds!.biasBits,
      bytes: layerBytes(p, i),
      ...sparseInfo(p, i),
    })),
    encodings: { mode: p.sparse, board: board ? board.id : 'none (reference kernels, relative costs)' },
    bytes, floatBytes: fb, ratio: bytes / fb,
  };
  if (test) {
    const net = int8Net(p);
    let f = 0, q = 0, agree = 0;
    const bar = progress('evaluate', test.length, { quiet: o.quiet });
    test.forEach((e, n) => {
      const fi = argmax(runFloat(ir, e.frames));
      const qi = net.classify(e.frames).index;
      if (fi === e.label) f++;
      if (qi === e.label) q++;
      if (fi === qi) agree++;
      bar.update(n + 1);
    });
    bar.stop();
    rep.accuracy = { float: f / test.length, int8: q / test.length, agreement: agree / test.length, total: test.length };
  }
  return rep;
}

function isSequenceFile(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  try {
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    return !!j && typeof j === 'object' && Array.isArray(j.sequences);
  } catch {
    return false;
  }
}

function randomDeviceSequences(ir: ModelIR, n: number): number[][][] {
  let s = 12345;
  const rnd = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  const first = ir.layers[0];
  const lim = ir.input.deviceType === 'int16' ? 32767 : 127;
  const len = ir.input.maxSteps ?? 30;
  return Array.from({ length: n }, () => Array.from({ length: len }, () => Array.from({ length: ir.input.features }, () =>
    ir.input.deviceType === 'token' ? Math.floor(rnd() * (first.kind === 'embedding' ? first.vocab : 1)) : Math.round((rnd() * 2 - 1) * lim))));
}

const e = (v: number) => (v === 0 ? '0' : v.toExponential(3));

export function reportText(r: Report): string {
  const out: string[] = [];
  out.push(`model ${JSON.stringify(r.model)}: int8 weights, hidden state int${r.hiddenBits}, gate pre-activations Q3.12`);
  out.push(`calibration: ${r.calibration}`);
  out.push(`weight encodings: ${r.encodings.mode}, cost model for board ${r.encodings.board}`);
  out.push(`tanh table: ${r.lut.entries} int16 entries, step ${r.lut.step}, range [0, ${r.lut.range}), linear interpolation; measured max error tanh ${e(r.lut.errTanh)}, sigmoid ${e(r.lut.errSigmoid)} (tolerance ${e(r.lut.tolerance)})`);
  out.push('');
  for (const [i, l] of r.layers.entries()) {
    out.push(`layer ${i} '${l.name}' (${l.kind}) ${l.shape}: ${l.bytes} bytes` +
      (l.ramBytes ? ` (bitmask weights expanded into ${l.ramBytes} bytes of RAM at load)` : ''));
    for (const m of l.matrices) {
      out.push(`  ${m.matrix} ${m.shape}: ${(100 * m.sparsity).toFixed(1)} % zeros (${m.nnz} nonzeros, ${m.zeroRows} empty rows); ${m.encoding} ${m.bytes} bytes ` +
        `(dense ${m.denseBytes}, CSR ${m.csrBytes}, bitmask ${m.bitmaskBytes}): ${m.why}`);
    }
    out.push(`  scales: input ${e(l.inScale)}, output ${e(l.outScale)}${l.rowScale ? `, row scales ${e(l.rowScale[0])}..${e(l.rowScale[1])}` : ''}`);
    if (l.multiplier) out.push(`  requantize: multipliers ${l.multiplier[0]}..${l.multiplier[1]} (<= 15 bits) >> ${l.shift}, max relative error ${e(l.multErr)}; acc = 2^${l.eW} W.x + 2^${l.eR} R.h + b; biases int${l.biasBits}`);
    out.push(`  proven worst case: |acc| <= ${e(l.acc)}, |acc*M| <= ${e(l.product)}, elementwise <= ${e(l.elementwise)} (all < 2^53 = 9.007e+15; no >> or |0 used)`);
  }
  out.push('');
  out.push(`.ww size: ${r.bytes} bytes; float32 weights ${r.floatBytes} bytes; ratio ${r.ratio.toFixed(3)}`);
  if (r.accuracy) {
    const a = r.accuracy;
    out.push(`test accuracy (${a.total} sequences): float ${(100 * a.float).toFixed(2)} %, int8 ${(100 * a.int8).toFixed(2)} % (difference ${(100 * (a.int8 - a.float)).toFixed(2)} points); argmax agreement ${(100 * a.agreement).toFixed(2)} %`);
  }
  return out.join('\n');
}

export function register(program: Command): void {
  program
    .command('report')
    .description('print the integer build of a model per layer (scales, multipliers, proven ranges, bytes) and float vs int8 accuracy')
    .argument('<model>', 'TF.js model.json (or its folder) or .onnx file')
    .option('--data <src>', `data set file or example generator (${generatorNames().join(', ')}): calibrate on train, evaluate on test; or a predict sequence file`)
    .option('--hidden-bits <n>', 'hidden state bits, 8 or 16', '8')
    .option('--calibration <method>', 'max or percentile', 'max')
    .option('--percentile <p>', 'percentile for --calibration percentile', '99.99')
    .option('--sparse <mode>', `weight encodings: ${SPARSE_MODES.join(', ')}`, 'auto')
    .option('-b, --board <board>', `board whose features the encoding cost model uses (${BOARD_IDS.join(', ')})`)
    .option('--json', 'print JSON')
    .action(async (file: string, o: { data?: string; hiddenBits: string; calibration: string; percentile: string; json?: boolean; sparse: string; board?: string }) => {
      if (!SPARSE_MODES.includes(o.sparse as SparseMode)) throw new WatchwordError(`--sparse ${o.sparse}: must be one of ${SPARSE_MODES.join(', ')}`);
      const hb = Number(o.hiddenBits);
      if (hb !== 8 && hb !== 16) throw new WatchwordError(`--hidden-bits ${o.hiddenBits}: must be 8 or 16`);
      if (o.calibration !== 'max' && o.calibration !== 'percentile') throw new WatchwordError(`--calibration ${o.calibration}: must be max or percentile`);
      const r = await buildReport(file, { data: o.data, hiddenBits: hb, method: o.calibration, percentile: Number(o.percentile), sparse: o.sparse as SparseMode, board: o.board });
      process.stdout.write((o.json ? JSON.stringify(r, null, 2) : reportText(r)) + '\n');
    });
}
