/**
 * The per-step latency cost model and the per-board estimate a build writes into report.md.
 * The model (below) is fitted by `npm run bench` (bench/calibration.ts, which documents the
 * fit; the figures are committed in bench/calibration.json). Without a calibration file there
 * is no estimate (null) rather than a made-up number. selftest.js measures the real figure on
 * a device.
 *
 * Cost of one step, in units of the engine's plain int8 dot-product loop:
 *     t_step = loopMs × (alpha × MACs + beta × rows)
 * On Espruino with E.convolve the dot products are native (DESIGN.md: ~0.2 ms per 1000 MACs on
 * x86 builds) and only the per-row work stays in JS; JerryScript and Espruino without it run
 * the whole loop in JS (5.8 / 0.23 ms per 1000 MACs on x86 builds). A device is slower than an
 * x86 build by the ASSUMED factor X86_EQUIVALENT_MHZ / cpuMHz.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardProfile } from '../../boards/types';
import { GATES, isRecurrent, type ModelIR } from '../ir/types';

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

export const CALIBRATION_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/calibration.json');

export function estimateMsPerStep(board: BoardProfile, ir: ModelIR): number | null {
  if (!fs.existsSync(CALIBRATION_FILE)) return null;
  const ms = estimateStep(loadCalibration(CALIBRATION_FILE), board, ir).msPerStep;
  return ms === null ? null : Math.round(ms * 1000) / 1000;
}
