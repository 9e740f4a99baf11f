/**
 * The per-board latency estimate (for a build's report.md), calibrated from the benchmark
 * measurements and written to bench/calibration.json by `npm run bench`.
 *
 * Model of the cost of one step, in units of the engine's plain int8 dot-product loop (one
 * "loop MAC" = what `s += a[i] * b[i]` costs per element on that engine):
 *     t_step = loopMs × (alpha × MACs + beta × rows)
 * MACs = weight multiply-adds per step, rows = gate/output rows (each row also pays a
 * requantize, a table lookup, the gate arithmetic). alpha and beta are fitted by relative least
 * squares on the sweep (each model's own interleaved dot-loop timing as the unit), per desktop interpreter (QuickJS, Duktape: interpreters like the device
 * engines; Node's JIT is left out of the fit) with the reference kernels, and their median is
 * used. On a device:
 *   Espruino, reference kernels:  t = L_esp × (alpha × MACs + beta × rows)
 *   Espruino, Espruino kernels:   t = C_esp × MACs + L_esp × beta × rows
 *                                  (the dot products run natively in E.convolve; the per-row
 *                                   work stays in JS)
 *   JerryScript:                  t = L_jerry × (alpha × MACs + beta × rows)
 * with DESIGN.md's measured figures for x86 builds: L_esp = 5.8 ms, C_esp = 0.2 ms,
 * L_jerry = 0.23 ms per 1000 int8 MACs. A device is slower than an x86 build by the assumed
 * factor X86_EQUIVALENT_MHZ / cpuMHz: an ASSUMPTION (the clock of the x86 machine behind the
 * reference figures is not recorded, and equal interpreter work per clock is assumed), so the
 * device figure is uncertain by a factor of several either way until selftest.js measures the
 * board; the x86 figure is the calibrated part.
 */
import fs from 'node:fs';
import type { BoardProfile } from '../boards/types';
import type { LatencyResult } from './latency';
import type { BenchModel } from './models';
import { GATES, isRecurrent, type ModelIR } from '../compiler/ir/types';

/** DESIGN.md reference figures (x86 builds), ms per 1000 int8 multiply-adds. */
export const REFERENCE = { espruinoLoop: 5.8, espruinoConvolve: 0.2, jerryLoop: 0.23 } as const;
/** Assumed clock of the x86 machine the reference figures come from (not recorded there). */
export const X86_EQUIVALENT_MHZ = 3000;

export interface EngineFit {
  engine: string;
  /** Plain int8 dot loop, ms per 1000 MACs (median over the runs). */
  loopMsPerKMac: number;
  alpha: number;
  beta: number;
  /** Largest relative error of the fit over the sweep. */
  maxRelErr: number;
  /** Reference-kernel runtime, ms per 1000 MACs on the largest sweep model. */
  refMsPerKMac: number;
  baselineMsPerKMac: number;
}

export interface Calibration {
  $comment: string;
  date: string;
  fits: EngineFit[];
  alpha: number;
  beta: number;
  reference: typeof REFERENCE;
  x86EquivalentMHz: number;
}

/** Gate/output rows per step (each pays the per-row requantize and activation). */
export function rowsPerStep(ir: ModelIR): number {
  let r = 0;
  for (const l of ir.layers) {
    if (isRecurrent(l)) r += GATES[l.kind] * l.units;
    else if (l.kind === 'dense') r += l.units;
  }
  return r;
}

const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Least squares y ≈ a·x1 + b·x2 (no intercept). */
function fit2(x1: number[], x2: number[], y: number[]): [number, number] {
  let s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
  for (let i = 0; i < y.length; i++) { s11 += x1[i] * x1[i]; s12 += x1[i] * x2[i]; s22 += x2[i] * x2[i]; s1y += x1[i] * y[i]; s2y += x2[i] * y[i]; }
  const det = s11 * s22 - s12 * s12;
  return [(s1y * s22 - s2y * s12) / det, (s2y * s11 - s1y * s12) / det];
}

export function computeCalibration(latency: LatencyResult[], loops: Record<string, number>, models: BenchModel[]): Calibration {
  const byId = new Map(models.map((m) => [m.id, m]));
  const fits: EngineFit[] = [];
  for (const engine of Object.keys(loops)) {
    const rs = latency.filter((r) => r.engine === engine && byId.get(r.model) && !byId.get(r.model)!.example && r.ms.ref > 0 && r.ms.loop > 0);
    if (rs.length < 2) continue;
    // Each model's run timed the dot loop interleaved with the runtime, so the ratio is taken
    // per run (load on the machine drifts between runs, less within one).
    const macs = rs.map((r) => byId.get(r.model)!.macs);
    const rows = rs.map((r) => rowsPerStep(byId.get(r.model)!.ir));
    const y = rs.map((r) => r.ms.ref / (r.ms.loop / 1000));
    // Relative least squares (each equation divided by its y): small and large models count alike.
    const [alpha, beta] = fit2(macs.map((v, i) => v / y[i]), rows.map((v, i) => v / y[i]), y.map(() => 1));
    const maxRelErr = Math.max(...y.map((v, i) => Math.abs(alpha * macs[i] + beta * rows[i] - v) / v));
    const big = rs.reduce((a, b) => (byId.get(b.model)!.macs > byId.get(a.model)!.macs ? b : a));
    const bm = byId.get(big.model)!.macs;
    fits.push({ engine, loopMsPerKMac: loops[engine], alpha, beta, maxRelErr, refMsPerKMac: big.ms.ref / bm * 1000, baselineMsPerKMac: big.ms.baseline / bm * 1000 });
  }
  const interp = fits.filter((f) => f.engine === 'quickjs' || f.engine === 'duktape');
  const use = interp.length ? interp : fits;
  return {
    $comment: 'Generated by `npm run bench` (bench/calibration.ts); the model and its assumptions are in bench/RESULTS.md.',
    date: new Date().toISOString(),
    fits,
    alpha: use.length ? median(use.map((f) => f.alpha)) : 1,
    beta: use.length ? median(use.map((f) => f.beta)) : 0,
    reference: REFERENCE,
    x86EquivalentMHz: X86_EQUIVALENT_MHZ,
  };
}

export interface StepEstimate {
  /** Estimated ms per step on the device (null when the board's clock is unknown). */
  msPerStep: number | null;
  /** The same on the x86 build of the board's engine. */
  x86MsPerStep: number;
  kernels: 'ref' | 'espruino';
  deviceFactor: number | null;
}

/** Latency estimate for one step of `ir` on `board`, from a calibration. */
export function estimateStep(cal: Calibration, board: Pick<BoardProfile, 'engine' | 'features' | 'cpuMHz'>, ir: ModelIR): StepEstimate {
  const macs = macsPerStep(ir);
  const rows = rowsPerStep(ir);
  const fast = board.engine === 'espruino' && board.features.has('eConvolve') && board.features.has('eMapInPlace');
  const L = (board.engine === 'espruino' ? cal.reference.espruinoLoop : cal.reference.jerryLoop) / 1000;
  const x86 = fast
    ? cal.reference.espruinoConvolve / 1000 * macs + L * cal.beta * rows
    : L * (cal.alpha * macs + cal.beta * rows);
  const factor = board.cpuMHz ? cal.x86EquivalentMHz / board.cpuMHz : null;
  return { msPerStep: factor ? x86 * factor : null, x86MsPerStep: x86, kernels: fast ? 'espruino' : 'ref', deviceFactor: factor };
}

/** Weight multiply-adds per step (all layers). */
export function macsPerStep(ir: ModelIR): number {
  let m = 0;
  for (const l of ir.layers) {
    if (isRecurrent(l)) m += GATES[l.kind] * l.units * (l.inputSize + l.units);
    else if (l.kind === 'dense') m += l.units * l.inputSize;
  }
  return m;
}

export function loadCalibration(file: string): Calibration {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Calibration;
}
