/**
 * `pruneUnits(ir, opts)`: structured pruning — removes whole hidden units of recurrent
 * layers, so the matrices shrink (fewer multiply-adds and bytes, no sparse format needed).
 *
 * Removing unit k of a recurrent layer with G gates (SimpleRNN 1, GRU 3 [z,r,h], LSTM 4
 * [i,f,c,o]) and u units deletes, consistently across gates:
 *   rows g*u + k of W, R, bW and bR for every gate g; column k of R; entry k of h0 (and c0);
 *   and column k of the next layer's W (the unit's input to whoever consumes the layer).
 * The layer must have a consumer: the units of the last layer are the model's outputs.
 *
 * Importance criterion: the L2 norm of the unit's outgoing weights — column k of its own R
 * (every gate, how its state steers the layer's next step) together with column k of the next
 * layer's W (how it steers the output). A unit's state reaches the output only through those
 * weights, so a unit whose score is 0 is provably dead and removing it leaves the model's
 * outputs exactly unchanged; the lowest scores are removed first (ties: the higher index).
 * The state of GRU/LSTM/tanh units is bounded by 1, so outgoing weight size bounds influence.
 *
 * Input-feature pruning is not offered: the device delivers every feature of a frame, so
 * dropping one would need a feature selector in the device input path, not just a smaller W.
 */
import { WatchwordError } from '../errors';
import { contiguous, tensor } from '../ir/tensor';
import { GATES, isRecurrent, type Layer, type ModelIR, type RecurrentLayer, type Tensor } from '../ir/types';
import { verify } from '../ir/verify';
import { cloneModel } from './clone-model';

export interface PruneUnitsOptions {
  /** Layers to shrink (names); default every recurrent layer that has a consumer. */
  layers?: string[];
  /** Remove this many units from each chosen layer. */
  remove?: number;
  /** Or: keep this many units in each chosen layer. */
  keep?: number;
  /** Or: remove exactly the dead units (importance 0). */
  dead?: boolean;
}

export interface UnitScores { layer: string; scores: number[] }

type Consumer = Extract<Layer, { kind: 'dense' | 'gru' | 'lstm' | 'simple_rnn' }>;

function consumerOf(ir: ModelIR, i: number): Consumer | undefined {
  const next = ir.layers[i + 1];
  return next && next.kind !== 'embedding' ? next : undefined;
}

/** Importance of every unit of the recurrent layer at index i (outgoing weight L2 norm). */
export function unitImportance(ir: ModelIR, i: number): number[] {
  const l = ir.layers[i] as RecurrentLayer;
  const next = consumerOf(ir, i);
  const u = l.units;
  const s = new Float64Array(u);
  const R = contiguous(l.R);
  for (let r = 0; r < R.length / u; r++) for (let k = 0; k < u; k++) s[k] += R[r * u + k] ** 2;
  if (next) {
    const W = contiguous(next.W);
    const cols = next.inputSize;
    for (let r = 0; r < W.length / cols; r++) for (let k = 0; k < u; k++) s[k] += W[r * cols + k] ** 2;
  }
  return Array.from(s, Math.sqrt);
}

export function unitScores(ir: ModelIR): UnitScores[] {
  return ir.layers.flatMap((l, i) => (isRecurrent(l) && consumerOf(ir, i) ? [{ layer: l.name, scores: unitImportance(ir, i) }] : []));
}

function pickRows(t: Tensor, rows: number[]): Tensor {
  const cols = t.dimension === 2 ? t.shape[1] : 1;
  const src = contiguous(t);
  const out = new Float32Array(rows.length * cols);
  rows.forEach((r, k) => out.set(src.subarray(r * cols, (r + 1) * cols), k * cols));
  return tensor(out, t.dimension === 2 ? [rows.length, cols] : [rows.length]);
}

function pickCols(t: Tensor, cols: number[]): Tensor {
  const [rows, c0] = t.shape;
  const src = contiguous(t);
  const out = new Float32Array(rows * cols.length);
  for (let r = 0; r < rows; r++) cols.forEach((c, k) => { out[r * cols.length + k] = src[r * c0 + c]; });
  return tensor(out, [rows, cols.length]);
}

/** Shrinks the layer at index i of `ir` (a clone) to the units in `keep` (ascending). */
function shrink(ir: ModelIR, i: number, keep: number[]): void {
  const l = ir.layers[i] as RecurrentLayer;
  const u = l.units;
  const rows: number[] = [];
  for (let g = 0; g < GATES[l.kind]; g++) for (const k of keep) rows.push(g * u + k);
  const m = l as unknown as Record<string, Tensor | number>;
  m.W = pickRows(l.W, rows);
  m.R = pickCols(pickRows(l.R, rows), keep);
  m.bW = pickRows(l.bW, rows);
  m.bR = pickRows(l.bR, rows);
  if (l.h0) m.h0 = pickRows(l.h0, keep);
  if (l.kind === 'lstm' && l.c0) m.c0 = pickRows(l.c0, keep);
  m.units = keep.length;
  const next = consumerOf(ir, i)!;
  (next as { W: Tensor }).W = pickCols(next.W, keep);
  (next as { inputSize: number }).inputSize = keep.length;
}

export function pruneUnits(ir: ModelIR, opts: PruneUnitsOptions): ModelIR {
  const where = ir.source?.file ?? ir.name;
  const modes = [opts.remove !== undefined, opts.keep !== undefined, !!opts.dead].filter(Boolean).length;
  if (modes !== 1) throw new WatchwordError(`${where}: structured pruning needs exactly one of: units to remove, units to keep, or dead units`);
  const candidates = ir.layers.map((l, i) => ({ l, i })).filter(({ l, i }) => isRecurrent(l) && consumerOf(ir, i));
  let chosen = candidates;
  if (opts.layers) {
    chosen = opts.layers.map((name) => {
      const c = candidates.find(({ l }) => l.name === name);
      if (!c) {
        const exists = ir.layers.some((l) => l.name === name);
        throw new WatchwordError(exists
          ? `${where}: layer '${name}' cannot lose units (only a recurrent layer followed by another layer can: ${candidates.map(({ l }) => l.name).join(', ') || 'none'})`
          : `${where}: no layer named '${name}' (${ir.layers.map((l) => l.name).join(', ')})`);
      }
      return c;
    });
  }
  if (chosen.length === 0) throw new WatchwordError(`${where}: no recurrent layer followed by another layer, so there are no hidden units to remove`);
  const out = cloneModel(ir);
  for (const { l, i } of chosen) {
    const u = (l as RecurrentLayer).units;
    // Scores are taken from the original model, so shrinking one layer does not change
    // which units of another layer look important (each layer's scores use its own
    // R and the consumer's columns for it, which shrinking a later layer never touches).
    const scores = unitImportance(ir, i);
    const order = scores.map((s, k) => k).sort((a, b) => scores[a] - scores[b] || b - a);
    let removeN: number;
    if (opts.dead) removeN = scores.filter((s) => s === 0).length;
    else if (opts.keep !== undefined) removeN = u - opts.keep;
    else removeN = opts.remove!;
    if (!Number.isInteger(removeN) || removeN < 0 || removeN >= u) {
      throw new WatchwordError(`${where}: layer '${l.name}' has ${u} units; cannot remove ${removeN} (at least one must stay)`);
    }
    const drop = new Set(order.slice(0, removeN));
    const keep = scores.map((_, k) => k).filter((k) => !drop.has(k));
    shrink(out, i, keep);
  }
  return verify(out, 'structured pruning');
}
