/**
 * Measures the reference kernels' dense and CSR matrix-vector products on the desktop
 * engines, for the encoding cost model (compiler/plan/encoding.ts), and the per-step latency
 * of the pruned gesture model in each weight encoding:
 *   npx tsx bench/sparse.ts            (about a minute; writes bench/results/sparse.json)
 * The kernels are the real ones (runtime/kernels/ref/ops.ts `refOps.matvec`, which runs
 * csr.ts on a CSR matrix), bundled to ES5 and timed inside each engine, interleaved with the
 * engine's plain int8 dot loop (`s += a[i] * b[i]`, the calibration unit of
 * bench/calibration.ts), so each figure is a ratio to that loop on the same engine and run.
 * Fits, per engine, by relative least squares over a sweep of shapes and sparsities:
 *   dense matvec = denseElement * rows*cols + denseRow * rows + denseCall   (loop elements)
 *   CSR matvec   = csrNnz * nonzeros       + csrRow * rows   + csrCall
 * and the median over the interpreters (QuickJS, Duktape; Node's JIT is reported but left
 * out, as in calibration.ts) is what the cost model uses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRuntime, RUNTIME_DIR } from '../compiler/emit/build-runtime';
import { loadModel } from '../compiler/import/index';
import { planModel } from '../compiler/plan/planModel';
import { wwBytes } from '../compiler/reference/int8';
import { loadExample } from '../compiler/example';
import { defaultRuntimeBundle } from '../simulator/engines/run-model';
import { engineAvailable, runScript, type EngineName } from '../simulator/engines/index';
import type { KernelCosts } from '../compiler/plan/encoding';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, 'results/sparse.json');

const SHAPES: [number, number][] = [[24, 3], [72, 24], [96, 32], [64, 64], [128, 48], [32, 128]];
const SPARSITIES = [0, 0.5, 0.7, 0.85, 0.95];

const KERNEL_SCRIPT = `
var seed = 12345;
function rnd() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; }
var DA = new Int8Array(1000), DB = new Int8Array(1000), SINK = 0;
for (var i = 0; i < 1000; i++) { DA[i] = (i * 37) % 255 - 127; DB[i] = (i * 91) % 255 - 127; }
function loop(K) { for (var q = 0; q < K; q++) { var s = 0; for (var i = 0; i < 1000; i++) s += DA[i] * DB[i]; SINK = (SINK + s) % 65536; } }
function timeIt(f, target) {
  var k = 1, dt = 0;
  for (;;) { var t0 = Date.now(); f(k); dt = Date.now() - t0; if (dt >= target || k >= 16777216) break; k *= dt < 2 ? 8 : 2; }
  return dt / k;
}
var ops = __wwOps.refOps;
for (var c = 0; c < CASES.length; c++) {
  var rows = CASES[c][0], cols = CASES[c][1], sp = CASES[c][2];
  var W = new Int8Array(rows * cols), nnz = 0;
  for (var j = 0; j < W.length; j++) { if (rnd() >= sp) { W[j] = 1 + Math.floor(rnd() * 126); nnz++; } }
  var v = new Int8Array(nnz), cc = new Uint8Array(nnz), p = new Uint16Array(rows + 1), k = 0;
  for (var r = 0; r < rows; r++) { p[r] = k; for (var j2 = 0; j2 < cols; j2++) if (W[r * cols + j2] !== 0) { v[k] = W[r * cols + j2]; cc[k] = j2; k++; } }
  p[rows] = k;
  var x = new Int8Array(cols);
  for (var j3 = 0; j3 < cols; j3++) x[j3] = Math.floor(rnd() * 255) - 127;
  var Ld = { W: W, R: null, inSize: cols, units: cols, rows: rows, Wc: null, Rc: null };
  var Lc = { W: new Int8Array(0), R: null, inSize: cols, units: cols, rows: rows, Wc: { v: v, c: cc, p: p }, Rc: null };
  var od = new Float64Array(rows), oc = new Float64Array(rows);
  ops.matvec(Ld, 0, x, 0, rows, od, 0); ops.matvec(Lc, 0, x, 0, rows, oc, 0);
  for (var r2 = 0; r2 < rows; r2++) if (od[r2] !== oc[r2]) throw new Error('CSR and dense differ at row ' + r2);
  var best = { d: 1e9, c: 1e9, l: 1e9 };
  for (var rep = 0; rep < REPEATS; rep++) {
    best.l = Math.min(best.l, timeIt(loop, TARGET) / 1000);
    best.d = Math.min(best.d, timeIt(function (K) { for (var q = 0; q < K; q++) ops.matvec(Ld, 0, x, 0, rows, od, 0); }, TARGET));
    best.c = Math.min(best.c, timeIt(function (K) { for (var q = 0; q < K; q++) ops.matvec(Lc, 0, x, 0, rows, oc, 0); }, TARGET));
  }
  print('case ' + rows + ' ' + cols + ' ' + sp + ' ' + nnz + ' ' + best.l + ' ' + best.d + ' ' + best.c);
}
print('done');
`;

const STEP_SCRIPT = `
var names = ['dense', 'csr', 'bitmask'];
var MODELS = [M_DENSE, M_CSR, M_BITMASK];
var FR = new Int32Array(FRAMES), T = FR.length / 3, frames = [];
for (var t = 0; t < T; t++) frames.push(FR.subarray(t * 3, t * 3 + 3));
var nets = [], sts = [], K = [], best = [];
function run(m, k) { var net = nets[m], st = sts[m]; for (var i = 0; i < k; i++) { if (i % T === 0) net.reset(st); net.step(st, frames[i % T]); } }
for (var m = 0; m < 3; m++) {
  nets.push(watchword.load(MODELS[m], { kernels: 'ref' }));
  sts.push(nets[m].state());
  var k = 1, dt = 0;
  for (;;) { var t0 = Date.now(); run(m, k); dt = Date.now() - t0; if (dt >= TARGET / 4 || k >= 1048576) break; k *= dt < 2 ? 8 : 2; }
  K.push(Math.max(1, Math.ceil(k * TARGET / Math.max(dt, 1))));
  best.push(1e9);
}
for (var rep = 0; rep < ROUNDS; rep++) {
  for (var j = 0; j < 3; j++) {
    var mm = (j + rep) % 3, t1 = Date.now();
    run(mm, K[mm]);
    best[mm] = Math.min(best[mm], (Date.now() - t1) / K[mm]);
  }
}
for (var m2 = 0; m2 < 3; m2++) {
  var net = nets[m2], st = sts[m2], out = '';
  net.reset(st);
  for (var t2 = 0; t2 < T; t2++) { var o = net.step(st, frames[t2]); out += Array.prototype.join.call(o, ','); out += ';'; }
  print('step ' + names[m2] + ' ' + best[m2] + ' ' + out.length + ' ' + out.slice(-60));
}
print('done');
`;

/**
 * Non-negative least squares y ~ a x1 + b x2 + c, each equation divided by y (relative
 * errors): every subset of the three terms is solved by its normal equations and the best
 * fit whose coefficients are all >= 0 wins (a negative per-row or per-call cost is timer noise
 * on the smallest cases, not physics).
 */
function fitRel(x1: number[], x2: number[], y: number[]): [number, number, number] {
  const cols = [x1, x2, y.map(() => 1)];
  let best: { x: number[]; err: number } | null = null;
  for (let mask = 1; mask < 8; mask++) {
    const act = [0, 1, 2].filter((k) => mask & (1 << k));
    const n = act.length;
    const A = act.map(() => new Array(n).fill(0)), v = new Array(n).fill(0);
    for (let i = 0; i < y.length; i++) {
      const row = act.map((k) => cols[k][i] / y[i]);
      for (let a = 0; a < n; a++) { v[a] += row[a]; for (let b = 0; b < n; b++) A[a][b] += row[a] * row[b]; }
    }
    for (let k = 0; k < n; k++) for (let r = k + 1; r < n; r++) {
      const f = A[r][k] / A[k][k];
      for (let c = k; c < n; c++) A[r][c] -= f * A[k][c];
      v[r] -= f * v[k];
    }
    const sol = new Array(n).fill(0);
    for (let k = n - 1; k >= 0; k--) { let t = v[k]; for (let j = k + 1; j < n; j++) t -= A[k][j] * sol[j]; sol[k] = t / A[k][k]; }
    if (sol.some((c) => !(c >= 0))) continue;
    const x = [0, 0, 0];
    act.forEach((k, i) => { x[k] = sol[i]; });
    let err = 0;
    for (let i = 0; i < y.length; i++) err += ((x[0] * x1[i] + x[1] * x2[i] + x[2]) / y[i] - 1) ** 2;
    if (!best || err < best.err) best = { x, err };
  }
  if (!best) throw new Error('no non-negative fit');
  return [best.x[0], best.x[1], best.x[2]];
}
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

async function main() {
  const repeats = 3, target = Number(process.env.SPARSE_BENCH_TARGET_MS ?? 40);
  const ops = await buildRuntime({ entry: path.join(RUNTIME_DIR, 'kernels/ref/ops.ts'), globalName: '__wwOps' });
  const cases = SHAPES.flatMap(([r, c]) => SPARSITIES.map((s) => [r, c, s]));
  const engines = (['quickjs', 'duktape', 'node'] as EngineName[]).filter((e) => engineAvailable(e));

  // The pruned gesture model (70 %) in each encoding, for the per-step figure.
  const ex = await loadExample('gestures');
  const ir = await loadModel(path.join(here, '../examples/gestures/model-pruned'));
  const cal = await ex.calibration();
  const ww = Object.fromEntries((['dense', 'csr', 'bitmask'] as const).map((e) => [e, wwBytes(planModel(ir, cal, { quiet: true, sparse: e }))]));
  const test = await ex.testSet();
  const frames = new Int32Array(test.sequences.slice(0, 4).flat().flat());

  const fits: Record<string, unknown>[] = [];
  const steps: Record<string, unknown>[] = [];
  for (const engine of engines) {
    const t0 = Date.now();
    const lines = await runScript(engine, `var CASES = ${JSON.stringify(cases)};\nvar REPEATS = ${repeats};\nvar TARGET = ${target};\n` + KERNEL_SCRIPT, { prelude: [ops.code], timeoutMs: 600_000 });
    if (lines[lines.length - 1] !== 'done') throw new Error(`${engine}: ${lines.slice(-3).join(' | ')}`);
    const rs = lines.filter((l) => l.startsWith('case ')).map((l) => {
      const [rows, cols, sp, nnz, loop, d, c] = l.split(' ').slice(1).map(Number);
      return { rows, cols, sparsity: sp, nnz, loopMsPerElement: loop, denseMs: d, csrMs: c };
    });
    const [denseElement, denseRow, denseCall] = fitRel(rs.map((r) => r.rows * r.cols), rs.map((r) => r.rows), rs.map((r) => r.denseMs / r.loopMsPerElement));
    const [csrNnz, csrRow, csrCall] = fitRel(rs.map((r) => r.nnz), rs.map((r) => r.rows), rs.map((r) => r.csrMs / r.loopMsPerElement));
    const maxErr = (f: (r: typeof rs[number]) => number, y: (r: typeof rs[number]) => number) => Math.max(...rs.map((r) => Math.abs(f(r) - y(r)) / y(r)));
    fits.push({
      engine, denseElement, denseRow, denseCall, csrNnz, csrRow, csrCall,
      maxRelErrDense: maxErr((r) => denseElement * r.rows * r.cols + denseRow * r.rows + denseCall, (r) => r.denseMs / r.loopMsPerElement),
      maxRelErrCsr: maxErr((r) => csrNnz * r.nnz + csrRow * r.rows + csrCall, (r) => r.csrMs / r.loopMsPerElement),
      cases: rs,
    });
    const sl = await runScript(engine, `var ROUNDS = 9;\nvar TARGET = ${target * 2};\n` + STEP_SCRIPT, {
      prelude: [await defaultRuntimeBundle()], timeoutMs: 600_000,
      data: { M_DENSE: ww.dense, M_CSR: ww.csr, M_BITMASK: ww.bitmask, FRAMES: new Uint8Array(frames.buffer) },
    });
    const st = sl.filter((l) => l.startsWith('step ')).map((l) => l.split(' '));
    if (st.length !== 3 || new Set(st.map((s) => s[3] + s[4])).size !== 1) throw new Error(`${engine}: the encodings disagree or did not run: ${sl.join(' | ')}`);
    steps.push({ engine, msPerStep: Object.fromEntries(st.map((s) => [s[1], Number(s[2])])) });
    console.log(`${engine}: dense ${denseElement.toFixed(3)}/elem + ${denseRow.toFixed(2)}/row + ${denseCall.toFixed(1)}/call, CSR ${csrNnz.toFixed(3)}/nnz + ${csrRow.toFixed(2)}/row + ${csrCall.toFixed(1)}/call (loop units), max rel. error ${(fits[fits.length - 1].maxRelErrDense as number).toFixed(2)} / ${(fits[fits.length - 1].maxRelErrCsr as number).toFixed(2)}; gesture-70% step ms ${JSON.stringify(steps[steps.length - 1].msPerStep)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
  const interp = fits.filter((f) => f.engine !== 'node') as unknown as (KernelCosts & { engine: string })[];
  if (!interp.length) throw new Error('no interpreter (QuickJS / Duktape) available to measure');
  const med: KernelCosts = {
    denseElement: median(interp.map((f) => f.denseElement)), denseRow: median(interp.map((f) => f.denseRow)), denseCall: median(interp.map((f) => f.denseCall)),
    csrNnz: median(interp.map((f) => f.csrNnz)), csrRow: median(interp.map((f) => f.csrRow)), csrCall: median(interp.map((f) => f.csrCall)),
  };
  const out = {
    $comment: 'Generated by `npx tsx bench/sparse.ts`: reference dense vs CSR matvec costs in units of each engine\'s plain int8 dot-loop element, and the pruned gesture model\'s ms per step in each encoding. compiler/plan/encoding.ts uses "median".',
    date: new Date().toISOString(),
    median: med,
    fits,
    gesture70: { model: 'examples/gestures/model-pruned', wwBytes: Object.fromEntries(Object.entries(ww).map(([k, v]) => [k, v.length])), steps },
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify(out, null, 1) + '\n');
  console.log(`median (interpreters): ${JSON.stringify(med)}\nwrote ${path.relative(process.cwd(), OUT)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
