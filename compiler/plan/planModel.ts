/**
 * `planModel(ir, calib, opts)`: the whole float-to-integer path in one call — calibrate on
 * representative sequences (device units), quantize, plan and prove — as the CLI commands
 * (predict --mode int8, report, build) use it.
 */
import { calibrate, type CalibrateOptions } from '../compress/calibrate';
import { quantize } from '../compress/quantize';
import type { ModelIR } from '../ir/types';
import { plan, type PlanOptions } from './plan';
import type { Plan } from './types';

export interface PlanModelOptions extends PlanOptions, CalibrateOptions {
  hiddenBits?: 8 | 16;
}

/** Default hidden state width (see the README's measurement on the gesture example). */
export const DEFAULT_HIDDEN_BITS: 8 | 16 = 8;

export function planModel(ir: ModelIR, calib: ArrayLike<number>[][], opts: PlanModelOptions = {}): Plan {
  const cal = calibrate(ir, calib, opts);
  return plan(quantize(ir, cal, { hiddenBits: opts.hiddenBits ?? DEFAULT_HIDDEN_BITS }), opts);
}
