/**
 * The per-matrix choice of weight encoding in the `.ww` — dense int8 rows, CSR (values +
 * column indices + row pointers, computed on in place) or bitmask (mask + values, expanded
 * into RAM at load) — by a cost model for the board's feature set. The forms and their
 * kernels are runtime/layer.ts (FLAG_W_CSR...), runtime/kernels/ref/csr.ts and
 * runtime/kernels/espruino/ops.ts.
 *
 * Time per step of one matrix, in ms on the x86 build of the board's engine:
 * - Espruino kernels (eConvolve + eMapInPlace): a dense row is one native E.convolve over
 *   `cols` elements; a CSR row is E.mapInPlace (gather x at the columns) plus E.convolve over
 *   its nonzeros, two native calls:
 *       dense = C * n + K * rowsNZ        csr = 2 C * nnz + 2 K * rowsNZ
 *   C = DESIGN.md's measured 0.2 ms / 1000 elements for E.convolve, with the gather's
 *   per-element cost ASSUMED equal to it (both are native loops over typed arrays), and K the
 *   interpreter cost of one native call statement, ASSUMED to be ESPRUINO_CALL_LOOPS
 *   iterations of Espruino's plain JS dot loop (5.8 ms / 1000). Neither assumption matters
 *   for the usual choice: CSR can only win when sparsity is above 50 % AND the saved
 *   elements outweigh a whole extra native call per row.
 * - Reference kernels (JerryScript, Espruino without E.convolve, no board): plain loops,
 *       dense = L * (aD * n + bD * rows + cD)  csr = L * (aC * nnz + bC * rows + cC)
 *   with aD, bD, cD, aC, bC, cC (per element, per row, per call) MEASURED by bench/sparse.ts on the desktop interpreters (QuickJS,
 *   Duktape; bench/results/sparse.json, the median of the engines) in units of each engine's
 *   own plain dot-loop element, and L the engine's loop figure from DESIGN.md (JerryScript
 *   0.23, Espruino 5.8 ms / 1000; 1 per element without a board, a relative figure).
 * RAM owned by the weights: the file itself is mapped (Espruino Storage.readArrayBuffer) or
 * external (JerryScript's model.h ArrayBuffer), so dense and CSR cost none; a bitmask costs
 * its dense bytes once expanded; the Espruino CSR path owns a gather vector (int32, longest
 * row). File bytes include the section-table entries and 4-byte padding.
 *
 * `auto` takes the fastest form; forms within 5 % of it tie and the one owning less RAM, then
 * the smaller file, wins (so bitmask, never faster, is chosen only by `bitmask` or
 * `smallest`). `dense`, `csr`, `bitmask` force a form on every weight matrix; `smallest`
 * takes the smallest file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WatchwordError } from '../errors';
import { REFERENCE } from './latency';

export type Encoding = 'dense' | 'csr' | 'bitmask';
export type SparseMode = 'auto' | 'smallest' | Encoding;
export const SPARSE_MODES: SparseMode[] = ['auto', 'dense', 'csr', 'bitmask', 'smallest'];

/** Assumed: one native call statement on Espruino costs this many JS dot-loop iterations. */
export const ESPRUINO_CALL_LOOPS = 4;
/** Forms whose estimated time is within this factor of the fastest tie. */
export const TIE = 1.05;

export const SPARSE_COSTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/results/sparse.json');

/** Per-element and per-row costs of the reference matvec, in plain dot-loop elements. */
export interface KernelCosts { denseElement: number; denseRow: number; denseCall: number; csrNnz: number; csrRow: number; csrCall: number }

export interface MatrixChoice {
  matrix: 'W' | 'R';
  rows: number;
  cols: number;
  size: number;
  nnz: number;
  sparsity: number;
  /** Rows without any nonzero (no call, no views). */
  zeroRows: number;
  bytes: Record<Encoding, number>;
  /** Estimated ms per step on the engine's x86 build (relative units without a board). */
  ms: Record<Encoding, number>;
  ramBytes: Record<Encoding, number>;
  encoding: Encoding;
  why: string;
}

export interface EncodingContext {
  mode: SparseMode;
  features?: { has(f: string): boolean };
  /** The board's engine; without it the reference-kernel relative model is used. */
  engine?: 'espruino' | 'jerryscript';
  costs?: KernelCosts;
}

let cached: KernelCosts | undefined;

/** The measured reference-kernel costs (bench/results/sparse.json, written by bench/sparse.ts). */
export function kernelCosts(file = SPARSE_COSTS_FILE): KernelCosts {
  if (cached && file === SPARSE_COSTS_FILE) return cached;
  let j: { median?: KernelCosts };
  try {
    j = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WatchwordError(`${file}: cannot read the measured sparse kernel costs (run \`npx tsx bench/sparse.ts\`): ${(e as Error).message}`);
  }
  const m = j.median;
  if (!m || ![m.denseElement, m.denseRow, m.denseCall, m.csrNnz, m.csrRow, m.csrCall].every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new WatchwordError(`${file}: "median" must hold the numbers denseElement, denseRow, denseCall, csrNnz, csrRow, csrCall`);
  }
  if (file === SPARSE_COSTS_FILE) cached = m;
  return m;
}

const align4 = (n: number) => (n + 3) & ~3;
const ENTRY = 12;

/** File bytes of each form of a rows x cols matrix with nnz nonzeros. */
export function encodedBytes(rows: number, cols: number, nnz: number): Record<Encoding, number> {
  const n = rows * cols;
  return {
    dense: align4(n) + ENTRY,
    csr: align4(nnz) + align4(nnz * (cols <= 256 ? 1 : 2)) + align4((rows + 1) * (nnz <= 65535 ? 2 : 4)) + 3 * ENTRY,
    bitmask: align4(Math.ceil(n / 8) + nnz) + ENTRY,
  };
}

/** Chooses the form of one int8 matrix (row-major rows x cols). */
export function chooseEncoding(M: ArrayLike<number>, rows: number, cols: number, matrix: 'W' | 'R', ctx: EncodingContext): MatrixChoice {
  const n = rows * cols;
  let nnz = 0, zeroRows = 0, longest = 0;
  for (let r = 0; r < rows; r++) {
    let k = 0;
    for (let j = 0; j < cols; j++) if (M[r * cols + j] !== 0) k++;
    nnz += k;
    if (k === 0) zeroRows++;
    longest = Math.max(longest, k);
  }
  if (cols > 65536) throw new WatchwordError(`${matrix} matrix of ${cols} columns: CSR column indices are at most 16 bits`);
  const rowsNZ = rows - zeroRows;
  const bytes = encodedBytes(rows, cols, nnz);
  const f = ctx.features;
  const espruinoKernels = !!f && f.has('eConvolve') && f.has('eMapInPlace');
  let ms: Record<Encoding, number>;
  let model: string;
  if (espruinoKernels) {
    const C = REFERENCE.espruinoConvolve / 1000;
    const K = ESPRUINO_CALL_LOOPS * REFERENCE.espruinoLoop / 1000;
    const dense = C * n + K * rowsNZ;
    ms = { dense, bitmask: dense, csr: 2 * C * nnz + 2 * K * rowsNZ };
    model = 'Espruino kernels: a dense row is one native E.convolve, a CSR row a gather (E.mapInPlace) plus E.convolve over its nonzeros';
  } else {
    // A forced form needs no costs; without the measured file its estimates are NaN.
    let c: KernelCosts;
    try {
      c = ctx.costs ?? kernelCosts();
    } catch (e) {
      if (ctx.mode === 'auto') throw e;
      c = { denseElement: NaN, denseRow: NaN, denseCall: NaN, csrNnz: NaN, csrRow: NaN, csrCall: NaN };
    }
    const L = ctx.engine === 'espruino' ? REFERENCE.espruinoLoop / 1000 : ctx.engine === 'jerryscript' ? REFERENCE.jerryLoop / 1000 : 1;
    const dense = L * (c.denseElement * n + c.denseRow * rows + c.denseCall);
    ms = { dense, bitmask: dense, csr: L * (c.csrNnz * nnz + c.csrRow * rows + c.csrCall) };
    model = `reference kernels (plain loops${ctx.engine ? ` on ${ctx.engine}` : ''}): the CSR loop skips the zeros, each nonzero costing ${(c.csrNnz / c.denseElement).toFixed(2)}x a dense element (measured)`;
  }
  const ramBytes: Record<Encoding, number> = { dense: 0, csr: espruinoKernels ? 4 * longest : 0, bitmask: n };
  const forms: Encoding[] = ['dense', 'csr', 'bitmask'];
  let encoding: Encoding;
  let why: string;
  const sparsity = n ? 1 - nnz / n : 0;
  if (ctx.mode === 'dense' || ctx.mode === 'csr' || ctx.mode === 'bitmask') {
    encoding = ctx.mode;
    why = `forced (--sparse ${ctx.mode})`;
  } else if (ctx.mode === 'smallest') {
    encoding = forms.reduce((a, b) => (bytes[b] < bytes[a] ? b : a));
    why = `smallest file (${bytes[encoding]} bytes; dense ${bytes.dense}, CSR ${bytes.csr}, bitmask ${bytes.bitmask})`;
  } else {
    const best = Math.min(...forms.map((e) => ms[e]));
    const tied = forms.filter((e) => ms[e] <= best * TIE);
    encoding = tied.reduce((a, b) => (ramBytes[b] < ramBytes[a] || (ramBytes[b] === ramBytes[a] && bytes[b] < bytes[a]) ? b : a));
    const fmt = (v: number) => (ctx.engine || espruinoKernels ? `${v.toPrecision(3)} ms` : `${v.toPrecision(4)} loop units`);
    why = `${model}: est. dense ${fmt(ms.dense)}, CSR ${fmt(ms.csr)} per step` +
      (tied.length > 1 ? `; ${tied.join('/')} within ${Math.round((TIE - 1) * 100)} %, least RAM then bytes wins` : '') +
      (encoding !== 'bitmask' ? '; bitmask would cost ' + n + ' bytes of RAM expanded' : '');
  }
  return { matrix, rows, cols, size: n, nnz, sparsity, zeroRows, bytes, ms, ramBytes, encoding, why };
}
