/**
 * Calibration: runs the float reference over a representative set of sequences and records,
 * for every quantity whose integer scale is not fixed by design, how large it gets — the
 * model input (for 'float' devices), the output of every Dense layer (a softmax layer's logits), and the hidden state
 * of relu SimpleRNN layers. (tanh/sigmoid-bounded states and gate pre-activations have fixed
 * formats and need no calibration.) Statistic: the maximum absolute value, or a percentile of
 * the absolute values (values beyond it saturate), e.g. 99.99 to ignore rare outliers.
 */
import { WatchwordError } from '../errors';
import type { Layer, ModelIR } from '../ir/types';
import { progress } from '../progress';
import { runFloatSteps } from '../reference/float';

export interface CalibrateOptions {
  method?: 'max' | 'percentile';
  /** For 'percentile': which percentile of |value| (default 99.99). */
  percentile?: number;
  quiet?: boolean;
}

export interface Calibration {
  method: 'max' | 'percentile';
  percentile?: number;
  sequences: number;
  /** Range of |device value| of the input frames (all features together). */
  input: number;
  /** Per layer: range of |output|, or null where the layer's scale is fixed by design. */
  layers: (number | null)[];
}

function needs(ir: ModelIR, i: number): boolean {
  const l = ir.layers[i];
  return (l.kind === 'dense' && l.activation !== 'sigmoid') || (l.kind === 'simple_rnn' && l.activation === 'relu');
}

const logitCache = new WeakMap<object, Layer>();
function logits(l: Layer): Layer {
  let c = logitCache.get(l);
  if (!c) { c = { ...l, activation: 'linear' } as Layer; logitCache.set(l, c); }
  return c;
}

function stat(values: number[], method: 'max' | 'percentile', p: number): number {
  if (values.length === 0) return 0;
  if (method === 'max') {
    let m = 0;
    for (const v of values) if (v > m) m = v;
    return m;
  }
  const a = Float64Array.from(values).sort();
  const k = Math.min(a.length - 1, Math.max(0, Math.ceil((p / 100) * a.length) - 1));
  return a[k];
}

export function calibrate(ir: ModelIR, seqs: ArrayLike<number>[][], opts: CalibrateOptions = {}): Calibration {
  const method = opts.method ?? 'max';
  const p = opts.percentile ?? 99.99;
  if (method !== 'max' && method !== 'percentile') throw new WatchwordError(`calibration method '${method}' is not one of max, percentile`);
  if (method === 'percentile' && !(p > 0 && p <= 100)) throw new WatchwordError(`calibration percentile ${p} must be in (0, 100]`);
  if (seqs.length === 0) throw new WatchwordError(`${ir.source.file}: calibration needs at least one sequence`);
  const input: number[] = [];
  const per: number[][] = ir.layers.map(() => []);
  const bar = progress('calibrate', seqs.length, { quiet: opts.quiet });
  seqs.forEach((seq, n) => {
    if (ir.input.deviceType !== 'token') for (const f of seq) for (let j = 0; j < f.length; j++) input.push(Math.abs(f[j]));
    ir.layers.forEach((_, i) => {
      if (!needs(ir, i)) return;
      // A softmax layer is calibrated on its logits: that is what the int16 output holds.
      const layers = ir.layers.slice(0, i + 1).map((l) => (l.kind === 'dense' && l.activation === 'softmax' ? logits(l) : l));
      const sub: ModelIR = { ...ir, layers };
      for (const out of runFloatSteps(sub, seq)) for (let k = 0; k < out.length; k++) per[i].push(Math.abs(out[k]));
    });
    bar.update(n + 1);
  });
  bar.stop();
  return {
    method,
    percentile: method === 'percentile' ? p : undefined,
    sequences: seqs.length,
    input: stat(input, method, p),
    layers: ir.layers.map((_, i) => (needs(ir, i) ? stat(per[i], method, p) : null)),
  };
}
